#!/usr/bin/python3
"""Bench peer: ovn-nbctl in daemon mode writing workload W1/W2.

    nbctl_peer.py REMOTE ROWS TXNS WINDOW ROUTER_NAME

Starts `ovn-nbctl --detach` against REMOTE in a fresh temporary directory, so
that the daemon keeps its replica of the database between commands, as
ovn-kubernetes and friends run it. Then each transaction is one `ovn-nbctl`
invocation (OVN_NB_DAEMON set) carrying ROWS `-- lr-route-add ROUTER_NAME
PREFIX 192.168.0.1` commands, which the daemon commits as one transaction.
WINDOW must be 1: each invocation waits for its own transaction.

REMOTE may be a comma-separated list (a raft cluster), given to the daemon as
--db. The daemon is always stopped by its PID, also on SIGTERM, on an error and
when the watchdog fires. Prints one JSON line {"seconds": ..., "failed": ...}
on stdout. Exits 1 when some transaction failed (after printing the line) and
2 when no measurement could be made (message on stderr). The watchdog ends the
process after OVNDB_PEER_TIMEOUT_S seconds (default 300), so it never hangs.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from peer_common import MAX_REPORTED, NEXTHOP, deadline_after, parse_args, prefix, start_watchdog, transactions

NAME = 'nbctl_peer'
# ovn-nbctl's own bound on one invocation, so that a dead server cannot block it.
COMMAND_TIMEOUT_S = 60


class PeerError(Exception):
    """A failure that leaves nothing to measure."""


class Daemon:
    """An `ovn-nbctl --detach` process, known by the PID it writes to its pidfile."""

    def __init__(self, remote, workdir):
        self.remote = remote
        self.workdir = workdir
        self.ctl = os.path.join(workdir, 'nbctl.ctl')
        self.pidfile = os.path.join(workdir, 'nbctl.pid')
        self.log = os.path.join(workdir, 'nbctl.log')
        self.pid = None

    def start(self, env):
        args = ['ovn-nbctl', f'--db={self.remote}', '--detach', '--no-chdir', f'--pidfile={self.pidfile}',
                f'--unixctl={self.ctl}', f'--log-file={self.log}']
        # With --detach the command returns once the daemon is ready, and prints its control socket.
        done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=30)
        self.pid = self.read_pidfile()
        if done.returncode != 0:
            raise PeerError(f'ovn-nbctl --detach failed: {done.stderr.strip()}')
        if self.pid is None:
            raise PeerError(f'ovn-nbctl --detach wrote no pidfile at {self.pidfile}')

    def read_pidfile(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        """SIGTERM, then SIGKILL if it is still running after 5 s."""
        # The pidfile too: a start that failed or timed out may still have left a daemon behind.
        pid, self.pid = self.pid or self.read_pidfile(), None
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while running(pid):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    return
                time.sleep(0.01)
        except ProcessLookupError:
            pass

    def log_tail(self, chars=500):
        try:
            with open(self.log) as f:
                return f.read()[-chars:]
        except OSError:
            return ''


def running(pid):
    """Whether pid is a live process. The detached daemon is not our child, so we cannot wait for
    it, and it can stay a zombie until init reaps it: a zombie counts as gone."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        os.kill(pid, 0)  # no /proc: ProcessLookupError when it is gone
        return True


def stopper(daemon):
    """What the watchdog runs before it ends the process: the daemon is stopped by its PID."""
    def stop():
        daemon.stop()
        shutil.rmtree(daemon.workdir, ignore_errors=True)
    return stop


def measure(router_name, rows, txns, env, errors):
    """Runs the transactions; each invocation's stderr goes to the open file `errors`, which is
    read back only when the invocation failed (no pipe to drain on the timed path)."""
    failed = 0
    done = 0
    t0 = time.perf_counter()
    deadline = deadline_after(t0)
    for t in transactions(txns, deadline):
        done += 1
        cmd = ['ovn-nbctl', f'--timeout={COMMAND_TIMEOUT_S}']
        for j in range(rows):
            cmd += ['--', 'lr-route-add', router_name, prefix(t * rows + j), NEXTHOP]
        start = errors.tell()
        # No timeout= here: with one, Python polls for the child's exit with growing sleeps,
        # which nearly doubled the time of a one-route transaction. ovn-nbctl's own --timeout
        # and the watchdog bound it instead.
        code = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors).returncode
        errors.seek(0, os.SEEK_END)  # the child wrote through its own copy of the descriptor
        if code != 0:
            failed += 1
            if failed <= MAX_REPORTED:
                errors.seek(start)
                print(f'{NAME}: transaction {t}: {errors.read().strip()}', file=sys.stderr)
    return time.perf_counter() - t0, failed, done


def main():
    remote, rows, txns, window, router_name = parse_args(NAME)
    if window != 1:
        raise PeerError(f'WINDOW must be 1 (each ovn-nbctl invocation waits for its transaction), not {window}')
    if shutil.which('ovn-nbctl') is None:
        raise PeerError('ovn-nbctl is not on PATH; install the Debian package ovn-common')
    env = {k: v for k, v in os.environ.items() if k not in ('OVN_NB_DAEMON', 'OVN_NB_DB')}
    daemon = Daemon(remote, tempfile.mkdtemp(prefix='ovndb-nbctl-'))
    start_watchdog(NAME, stopper(daemon))
    # A SIGTERM becomes SystemExit, so that the finally below still stops the daemon.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        daemon.start(env)
        env['OVN_NB_DAEMON'] = daemon.ctl
        # Untimed warm-up: the daemon fetches the database, and the router is known to exist.
        warm = subprocess.run(['ovn-nbctl', '--timeout=30', 'lr-route-list', router_name], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=40)
        if warm.returncode != 0:
            raise PeerError(f'warm-up `lr-route-list {router_name}` through the daemon failed: '
                            f'{warm.stderr.strip()}\n{daemon.log_tail()}')
        with open(os.path.join(daemon.workdir, 'stderr.txt'), 'w+') as errors:
            seconds, failed, done = measure(router_name, rows, txns, env, errors)
    finally:
        daemon.stop()
        shutil.rmtree(daemon.workdir, ignore_errors=True)
    print(json.dumps({'seconds': round(seconds, 4), 'failed': failed, 'txns': done}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    try:
        main()
    except (PeerError, subprocess.TimeoutExpired, OSError) as error:
        print(f'{NAME}: {error}', file=sys.stderr, flush=True)
        sys.exit(2)
