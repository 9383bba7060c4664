#!/usr/bin/python3
"""Initial monitor through the Python OVS IDL, for bench/monitor-suite.ts.

    py_idl_monitor_peer.py REMOTE

Opens an Idl over Logical_Router and Logical_Router_Static_Route (every column), runs it
until its replica holds the server's contents, and prints one JSON line: the wall time from
creating the Idl, the rows it holds, and the process's peak resident set size.
"""
import json
import resource
import sys
import time

import ovs.db.idl
import ovs.poller
import ovs.vlog
from peer_common import start_watchdog

SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema'
TABLES = ('Logical_Router', 'Logical_Router_Static_Route')


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    ovs.vlog.Vlog.init(None)
    # So that a server that never answers cannot hang the benchmark.
    start_watchdog('py_idl_monitor_peer')
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    for table in TABLES:
        helper.register_table(table)
    started = time.perf_counter()
    idl = ovs.db.idl.Idl(sys.argv[1], helper)
    while not idl.has_ever_connected():
        idl.run()
        if idl.has_ever_connected():
            break
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.block()
    seconds = time.perf_counter() - started
    rows = sum(len(idl.tables[table].rows) for table in TABLES)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({'client': 'py-idl', 'rows': rows, 'total_s': round(seconds, 3),
                      'peak_rss_mb': round(peak_kib / 1024, 1)}))
    idl.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
