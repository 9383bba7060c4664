/**
 * The initial monitor of a big OVN_Northbound (one router with N static routes): each client
 * in a fresh child process against a fresh server started from a copy of the same database
 * file, reporting its wall time until synced, its peak RSS and (ours) the longest event-loop
 * block while syncing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launchOvsdbServer, type RunningServer } from '../src/testing/server-process.js';
import { buildRoutesTemplate } from './nb-routes-template.js';
import { systemPython } from './peers.js';
import { median } from './stats.js';

const run = promisify(execFile);
const here = import.meta.dirname;
const sharedScript = resolve(here, '../../shared/perf/raw-monitor.mjs');
const CHILD_TIMEOUT_MS = 300_000;

/** The clients: `raw` (frame, one JSON.parse, index), `replica` (Replica.start), `py-idl` (the Python IDL), `shared-raw` (../shared/perf's script). */
export type MonitorClient = 'raw' | 'replica' | 'py-idl' | 'shared-raw';

/** One child's report. */
export type MonitorLine = Record<string, unknown> & {
  client: string;
  total_s: number;
  peak_rss_mb: number;
  rep: number;
};

/** Options of a child's run. */
export interface MonitorChildOptions {
  /** `initialSliceRows` of the replica. */
  slice?: string;
  /** Directory for V8 CPU profiles of replica children. */
  profile?: string;
}

/** Whether `client` can run here (shared-raw needs ../shared/perf). */
export function monitorClientAvailable(client: MonitorClient): boolean {
  return client !== 'shared-raw' || existsSync(sharedScript);
}

function childCommand(
  client: MonitorClient,
  remote: string,
  options: MonitorChildOptions,
): [string, string[]] {
  const tsx = ['--expose-gc', '--import', 'tsx'];
  if (client === 'shared-raw') return [process.execPath, ['--expose-gc', sharedScript, '--remote', remote]];
  if (client === 'raw')
    return [process.execPath, [...tsx, join(here, 'monitor-raw-child.ts'), '--remote', remote]];
  if (client === 'py-idl') return [systemPython, [join(here, 'peers/py_idl_monitor_peer.py'), remote]];
  const prof = options.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.profile)] : [];
  const slice = options.slice ? ['--slice', options.slice] : [];
  return [
    process.execPath,
    [...tsx, ...prof, join(here, 'monitor-replica-child.ts'), '--remote', remote, ...slice],
  ];
}

/** The database file with `routes` routes, built once per size and reused (`rebuild` forces it). */
export async function monitorTemplate(
  routes: number,
  dir: string,
  rebuild = false,
): Promise<{ path: string; mb: number }> {
  const path = join(dir, `ovndb-nb-${routes}-routes.db`);
  if (rebuild || !existsSync(path)) {
    process.stderr.write(`building ${path}\n`);
    await buildRoutesTemplate(path, routes, dir);
  }
  return { path, mb: +((await stat(path)).size / 1048576).toFixed(1) };
}

/** A fresh ovsdb-server (unix socket only) on a copy of the database file `template`. */
export async function serverOnTemplate(template: string, tmp: string): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmp, 'ovndb-monitor-'));
  const dbFile = join(dir, 'nb.db');
  await copyFile(template, dbFile);
  return launchOvsdbServer({
    dir,
    ownsDir: true,
    dbFiles: [dbFile],
    tcp: false,
    pki: undefined,
    ws: false,
    wss: false,
    extraArgs: [],
    startTimeoutMs: 60_000,
  });
}

/** One client's initial monitor on a fresh server holding a copy of `template`. */
export async function measureMonitor(
  client: MonitorClient,
  template: string,
  tmp: string,
  options: MonitorChildOptions = {},
): Promise<Record<string, unknown> & { client: string; total_s: number; peak_rss_mb: number }> {
  const server = await serverOnTemplate(template, tmp);
  try {
    const [file, args] = childCommand(client, server.unix, options);
    const { stdout } = await run(file, args, {
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 1 << 20,
      env: { ...process.env, OVNDB_PEER_TIMEOUT_S: String(CHILD_TIMEOUT_MS / 1000) },
    });
    const line = JSON.parse(stdout.trim().split('\n').pop()!) as { total_s: number; peak_rss_mb: number };
    return { ...line, client };
  } finally {
    await server.stop();
  }
}

/** The results as a markdown table (medians), with replica / raw and replica / py-idl ratios taken within a repetition. */
export function monitorTable(results: readonly MonitorLine[]): string {
  const clients = [...new Set(results.map((r) => r.client))];
  const of = (client: string, key: string) => {
    const values = results
      .filter((r) => r.client === client && r[key] !== undefined)
      .map((r) => Number(r[key]));
    return values.length ? median(values) : undefined;
  };
  const cell = (value: number | undefined, digits: number) =>
    value === undefined ? '-' : value.toFixed(digits);
  const ratio = (other: string, key: string) => {
    const per = results
      .filter((r) => r.client === 'replica')
      .flatMap((r) => {
        const base = results.find((x) => x.client === other && x.rep === r.rep);
        return base ? [Number(r[key]) / Number(base[key])] : [];
      });
    return per.length ? median(per).toFixed(2) : '-';
  };
  const lines = [
    '| client | wall s | peak RSS MB | longest block ms |',
    '|---|---|---|---|',
    ...clients.map(
      (c) =>
        `| ${c} | ${cell(of(c, 'total_s'), 2)} | ${cell(of(c, 'peak_rss_mb'), 0)} | ${cell(of(c, 'longest_block_ms'), 0)} |`,
    ),
    '',
    `replica / raw: wall ${ratio('raw', 'total_s')}, peak RSS ${ratio('raw', 'peak_rss_mb')}; ` +
      `replica / py-idl: wall ${ratio('py-idl', 'total_s')}, peak RSS ${ratio('py-idl', 'peak_rss_mb')} ` +
      '(medians of per-repetition ratios)',
  ];
  return lines.join('\n');
}
