/**
 * `npm run bench:scale`: a Kube-OVN-sized OVN Northbound (by default 2,000 VPC routers with 2
 * ports, 5 static routes and 3 policies each; 4,000 switches of 26 ports; 20,000 ACLs in 2,000
 * port groups; 1,000 address sets of 50 addresses: 153,000 rows), generated once per size by a
 * raw client in a few large transactions and kept as a database file, then measured in
 * interleaved rounds, every round on fresh servers holding a copy of it:
 *
 * - `sync`: initial sync of the whole NB by ovndb's replica, a raw monitor + JSON.parse client
 *   and the Python IDL (wall, CPU, peak RSS, longest event-loop block and the CPU in it, RSS
 *   per row held);
 * - `burst`: 20,000 route inserts in 200 transactions by another client while a replica's
 *   change stream (and the Python IDL) consumes them: lag from the last commit to the last
 *   change, consumer RSS;
 * - `vpc-change`, `vpc-plan`, `np-change`, `noop-reconcile`, `yaml`: see scale/ovndb-child.ts
 *   (one Vpc + peering + 2 routes end to end as one ovndb transaction, a raw client sending
 *   the same transaction, verify waits included, and one sending its body alone, ovn-nbctl;
 *   planning it on the big NB and on an empty one, interleaved, warmed up; one pod label
 *   under a NetworkPolicy; a reconcile with nothing to change, its first pass apart).
 *
 * Prints JSON lines, then a markdown table of medians (min-max).
 *
 *   npm run bench:scale -- [--scale 1] [--rounds 3] [--reps 5] [--change-reps 20] [--plan-reps 100] [--skip-peers] [--np-pods 5000]
 *     [--burst-routes 20000] [--burst-txns 200] [--only sync,burst,ovndb] [--json] [--tmpdir DIR]
 */

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { serverOnTemplate } from './monitor-suite.js';
import { peerAvailability, systemPython } from './peers.js';
import { measureBurst, measureSync, type SyncClient } from './scale/children.js';
import { scaleTemplate } from './scale/generate.js';
import { rowCounts, scaledSize } from './scale/nb-shape.js';
import { scaleTable } from './scale/report.js';
import { vpcChangeRows } from './scale/vpc-change.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '5' },
    'skip-peers': { type: 'boolean', default: false },
    'np-pods': { type: 'string', default: '5000' },
    'burst-routes': { type: 'string' },
    'burst-txns': { type: 'string' },
    'noop-passes': { type: 'string', default: '2' },
    'plan-reps': { type: 'string', default: '100' },
    'change-reps': { type: 'string', default: '20' },
    only: { type: 'string', default: 'sync,burst,ovndb' },
    json: { type: 'boolean', default: false },
    ...tmpdirOption,
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    [
      'usage: npm run bench:scale -- [options]',
      '  --scale F          multiply the counts of routers, switches, port groups and address sets (1: 153,000 rows)',
      '  --rounds N         interleaved rounds, each on fresh servers (3)',
      '  --reps N           changes measured per round: ovn-nbctl, ovsdbapp, np-change (5)',
      '  --change-reps N    VPC changes timed per client and round for ovndb and the raw clients, after 3 untimed (20)',
      '  --skip-peers       leave out the Python IDL and ovn-nbctl',
      '  --np-pods N        pods selected by the NetworkPolicy of np-change (5000)',
      '  --burst-routes N   route inserts of the burst (20000 x scale, at least 200)',
      '  --burst-txns N     transactions of the burst (200 x scale, at least 2)',
      '  --noop-passes N    no-op reconciles per round after the first pass, reported apart (2)',
      '  --plan-reps N      VPC changes timed per round and NB, after as many others planned for 1 s to warm up (100, at most 200)',
      '  --only LIST        sync,burst,ovndb',
      '  --json             JSON lines only',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
prepareBenchProcess(args.tmpdir);
const run = promisify(execFile);
const out = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ bench: 'scale', ...line })}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);

const factor = Number(args.scale);
const rounds = Number(args.rounds);
const size = scaledSize(factor);
const only = new Set(args.only.split(','));
const burstRoutes = Number(args['burst-routes'] ?? Math.max(200, Math.round(20_000 * factor)));
const burstTxns = Number(args['burst-txns'] ?? Math.max(2, Math.round(200 * factor)));
const pyIdl = !args['skip-peers'] && peerAvailability()['py-idl'].ok;
const skipped: string[] = [];
if (args['skip-peers']) skipped.push('peers left out (--skip-peers)');
else if (!pyIdl) skipped.push(`Python IDL left out: ${peerAvailability()['py-idl'].why}`);
const ovsdbapp = !args['skip-peers'] && peerAvailability().ovsdbapp.ok;
if (!args['skip-peers'] && !ovsdbapp) skipped.push(`ovsdbapp left out: ${peerAvailability().ovsdbapp.why}`);
if (only.has('ovndb') && !args['skip-peers'])
  skipped.push(
    'vpc-change: ovn-nbctl makes the change as one command (one transaction, connecting and reading the database first); ovsdbapp as one transaction on an API synced over the 3 tables it touches',
  );

const template = await scaleTemplate(size, args.tmpdir);
out({ measure: 'database', ...template, tables: rowCounts(size), scale: factor });
note(`database: ${template.rows} rows, ${template.mb} MB (${template.path})`);

const lines: Record<string, unknown>[] = [];
const failures: string[] = [];
const record = (line: Record<string, unknown>) => {
  lines.push(line);
  out(line);
};
const attempt = async (what: string, body: () => Promise<void>) => {
  try {
    await body();
  } catch (error) {
    failures.push(`${what}: ${(error as Error).message}`);
    out({ measure: what, error: (error as Error).message });
  }
};

const childArgs = [
  '--scale',
  String(factor),
  '--reps',
  args.reps,
  '--np-pods',
  args['np-pods'],
  '--noop-passes',
  args['noop-passes'],
  '--plan-reps',
  args['plan-reps'],
  '--change-reps',
  args['change-reps'],
  ...(args['skip-peers'] ? ['--skip-peers'] : []),
];
async function ovndbChild(round: number): Promise<void> {
  const server = await serverOnTemplate(template.path, args.tmpdir);
  // An empty Northbound too: the child plans the change on both, interleaved.
  const empty = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(import.meta.dirname, 'scale/ovndb-child.ts'),
        '--remote',
        server.unix,
        '--empty-remote',
        empty.unix,
        '--round',
        String(round),
        ...childArgs,
      ],
      { timeout: 1_800_000, maxBuffer: 16 << 20 },
    );
    for (const text of stdout.trim().split('\n')) if (text.startsWith('{')) record(JSON.parse(text));
    if (ovsdbapp) await ovsdbappChanges(round, server.unix);
  } finally {
    await Promise.all([server.stop(), empty.stop()]);
  }
}

/** The VPC change through ovsdbapp, `--reps` times, on the server the ovndb child left. */
async function ovsdbappChanges(round: number, remote: string): Promise<void> {
  const changes = Array.from({ length: Number(args.reps) }, (_, i) =>
    vpcChangeRows(size, round * 1000 + 500 + i),
  );
  const { stdout } = await run(
    systemPython,
    [join(import.meta.dirname, 'scale/ovsdbapp_vpc_change.py'), remote, JSON.stringify(changes)],
    { timeout: 600_000, maxBuffer: 1 << 20, env: { ...process.env, OVNDB_PEER_TIMEOUT_S: '600' } },
  );
  for (const text of stdout.trim().split('\n')) {
    const line = JSON.parse(text) as Record<string, unknown>;
    if (line.ms !== undefined) record({ measure: 'vpc-change', client: 'ovsdbapp', round, ms: line.ms });
  }
}

const syncClients: SyncClient[] = ['replica', 'raw', ...(pyIdl ? (['py-idl'] as const) : [])];
const consumers: ('replica' | 'py-idl')[] = ['replica', ...(pyIdl ? (['py-idl'] as const) : [])];
for (let round = 0; round < rounds; round++) {
  const order = <T>(list: T[]) => (round % 2 === 0 ? list : [...list].reverse());
  note(`round ${round + 1}/${rounds}`);
  if (only.has('sync'))
    for (const client of order(syncClients))
      await attempt('sync', async () =>
        record({ ...(await measureSync(client, template.path, args.tmpdir)), round }),
      );
  if (only.has('burst'))
    for (const consumer of order(consumers))
      await attempt('burst', async () =>
        record({
          ...(await measureBurst(consumer, template.path, args.tmpdir, burstRoutes, burstTxns)),
          round,
        }),
      );
  if (only.has('ovndb')) {
    await attempt('ovndb', () => ovndbChild(round));
  }
}

if (!args.json) {
  const counts = Object.entries(rowCounts(size))
    .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
    .join(', ');
  process.stdout.write(
    `\n## Kube-OVN-sized Northbound (${template.rows.toLocaleString('en-US')} rows)\n\n` +
      `Database: ${counts}; ${template.mb} MB file. ${rounds} interleaved round(s); burst ${burstRoutes} routes in ${burstTxns} transactions.\n\n` +
      `${scaleTable(lines, skipped)}\n`,
  );
}
if (failures.length) {
  note(`bench:scale: ${failures.length} measure(s) failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
