#!/usr/bin/python3
"""Bench peer: the Python OVS IDL (ovs.db.idl) writing workload W1/W2.

    py_idl_peer.py REMOTE ROWS TXNS WINDOW ROUTER_NAME

Each transaction inserts ROWS Logical_Router_Static_Route rows and adds them to
ROUTER_NAME's static_routes, the shape of `ovn-nbctl lr-route-add`. WINDOW=1
commits one transaction at a time with commit_block(), the way most IDL
applications write. WINDOW>1 keeps up to WINDOW commits in flight on the one
Idl: commit() sends a transaction and detaches it from the Idl, so the next one
can be built while the earlier ones wait for their replies.

REMOTE may be a comma-separated list (a raft cluster); the Idl then writes to
the leader only. Prints one JSON line {"seconds": ..., "failed": ...} on
stdout. Exits 1 when some transaction failed (after printing the line) and 2
when no measurement could be made (message on stderr). A watchdog ends the
process after OVNDB_PEER_TIMEOUT_S seconds (default 300), so it never hangs.
"""
import json
import sys
import time

import peer_common
from peer_common import MAX_REPORTED, NEXTHOP, deadline_after, parse_args, prefix, start_watchdog, transactions

NAME = 'py_idl_peer'
SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema'
CONNECT_TIMEOUT_S = 30


def die(message):
    peer_common.die(NAME, message)


try:
    import ovs.db.idl
    import ovs.poller
    import ovs.vlog
except ImportError as error:
    die(f'cannot import ovs.db.idl ({error}); install the Debian package python3-openvswitch '
        'and run this script with /usr/bin/python3')

Txn = ovs.db.idl.Transaction


def connect(remote):
    """An Idl holding the two tables the workload touches, once it has the database's contents."""
    helper = ovs.db.idl.SchemaHelper(SCHEMA)
    helper.register_table('Logical_Router')
    helper.register_table('Logical_Router_Static_Route')
    idl = ovs.db.idl.Idl(remote, helper, leader_only=True)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        idl.run()
        if idl.has_ever_connected():
            return idl
        left = deadline - time.monotonic()
        if left <= 0:
            idl.close()
            die(f'could not connect to {remote} within {CONNECT_TIMEOUT_S} s')
        poller = ovs.poller.Poller()
        idl.wait(poller)
        poller.timer_wait(int(left * 1000) + 1)
        poller.block()


def find_router(idl, name):
    for row in idl.tables['Logical_Router'].rows.values():
        if row.name == name:
            return row
    return None


def build(idl, router_name, rows, t):
    """Transaction t: ROWS new routes, each added to the router's static_routes by a mutation."""
    txn = Txn(idl)
    # Looked up again per transaction: the Row object is replaced when the server's updates arrive.
    router = find_router(idl, router_name)
    routes = idl.tables['Logical_Router_Static_Route']
    for j in range(rows):
        route = txn.insert(routes)
        route.ip_prefix = prefix(t * rows + j)
        route.nexthop = NEXTHOP
        router.addvalue('static_routes', route)
    return txn


def run_serial(idl, router_name, rows, txns, deadline):
    failed = 0
    done = 0
    for t in transactions(txns, deadline):
        done += 1
        txn = build(idl, router_name, rows, t)
        if txn.commit_block() != Txn.SUCCESS:
            failed += 1
            if failed <= MAX_REPORTED:
                print(f'{NAME}: transaction {t}: {txn.get_error()}', file=sys.stderr)
    return failed, done


def run_windowed(idl, router_name, rows, txns, window, deadline):
    failed = 0
    next_t = 0
    done = 0
    in_flight = []
    while done < txns and not (next_t == done and time.perf_counter() >= deadline):
        idl.run()  # processes replies: sent transactions learn their final status here
        still = []
        for txn in in_flight:
            status = txn.commit()  # for a sent transaction this only reads its status
            if status == Txn.INCOMPLETE:
                still.append(txn)
            else:
                done += 1
                if status != Txn.SUCCESS:
                    failed += 1
                    if failed <= MAX_REPORTED:
                        print(f'{NAME}: a transaction ended {Txn.status_to_string(status)}: {txn.get_error()}',
                              file=sys.stderr)
        in_flight = still
        while len(in_flight) < window and next_t < txns and time.perf_counter() < deadline:
            txn = build(idl, router_name, rows, next_t)
            status = txn.commit()
            next_t += 1
            if status == Txn.INCOMPLETE:
                in_flight.append(txn)
            else:
                done += 1
                failed += 1
                if failed <= MAX_REPORTED:
                    print(f'{NAME}: transaction {next_t - 1}: {Txn.status_to_string(status)}', file=sys.stderr)
        if in_flight:
            poller = ovs.poller.Poller()
            idl.wait(poller)
            poller.block()
    return failed, done


def main():
    remote, rows, txns, window, router_name = parse_args(NAME)
    start_watchdog(NAME)
    ovs.vlog.Vlog.init(None)  # no log file
    ovs.vlog.Vlog.set_levels_from_string('console:warn')  # only what explains a failure
    idl = connect(remote)
    if find_router(idl, router_name) is None:
        idl.close()
        die(f'no Logical_Router named {router_name!r} at {remote}')
    t0 = time.perf_counter()
    deadline = deadline_after(t0)
    if window == 1:
        failed, done = run_serial(idl, router_name, rows, txns, deadline)
    else:
        failed, done = run_windowed(idl, router_name, rows, txns, window, deadline)
    seconds = time.perf_counter() - t0
    idl.close()
    print(json.dumps({'seconds': round(seconds, 4), 'failed': failed, 'txns': done}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
