/**
 * ovn-northd as a child of this process, on any Northbound and Southbound remotes (one server
 * each, or the comma lists of raft clusters), stopped by its own PID. The sandbox and the lab
 * both start it here.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { ManagedProcess } from './managed-process.js';
import { NorthdTimeoutError } from './ovn-testing-errors.js';

/** What {@link startNorthd} starts. */
export interface NorthdOptions extends BinaryOptions {
  /** `--ovnnb-db`: one remote or the comma list of every cluster member. */
  nbRemote: string;
  /** `--ovnsb-db`: one remote or the comma list of every cluster member. */
  sbRemote: string;
  /** Where its pidfile, control socket and log go (it is also its working directory). */
  dir: string;
  /** More ovn-northd arguments (e.g. `-vnorthd:dbg`). */
  args?: readonly string[];
}

/** A running ovn-northd. */
export interface RunningNorthd {
  readonly pid: number;
  readonly logPath: string;
  /** The process, to observe its exit. */
  readonly process: ManagedProcess;
  /**
   * Resolves once northd has processed the Northbound database as it is now (`ovn-nbctl
   * --wait=sb sync` on `nbRemote`); {@link NorthdTimeoutError} after `timeoutMs` or when
   * northd exits meanwhile.
   */
  sync(timeoutMs: number): Promise<void>;
  /** SIGTERM to its PID (SIGKILL after a grace period); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts ovn-northd in the foreground (no `--detach`, `--no-chdir`) with its pidfile, control
 * socket and log in `dir`. Returns at once: call {@link RunningNorthd.sync} to wait until it
 * works. Rejects with MissingBinaryError when ovn-northd or ovn-nbctl is not installed.
 */
export async function startNorthd(options: NorthdOptions): Promise<RunningNorthd> {
  const [northdPath, nbctlPath] = await Promise.all([
    findBinary('ovn-northd', options),
    findBinary('ovn-nbctl', options),
  ]);
  const logPath = join(options.dir, 'ovn-northd.log');
  const managed = ManagedProcess.start(
    northdPath,
    [
      `--ovnnb-db=${options.nbRemote}`,
      `--ovnsb-db=${options.sbRemote}`,
      `--pidfile=${join(options.dir, 'ovn-northd.pid')}`,
      `--unixctl=${join(options.dir, 'ovn-northd.ctl')}`,
      `--log-file=${logPath}`,
      '-vconsole:off',
      '-vfile:info',
      '--no-chdir',
      ...(options.args ?? []),
    ],
    { cwd: options.dir, logFile: logPath },
  );
  return {
    pid: managed.pid,
    logPath,
    process: managed,
    sync: (timeoutMs) => syncWithNorthd(nbctlPath, options.nbRemote, managed, options.dir, timeoutMs),
    stop: () => managed.stop(),
  };
}

/**
 * `ovn-nbctl --wait=sb sync`, bounded by `timeoutMs` and cut short (the child killed) when
 * northd exits, since then it could only wait for the deadline.
 */
async function syncWithNorthd(
  nbctlPath: string,
  nbRemote: string,
  northd: ManagedProcess,
  cwd: string,
  timeoutMs: number,
): Promise<void> {
  if (northd.exitInfo !== undefined) {
    throw new NorthdTimeoutError(`exited (${ManagedProcess.describe(northd.exitInfo)})`, await northd.tail());
  }
  const abort = new AbortController();
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const sync = new Promise<void>((resolvePromise, reject) => {
    execFile(
      nbctlPath,
      [`--db=${nbRemote}`, `--timeout=${seconds}`, '--wait=sb', 'sync'],
      // The timeout here is a backstop in case ovn-nbctl's own alarm does not fire.
      { cwd, signal: abort.signal, timeout: timeoutMs + 2000 },
      (error, _stdout, stderr) =>
        error === null ? resolvePromise() : reject(Object.assign(error, { stderr })),
    );
  });
  const died = northd.exited.then((exit) => {
    abort.abort();
    return exit;
  });
  const outcome = await Promise.race([sync.then(() => 'synced' as const), died]).catch(
    (error: unknown) => error as Error,
  );
  if (outcome === 'synced') return;
  abort.abort();
  await sync.catch(() => undefined);
  if (outcome instanceof Error) {
    const stderr = String((outcome as { stderr?: unknown }).stderr ?? '').trim();
    throw new NorthdTimeoutError(
      `did not catch up with the Northbound database within ${timeoutMs} ms${stderr === '' ? '' : ` (${stderr})`}`,
      await northd.tail(),
      outcome,
    );
  }
  throw new NorthdTimeoutError(`exited (${ManagedProcess.describe(outcome)})`, await northd.tail());
}
