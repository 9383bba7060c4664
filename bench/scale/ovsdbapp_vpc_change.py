#!/usr/bin/python3
"""The VPC change of bench/scale.ts through ovsdbapp's OVN Northbound API.

    ovsdbapp_vpc_change.py REMOTE CHANGES_JSON

Opens the API over the tables the change touches (Logical_Router, Logical_Router_Port,
Logical_Router_Static_Route), waits until its replica holds them, then makes each change of
CHANGES_JSON (a list of {name, peer, local_port, remote_port, mac1, mac2, local, remote,
routes: [[prefix, nexthop], ...]}) as one transaction: the routes (db_create), lr_add with
them, a router port on each side peering with the other. Prints one JSON line per change with its wall time in ms.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))

from peer_common import die, start_watchdog  # noqa: E402

try:
    from ovsdbapp.backend.ovs_idl import connection, idlutils
    from ovsdbapp.schema.ovn_northbound import impl_idl
except ImportError as error:
    die('ovsdbapp_vpc_change', f'cannot import ovsdbapp ({error})')

TABLES = ['Logical_Router', 'Logical_Router_Port', 'Logical_Router_Static_Route']


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    start_watchdog('ovsdbapp_vpc_change')
    remote = sys.argv[1]
    changes = json.loads(sys.argv[2])
    helper = idlutils.get_schema_helper(remote, 'OVN_Northbound')
    idl = connection.OvsdbIdl.from_server(remote, 'OVN_Northbound', helper=helper, helper_tables=TABLES)
    started = time.perf_counter()
    api = impl_idl.OvnNbApiIdlImpl(connection.Connection(idl=idl, timeout=300))
    api.lr_get(changes[0]['peer']).execute(check_error=True)
    print(json.dumps({'synced_s': round(time.perf_counter() - started, 3)}), flush=True)
    for change in changes:
        t0 = time.perf_counter()
        with api.transaction(check_error=True) as txn:
            # lr_route_add cannot add to a router created in the same transaction (it reads the
            # new row's static_routes, which is not set yet): the routes are created first and
            # given to lr_add, as an application would work around it.
            routes = [txn.add(api.db_create('Logical_Router_Static_Route', ip_prefix=prefix, nexthop=nexthop,
                                            policy='dst-ip'))
                      for prefix, nexthop in change['routes']]
            txn.add(api.lr_add(change['name'], static_routes=routes))
            txn.add(api.lrp_add(change['name'], change['local_port'], change['mac1'], [change['local']],
                                peer=change['remote_port']))
            txn.add(api.lrp_add(change['peer'], change['remote_port'], change['mac2'], [change['remote']],
                                peer=change['local_port']))
        print(json.dumps({'ms': round((time.perf_counter() - t0) * 1000, 3)}), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
