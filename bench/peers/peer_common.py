"""What the bench's peer drivers share: their arguments, the route sequence, the watchdog
that ends a stuck run, the optional time cap, and how they fail.

The drivers import it from their own folder (Python puts a script's folder on sys.path).
"""
import os
import sys
import threading
import time

NEXTHOP = '192.168.0.1'
# Failed transactions described on stderr; the rest are only counted.
MAX_REPORTED = 5


def die(name, message):
    """Nothing can be measured: say why and exit 2."""
    print(f'{name}: {message}', file=sys.stderr, flush=True)
    sys.exit(2)


def prefix(i):
    """The i-th /32 route prefix, the same sequence as prefix() in bench/workload.ts."""
    return f'10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}/32'


def parse_args(name):
    """REMOTE ROWS TXNS WINDOW ROUTER_NAME, checked; dies with the usage otherwise."""
    if len(sys.argv) != 6:
        die(name, f'usage: {name}.py REMOTE ROWS TXNS WINDOW ROUTER_NAME')
    try:
        rows, txns, window = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    except ValueError:
        die(name, 'ROWS, TXNS and WINDOW must be integers')
    if rows < 1 or txns < 1 or window < 1:
        die(name, 'ROWS, TXNS and WINDOW must be at least 1')
    return sys.argv[1], rows, txns, window, sys.argv[5]


def start_watchdog(name, cleanup=None):
    """Exits the whole process after OVNDB_PEER_TIMEOUT_S seconds (default 300), whatever any
    thread is blocked in, running `cleanup` first (e.g. to stop a daemon it started)."""
    limit = float(os.environ.get('OVNDB_PEER_TIMEOUT_S', '300'))

    def expire():
        print(f'{name}: timed out after {limit:g} s', file=sys.stderr, flush=True)
        if cleanup is not None:
            cleanup()
        os._exit(3)

    timer = threading.Timer(limit, expire)
    timer.daemon = True
    timer.start()


def deadline_after(t0):
    """When to stop issuing transactions: OVNDB_PEER_DURATION_S seconds after t0, or never."""
    duration = os.environ.get('OVNDB_PEER_DURATION_S')
    return t0 + float(duration) if duration else float('inf')


def transactions(txns, deadline):
    """Transaction numbers 0, 1, ... txns-1, stopping early once `deadline` has passed."""
    for t in range(txns):
        if time.perf_counter() >= deadline:
            return
        yield t
