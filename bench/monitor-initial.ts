/**
 * `npm run bench:monitor`: the initial monitor of a big OVN_Northbound (one router with
 * `--routes` static routes, built as ../shared/perf/run_monitor.py builds it). Each client
 * runs in a fresh child process against a fresh server started from a copy of the same
 * database file, repetitions interleaved; each child reports its wall time until synced,
 * its peak RSS and the longest event-loop block while syncing.
 *
 *   npm run bench:monitor -- --reps 3 [--routes 100000] [--clients shared-raw,raw,replica]
 *     [--slice N] [--profile DIR] [--rebuild]
 *
 * Clients: `raw` (bench/monitor-raw-child.ts: frame, one JSON.parse, index by UUID),
 * `replica` (bench/monitor-replica-child.ts: Replica.start), and `shared-raw`
 * (../shared/perf/raw-monitor.mjs under plain node, when present: the reference figures'
 * own script). `--profile DIR` writes a V8 CPU profile of every replica child into DIR.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { launchOvsdbServer } from '../src/testing/server-process.js';
import { buildRoutesTemplate } from './nb-routes-template.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    routes: { type: 'string', default: '100000' },
    clients: { type: 'string', default: 'shared-raw,raw,replica' },
    slice: { type: 'string' },
    profile: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});
process.env.TMPDIR = args.tmpdir;
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const run = promisify(execFile);
const here = import.meta.dirname;
const sharedScript = resolve(here, '../../shared/perf/raw-monitor.mjs');
const CHILD_TIMEOUT_MS = 300_000;

type Line = Record<string, unknown> & { client: string; total_s: number; peak_rss_mb: number };

function childCommand(client: string, remote: string): string[] {
  const tsx = ['--expose-gc', '--import', 'tsx'];
  if (client === 'shared-raw') return ['--expose-gc', sharedScript, '--remote', remote];
  if (client === 'raw') return [...tsx, join(here, 'monitor-raw-child.ts'), '--remote', remote];
  if (client === 'replica') {
    const prof = args.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(args.profile)] : [];
    const slice = args.slice ? ['--slice', args.slice] : [];
    return [...tsx, ...prof, join(here, 'monitor-replica-child.ts'), '--remote', remote, ...slice];
  }
  throw new Error(`unknown client ${client}`);
}

async function measure(client: string, template: string): Promise<Line> {
  const dir = await mkdtemp(join(args.tmpdir, 'ovndb-monitor-'));
  const dbFile = join(dir, 'nb.db');
  await copyFile(template, dbFile);
  const server = await launchOvsdbServer({
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
  try {
    const { stdout } = await run(process.execPath, childCommand(client, server.unix), {
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 1 << 20,
    });
    const line = JSON.parse(stdout.trim().split('\n').pop()!) as Line;
    return { ...line, client };
  } finally {
    await server.stop();
  }
}

const routes = Number(args.routes);
const template = join(args.tmpdir, `ovndb-nb-${routes}-routes.db`);
if (args.rebuild || !existsSync(template)) {
  process.stderr.write(`building ${template}\n`);
  await buildRoutesTemplate(template, routes, args.tmpdir);
}
const dbFileMb = +((await stat(template)).size / 1048576).toFixed(1);
const clients = args.clients.split(',').filter((c) => c !== 'shared-raw' || existsSync(sharedScript));
const results: (Line & { rep: number })[] = [];
for (let rep = 0; rep < Number(args.reps); rep++) {
  for (const client of rep % 2 === 0 ? clients : [...clients].reverse()) {
    const line = { ...(await measure(client, template)), rep, routes, db_file_mb: dbFileMb };
    results.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

const of = (client: string, key: string) =>
  median(results.filter((r) => r.client === client).map((r) => Number(r[key])));
const ratio = (key: string) => {
  const per = results
    .filter((r) => r.client === 'replica')
    .flatMap((r) => {
      const raw = results.find((x) => x.client === 'raw' && x.rep === r.rep);
      return raw ? [Number(r[key]) / Number(raw[key])] : [];
    });
  return median(per).toFixed(2);
};
const lines = [
  `| client | wall s | peak RSS MB | RSS at start MB | longest block ms |`,
  '|---|---|---|---|---|',
  ...clients.map(
    (c) =>
      `| ${c} | ${of(c, 'total_s').toFixed(2)} | ${of(c, 'peak_rss_mb').toFixed(0)} | ${of(c, 'rss_at_start_mb').toFixed(0)} | ${of(c, 'longest_block_ms').toFixed(0)} |`,
  ),
  '',
  `replica / raw: wall ${ratio('total_s')}, peak RSS ${ratio('peak_rss_mb')} (medians of per-repetition ratios)`,
];
process.stdout.write(`\n${lines.join('\n')}\n`);
