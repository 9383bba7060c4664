/**
 * A throwaway OVN control plane for end-to-end tests: a Northbound and a Southbound
 * ovsdb-server and ovn-northd translating one into the other, so that `ovn-trace` can follow a
 * packet through the logical flows northd computes from what a test wrote. No ovn-controller
 * and no Open vSwitch bridge are involved: ovn-trace reads the Southbound database alone.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { type RunningNorthd, startNorthd } from './northd.js';
import { NorthdTimeoutError } from './ovn-testing-errors.js';
import { startOvsdbServer } from './ovsdb-server.js';
import { runCommand } from './run-command.js';
import { ovnSchemaPath } from './schema-path.js';
import type { RunningServer } from './server-process.js';
import { ServerStartError } from './testing-errors.js';

/** What {@link startOvnSandbox} starts. */
export interface OvnSandboxOptions extends BinaryOptions {
  /** Start ovn-northd (without it the Southbound database stays as the test writes it). @default true */
  northd?: boolean;
  /** Let both servers listen on an ephemeral 127.0.0.1 tcp port too. @default false */
  tcp?: boolean;
  /** Where to keep databases, sockets and logs. @default a fresh temporary directory, removed on stop */
  dir?: string;
  /** Deadline for the servers to accept and northd to process the empty NB. @default 20000 */
  startTimeoutMs?: number;
  /** More ovn-northd arguments (e.g. `-vnorthd:dbg`). */
  northdArgs?: string[];
}

/** A running sandbox. Always `stop()` it (in `finally` or `after`). */
export interface OvnSandbox {
  /** The directory holding both servers' directories and northd's log, pidfile and control socket. */
  readonly dir: string;
  /** The OVN_Northbound server. */
  readonly nb: RunningServer;
  /** The OVN_Southbound server. */
  readonly sb: RunningServer;
  /** `unix:` remote of the Northbound database (what ovn-nbctl `--db=` and `connect` take). */
  readonly nbRemote: string;
  /** `unix:` remote of the Southbound database (what ovn-trace and ovn-sbctl `--db=` take). */
  readonly sbRemote: string;
  /** ovn-northd's PID, or undefined when started with `northd: false` or once stopped. */
  readonly northdPid: number | undefined;
  /** ovn-northd's log file, or undefined without northd. */
  readonly northdLogPath: string | undefined;
  /** Runs `ovn-nbctl --db=<nbRemote> ARGS...` and resolves with its stdout. */
  nbctl(...args: string[]): Promise<string>;
  /** Runs `ovn-sbctl --db=<sbRemote> ARGS...` and resolves with its stdout. */
  sbctl(...args: string[]): Promise<string>;
  /**
   * Resolves once northd has processed the Northbound database as it is now: bumps
   * `NB_Global.nb_cfg` and waits until northd copies it to `sb_cfg` (`ovn-nbctl --wait=sb
   * sync`). Rejects with {@link NorthdTimeoutError} after `timeoutMs` (default 10000), when
   * northd has exited, or when the sandbox runs without northd.
   */
  waitForNorthd(timeoutMs?: number): Promise<void>;
  /** Stops northd and both servers by PID and removes the directory it created. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * Starts a Northbound and a Southbound ovsdb-server on fresh databases (schemas from
 * {@link ovnSchemaPath}), creates their `NB_Global` and `SB_Global` rows, and, unless
 * `northd: false`, ovn-northd connected to both over unix sockets. Resolves once northd has
 * processed the (empty) Northbound database; rejects with ServerStartError, NorthdTimeoutError
 * or MissingBinaryError, leaving nothing running.
 */
export async function startOvnSandbox(options: OvnSandboxOptions = {}): Promise<OvnSandbox> {
  const ownsDir = options.dir === undefined;
  const dir = resolve(options.dir ?? (await mkdtemp(join(tmpdir(), 'ovndb-ovn-'))));
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  const startTimeoutMs = (): number => Math.max(1, deadline - Date.now());
  const servers: RunningServer[] = [];
  let northd: RunningNorthd | undefined;
  const stopAll = async (): Promise<void> => {
    await northd?.stop();
    await Promise.all(servers.map((server) => server.stop()));
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(dir, { recursive: true });
    const [nbctlPath, sbctlPath] = await Promise.all([
      findBinary('ovn-nbctl', options),
      findBinary('ovn-sbctl', options),
    ]);
    if (options.northd !== false) await findBinary('ovn-northd', options);
    const serverOptions = { ...options, tcp: options.tcp ?? false };
    const nb = await startOvsdbServer({
      ...serverOptions,
      schemas: [ovnSchemaPath('nb')],
      dir: join(dir, 'nb'),
      startTimeoutMs: startTimeoutMs(),
    });
    servers.push(nb);
    const sb = await startOvsdbServer({
      ...serverOptions,
      schemas: [ovnSchemaPath('sb')],
      dir: join(dir, 'sb'),
      startTimeoutMs: startTimeoutMs(),
    });
    servers.push(sb);
    const nbctl = (...args: string[]): Promise<string> =>
      runCommand(nbctlPath, [`--db=${nb.unix}`, ...args], { cwd: dir });
    const sbctl = (...args: string[]): Promise<string> =>
      runCommand(sbctlPath, [`--db=${sb.unix}`, ...args], { cwd: dir });
    // northd would create SB_Global itself, but a sandbox without northd needs it too.
    await nbctl('init');
    await sbctl('init');

    if (options.northd !== false) {
      northd = await startNorthd({
        ...options,
        nbRemote: nb.unix,
        sbRemote: sb.unix,
        dir,
        args: options.northdArgs ?? [],
      });
    }
    const running = northd;
    const waitForNorthd = (timeoutMs = DEFAULT_WAIT_MS): Promise<void> =>
      running === undefined
        ? Promise.reject(new NorthdTimeoutError('this sandbox was started without northd', ''))
        : running.sync(timeoutMs);
    if (running !== undefined) {
      try {
        await waitForNorthd(startTimeoutMs());
      } catch (error) {
        const tail = await running.process.tail();
        throw new ServerStartError('ovn-northd did not process the empty Northbound database', tail, error);
      }
    }
    let stopping: Promise<void> | undefined;
    return {
      dir,
      nb,
      sb,
      nbRemote: nb.unix,
      sbRemote: sb.unix,
      get northdPid() {
        return running !== undefined && running.process.exitInfo === undefined ? running.pid : undefined;
      },
      northdLogPath: running?.logPath,
      nbctl,
      sbctl,
      waitForNorthd,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
