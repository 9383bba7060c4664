#!/usr/bin/python3
"""Initial sync of the whole Northbound through the Python OVS IDL, for bench/scale.ts.

    py_idl_sync.py REMOTE [BURST]

Registers every table, runs the Idl until its replica holds the server's contents, and prints
one JSON line: wall and CPU seconds, rows held, peak RSS and the RSS per row above what the
process had before. With BURST, it then prints {"ready": true}, runs the Idl until BURST more
rows were seen changing (inserted or modified), or until 5 s pass without a change, and prints
the changes seen, the time of the last one (ms since the epoch) and its peak RSS.
"""
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))

import ovs.db.idl  # noqa: E402
import ovs.poller  # noqa: E402
import ovs.vlog  # noqa: E402
from peer_common import start_watchdog  # noqa: E402

SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema'
QUIET_MS = 5000


def rss_bytes():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Counting(ovs.db.idl.Idl):
    seen = 0

    def notify(self, event, row, updates=None):
        self.seen += 1


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    ovs.vlog.Vlog.init(None)
    start_watchdog('py_idl_sync')
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    helper.register_all()
    before = rss_bytes()
    started = time.perf_counter()
    cpu0 = time.process_time()
    idl = Counting(sys.argv[1], helper)
    while True:
        idl.run()
        if idl.has_ever_connected():
            break
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.block()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    rows = sum(len(table.rows) for table in idl.tables.values())
    held = rss_bytes() - before
    line = {'client': 'py-idl', 'rows': rows, 'total_s': round(seconds, 3),
            'cpu_ms': round(cpu * 1000), 'peak_rss_mb': peak_mb(),
            'rss_per_row_bytes': round(held / max(rows, 1))}
    if len(sys.argv) == 2:
        print(json.dumps(line), flush=True)
        idl.close()
        return 0
    want = int(sys.argv[2])
    print(json.dumps({**line, 'ready': True}), flush=True)
    idl.seen = 0
    last = 0.0
    while idl.seen < want:
        seen = idl.seen
        idl.run()
        if idl.seen != seen:
            last = time.time() * 1000
            continue
        # Changes the Idl folds together are not seen one by one: stop 5 s after the last one.
        if last and time.time() * 1000 - last > QUIET_MS:
            break
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(500)
        poller.block()
    print(json.dumps({'client': 'py-idl', 'changes': idl.seen, 'last_change_ms': last,
                      'peak_rss_mb': peak_mb()}), flush=True)
    idl.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
