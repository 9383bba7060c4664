/**
 * The peers that bench compares ovndb against in the same run: the Python OVS IDL, ovsdbapp and
 * the ovn-nbctl daemon. Each is a small driver script in bench/peers/ that runs one workload and
 * prints one JSON line; this module checks they can run, installs what they need, runs them with
 * a time bound and compares their figures with the reference baselines in ../shared/perf.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { median } from './stats.js';
import { type RunResult, type RunTarget, result, type Workload } from './workload.js';

/** A peer client bench can run. */
export type PeerName = 'py-idl' | 'ovsdbapp' | 'nbctl-daemon';

/** Every peer, in the order bench runs them. */
export const peerNames: readonly PeerName[] = ['py-idl', 'ovsdbapp', 'nbctl-daemon'];

/**
 * The interpreter that runs the drivers. Debian's python3-openvswitch and python3-ovsdbapp
 * install for the system Python only, so a `python3` found first on PATH (pyenv, a venv) would
 * not import them.
 */
export const systemPython = '/usr/bin/python3';

const scripts: Record<PeerName, string> = {
  'py-idl': resolve(import.meta.dirname, 'peers/py_idl_peer.py'),
  ovsdbapp: resolve(import.meta.dirname, 'peers/ovsdbapp_peer.py'),
  'nbctl-daemon': resolve(import.meta.dirname, 'peers/nbctl_peer.py'),
};

/** Whether a peer can run here, and if not, what is missing. */
export interface PeerAvailability {
  ok: boolean;
  /** What is missing, naming the Debian package that brings it. */
  why?: string;
}

/** The Debian package each Python module comes from. */
const modules = [
  { module: 'ovs.db.idl', package: 'python3-openvswitch' },
  { module: 'ovsdbapp.schema.ovn_northbound.impl_idl', package: 'python3-ovsdbapp' },
] as const;

/**
 * Which of the Python modules fail to import, with the error of each; undefined when the system
 * Python itself cannot run. One interpreter start for all of them, since each costs ~50 ms.
 */
function importErrors(): Record<string, string> | undefined {
  const probe = [
    'import importlib, json',
    'errors = {}',
    `for name in ${JSON.stringify(modules.map((m) => m.module))}:`,
    '    try:',
    '        importlib.import_module(name)',
    '    except Exception as error:',
    '        errors[name] = repr(error)',
    'print(json.dumps(errors))',
  ].join('\n');
  const run = spawnSync(systemPython, ['-c', probe], { encoding: 'utf8', timeout: 20_000 });
  if (run.error || run.status !== 0) return undefined;
  try {
    return JSON.parse(run.stdout.trim()) as Record<string, string>;
  } catch {
    return undefined;
  }
}

function hasNbctl(): boolean {
  const run = spawnSync('ovn-nbctl', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return !run.error && run.status === 0;
}

/**
 * Whether each peer can run on this machine: the system Python imports ovs.db.idl (py-idl) or
 * ovsdbapp (ovsdbapp), and ovn-nbctl is on PATH (nbctl-daemon, whose driver is also Python).
 * Takes well under a second; call it once per run.
 */
export function peerAvailability(): Record<PeerName, PeerAvailability> {
  const errors = importErrors();
  const noPython: PeerAvailability = {
    ok: false,
    why: `${systemPython} does not run (install the Debian package python3)`,
  };
  const python = (index: 0 | 1): PeerAvailability => {
    if (errors === undefined) return noPython;
    const { module, package: pkg } = modules[index];
    const error = errors[module];
    return error === undefined
      ? { ok: true }
      : { ok: false, why: `${systemPython} cannot import ${module} (install ${pkg}): ${error}` };
  };
  let nbctl: PeerAvailability = { ok: true };
  if (errors === undefined) nbctl = noPython;
  else if (!hasNbctl()) nbctl = { ok: false, why: 'ovn-nbctl is not on PATH (install ovn-common)' };
  return { 'py-idl': python(0), ovsdbapp: python(1), 'nbctl-daemon': nbctl };
}

/**
 * Installs the Debian packages the peers need, those that are missing only:
 * `apt-get install -y --no-install-recommends python3-openvswitch python3-ovsdbapp` (and
 * ovn-common when ovn-nbctl is missing). Says on stderr what it runs. Throws when a package is
 * missing and this process is not root, or when apt-get fails.
 */
export function installPeers(): void {
  const available = peerAvailability();
  const missing: string[] = [];
  if (!available['py-idl'].ok) missing.push('python3-openvswitch');
  if (!available.ovsdbapp.ok) missing.push('python3-ovsdbapp');
  if (!hasNbctl()) missing.push('ovn-common');
  if (missing.length === 0) {
    process.stderr.write('peers: python3-openvswitch, python3-ovsdbapp and ovn-nbctl already installed\n');
    return;
  }
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (process.getuid?.() !== 0)
    throw new Error(`installing the peers needs root: run \`sudo apt-get ${install.join(' ')}\``);
  const aptGet = (args: string[]): boolean => {
    process.stderr.write(`peers: apt-get ${args.join(' ')}\n`);
    const run = spawnSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    });
    return !run.error && run.status === 0;
  };
  // A machine whose package lists were never fetched (a fresh container) knows no packages:
  // fetch them and try once more.
  if (aptGet(install)) return;
  if (aptGet(['update']) && aptGet(install)) return;
  throw new Error(`apt-get ${install.join(' ')} failed; see its output above`);
}

/**
 * Transactions per run for each peer, as the reference baselines in ../shared/perf were taken
 * (its run_throughput.py). The peers keep a replica and copy the router's whole static_routes
 * set on every update, and ovsdbapp and ovn-nbctl also scan that set on every lr-route-add, so
 * their rate falls as the set grows: a figure is only comparable with a baseline taken over the
 * same number of routes. The slowest two get smaller runs so that one stays under a minute.
 */
const peerTxns: Record<PeerName, Record<Workload['name'], number>> = {
  'py-idl': { W1: 5000, W2: 50 },
  ovsdbapp: { W1: 2000, W2: 20 },
  'nbctl-daemon': { W1: 2000, W2: 20 },
};

/** The workload a peer runs: `workload`'s rows per transaction, with the peer's baseline run size. */
export function peerSize(peer: PeerName, workload: Workload): Workload {
  return { ...workload, txns: peerTxns[peer][workload.name] };
}

/** Options of {@link runPeer}. */
export interface RunPeerOptions {
  /** The router the routes go into, by name (bench's setup names it `lr0`). @default 'lr0' */
  routerName?: string;
  /**
   * Wall-time bound of the run. The driver's own watchdog ends it then (and stops what it
   * started); if it has not exited 10 s later, it is killed by PID. @default 300000
   */
  timeoutMs?: number;
}

/** Keeps the end of a stream's text, so that a chatty child cannot grow memory without bound. */
function tail(text: string, max = 4000): string {
  return text.length > max ? text.slice(-max) : text;
}

/**
 * Runs one peer over `target` against `remote` (a `unix:`/`tcp:` remote, or a comma-separated
 * list of them for a raft cluster: the drivers write to the leader only). `target.workload`
 * should come from {@link peerSize}. Resolves with the run's result, failed transactions
 * counted; rejects when the driver cannot measure (not installed, no server, no router), times
 * out, or prints no result line.
 */
export function runPeer(
  peer: PeerName,
  remote: string,
  target: RunTarget,
  options: RunPeerOptions = {},
): Promise<RunResult> {
  const { workload, window } = target;
  if (peer !== 'py-idl' && window !== 1)
    return Promise.reject(new RangeError(`${peer} commits one transaction at a time: window must be 1`));
  const timeoutMs = options.timeoutMs ?? 300_000;
  const args = [
    scripts[peer],
    remote,
    String(workload.rows),
    String(workload.txns),
    String(window),
    options.routerName ?? 'lr0',
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(systemPython, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OVNDB_PEER_TIMEOUT_S: String(timeoutMs / 1000),
        // The drivers stop issuing transactions after this long and report how many they did.
        ...(target.durationMs !== undefined
          ? { OVNDB_PEER_DURATION_S: String(target.durationMs / 1000) }
          : {}),
      },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout = tail(stdout + text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = tail(stderr + text);
    });
    // The driver's watchdog should end it first; this is for a driver that is itself stuck.
    // SIGTERM lets the nbctl driver stop its daemon; SIGKILL if even that does not end it.
    const kill = (signal: NodeJS.Signals) => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, signal);
        } catch {
          // Already gone.
        }
      }
    };
    const term = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
    }, timeoutMs + 10_000);
    const hard = setTimeout(() => kill('SIGKILL'), timeoutMs + 15_000);
    child.on('error', (error) => {
      clearTimeout(term);
      clearTimeout(hard);
      reject(new Error(`${peer}: could not start ${systemPython}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(term);
      clearTimeout(hard);
      const why = stderr.trim() || '(no stderr)';
      if (timedOut) {
        reject(new Error(`${peer}: killed after ${timeoutMs + 10_000} ms: ${why}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      let line: { seconds?: unknown; failed?: unknown; txns?: unknown } | undefined;
      try {
        line = JSON.parse(last) as typeof line;
      } catch {
        line = undefined;
      }
      const measured = typeof line?.seconds === 'number' && typeof line.failed === 'number';
      // Exit 0 with a result, or exit 1 with a result that counts failed transactions: the run
      // was measured. Anything else (exit 2: nothing to measure, 3: its watchdog) is an error.
      if (measured && (code === 0 || (code === 1 && (line!.failed as number) > 0))) {
        const done = typeof line!.txns === 'number' ? line!.txns : target.workload.txns;
        resolvePromise(result(peer, target, line!.failed as number, line!.seconds as number, done));
        return;
      }
      reject(new Error(`${peer}: exited with ${code ?? signal}: ${why}`));
    });
  });
}

/** The reference results: one JSON line per run of ../shared/perf/run_throughput.py. */
export const sharedThroughputPath = resolve(
  import.meta.dirname,
  '../../shared/perf/results/throughput.jsonl',
);

/** One line of the reference results, the fields read here. */
interface SharedRun {
  client?: string;
  name?: string;
  transport?: string;
  workload?: string;
  window?: number;
  txn_per_s?: number;
  txns?: number;
  failed?: number;
  error?: string;
}

/**
 * Our name for a reference run's client. Its `raw` is raw-pipeline.mjs, which bench runs as
 * `shared-raw`; `py-idl w1`/`py-idl w16` are one client at two windows (the window is in the
 * key); the rest (ovsdbapp, nbctl-daemon, nbctl-oneshot, libovsdb-…) keep their run name.
 */
function ourClient(run: SharedRun): string | undefined {
  if (run.client === 'raw') return 'shared-raw';
  if (run.client === 'raw+monitor') return 'shared-raw-monitor';
  if (run.client !== undefined && /^py-idl w\d+$/.test(run.client)) return 'py-idl';
  return run.name ?? run.client;
}

/** The key of {@link sharedBaselines}: `${client}|${transport}|${workload}|${window}`. */
export function baselineKey(client: string, transport: string, workload: string, window: number): string {
  return `${client}|${transport}|${workload}|${window}`;
}

/**
 * Median txn/s of the reference runs, keyed by {@link baselineKey} with our client names (see
 * the peers and `shared-raw`). Read at run time, never copied into the repository, so that new
 * reference runs count at once. Failed runs are left out; lines that are not JSON are skipped.
 * Undefined when the file is absent (a clone without ../shared).
 */
export function sharedBaselines(path: string = sharedThroughputPath): Map<string, number> | undefined {
  return referenceMedians(path, (run) => (run.failed ? undefined : run.txn_per_s));
}

/**
 * The transaction count of the reference runs, keyed like {@link sharedBaselines} (the median
 * when runs differ). A figure is comparable with its baseline only at the same size, since
 * the server's cost per route grows with the router's set. Undefined when the file is absent.
 */
export function sharedBaselineSizes(path: string = sharedThroughputPath): Map<string, number> | undefined {
  return referenceMedians(path, (run) => run.txns);
}

/** Medians of `pick(run)` over the reference runs, by {@link baselineKey}; runs with an error or no value are skipped. */
function referenceMedians(
  path: string,
  pick: (run: SharedRun) => number | undefined,
): Map<string, number> | undefined {
  if (!existsSync(path)) return undefined;
  const values = new Map<string, number[]>();
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    let run: SharedRun;
    try {
      run = JSON.parse(text) as SharedRun;
    } catch {
      continue; // blank or cut-off lines
    }
    const client = ourClient(run);
    const { transport, workload, window } = run;
    const value = pick(run);
    if (run.error || client === undefined || typeof value !== 'number') continue;
    if (transport === undefined || workload === undefined || typeof window !== 'number') continue;
    const key = baselineKey(client, transport, workload, window);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return new Map([...values].map(([key, list]) => [key, median(list)]));
}

/** How far a measured median may stray from its baseline before the figure is flagged. */
export const SUSPECT_DEVIATION = 0.35;

/** A measured median next to its reference baseline. */
export interface BaselineComparison {
  /** The reference median txn/s, when there is one. */
  baseline?: number;
  /** median / baseline - 1, when there is a baseline. */
  deviation?: number;
  /**
   * More than 35 % off the baseline: the machine, the server or the driver differs from the
   * reference setup, and the figure should be checked before it is published.
   */
  suspect: boolean;
}

/**
 * Compares a measured median txn/s of `client` (a peer, or `shared-raw`) with the reference
 * median for the same transport, workload and window. Without a baseline nothing is suspect.
 * `baselines` defaults to (and `undefined` means) {@link sharedBaselines}, read anew; pass the map
 * when comparing many figures, or an empty map for none.
 */
export function compareToBaseline(
  client: PeerName | (string & {}),
  transport: string,
  workload: string,
  window: number,
  median: number,
  baselines: Map<string, number> | undefined = sharedBaselines(),
): BaselineComparison {
  const baseline = baselines?.get(baselineKey(client, transport, workload, window));
  if (baseline === undefined || baseline <= 0) return { suspect: false };
  const deviation = median / baseline - 1;
  return { baseline, deviation, suspect: Math.abs(deviation) > SUSPECT_DEVIATION };
}
