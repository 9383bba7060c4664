#!/usr/bin/python3
"""Bench peer: ovsdbapp's OVN Northbound API writing workload W1/W2.

    ovsdbapp_peer.py REMOTE ROWS TXNS WINDOW ROUTER_NAME

Each transaction holds ROWS lr_route_add commands for ROUTER_NAME, committed
with check_error=True, the way an OpenStack-style application writes. WINDOW
must be 1: ovsdbapp runs its Idl in one thread that commits queued
transactions one after the other and blocks each caller until its own
transaction is done, so it cannot keep several in flight.

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

NAME = 'ovsdbapp_peer'
# Bounds one connection attempt and one transaction inside ovsdbapp.
OPERATION_TIMEOUT_S = 60
TABLES = ['Logical_Router', 'Logical_Router_Static_Route']


def die(message):
    peer_common.die(NAME, message)


try:
    from ovsdbapp.backend.ovs_idl import connection, idlutils
    from ovsdbapp.schema.ovn_northbound import impl_idl
except ImportError as error:
    die(f'cannot import ovsdbapp ({error}); install the Debian package python3-ovsdbapp '
        'and run this script with /usr/bin/python3')


def open_api(remote):
    """The NB API over its own connection thread, with the two tables the workload touches."""
    try:
        # The schema comes from the server, as ovsdbapp applications usually get it.
        helper = idlutils.get_schema_helper(remote, 'OVN_Northbound')
    except Exception as error:  # ovsdbapp raises a bare Exception when no remote answers
        die(f'could not fetch the OVN_Northbound schema from {remote}: {error}')
    idl = connection.OvsdbIdl.from_server(remote, 'OVN_Northbound', helper=helper, helper_tables=TABLES)
    try:
        return impl_idl.OvnNbApiIdlImpl(connection.Connection(idl=idl, timeout=OPERATION_TIMEOUT_S))
    except Exception as error:
        die(f'could not connect to {remote}: {error}')


def main():
    remote, rows, txns, window, router_name = parse_args(NAME)
    if window != 1:
        die(f'WINDOW must be 1 (ovsdbapp commits one transaction at a time), not {window}')
    start_watchdog(NAME)
    api = open_api(remote)
    try:
        try:
            api.lr_get(router_name).execute(check_error=True)
        except Exception as error:
            die(f'no Logical_Router named {router_name!r} at {remote}: {error!r}')
        failed = 0
        done = 0
        t0 = time.perf_counter()
        deadline = deadline_after(t0)
        for t in transactions(txns, deadline):
            done += 1
            try:
                # log_errors=False: the failure is reported below, without ovsdbapp's own traceback.
                with api.transaction(check_error=True, log_errors=False) as txn:
                    for j in range(rows):
                        txn.add(api.lr_route_add(router_name, prefix(t * rows + j), NEXTHOP))
            except Exception as error:  # any failure of one transaction is counted, and the run goes on
                failed += 1
                if failed <= MAX_REPORTED:
                    print(f'{NAME}: transaction {t}: {error!r}', file=sys.stderr)
        seconds = time.perf_counter() - t0
    finally:
        api.ovsdb_connection.stop(timeout=5)
    print(json.dumps({'seconds': round(seconds, 4), 'failed': failed, 'txns': done}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
