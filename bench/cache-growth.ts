/**
 * `npm run bench:cache-growth`: does a write cost more when the set it grows is big? W1 (one
 * route per transaction) into a router whose `static_routes` already holds `--routes` routes,
 * against W1 into an empty router, with an ovndb replica on (and the raw limits, with and
 * without a monitor, to tell the server's own growth from the client's). In both cases the
 * table holds the same pre-filled routes, put in a filler router for the empty case, so only
 * the size of the grown set differs. Pre-filling is untimed, in transactions of 5000 routes,
 * before any client connects; every run has a fresh server, repetitions interleaved. The
 * clients measured in-process also report their own CPU time per transaction, which the
 * server's share does not blur.
 *
 *   npm run bench:cache-growth -- --reps 5 [--routes 50000] [--txns 5000] [--window 1]
 *     [--clients raw,raw-monitor,ovndb-cache] [--transport unix|tcp]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { connect, op } from '../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';
import type { CpuRunResult } from './client-cpu.js';
import { runOvndbCache } from './ovndb-client.js';
import { runRaw } from './raw-client.js';
import { runRawMonitor } from './raw-monitor-client.js';
import { median } from './stats.js';
import { transactionOps, workloads } from './workload.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    routes: { type: 'string', default: '50000' },
    txns: { type: 'string', default: String(workloads.W1.txns) },
    window: { type: 'string', default: '1' },
    clients: { type: 'string', default: 'raw,raw-monitor,ovndb-cache' },
    transport: { type: 'string', default: 'unix' },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});
process.env.TMPDIR = args.tmpdir;
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const PREFILL_BATCH = 5000;
type Condition = 'empty' | 'big';

async function oneRun(client: string, condition: Condition, routes: number): Promise<CpuRunResult> {
  const transport = args.transport;
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: transport === 'tcp' });
  try {
    const setup = await connect(server.unix, { validate: false });
    const uuid = (r: unknown) => (r as { uuid: [string, string] }).uuid[1];
    const [lr, warm, filler] = (
      await setup.transact('OVN_Northbound', [
        op.insert('Logical_Router', { name: 'lr0' }),
        op.insert('Logical_Router', { name: 'lr0-warmup' }),
        op.insert('Logical_Router', { name: 'lr-filler' }),
      ])
    ).map(uuid);
    const into = condition === 'big' ? lr! : filler!;
    for (let t = 0; t * PREFILL_BATCH < routes; t++) {
      const rows = Math.min(PREFILL_BATCH, routes - t * PREFILL_BATCH);
      // Octet 12: prefixes apart from the workload's (10) and warm-up's (11).
      await setup.transact('OVN_Northbound', transactionOps(t, rows, into, 12));
    }
    await setup.close();
    const workload = { ...workloads.W1, txns: Number(args.txns) };
    const target = { transport, workload, window: Number(args.window), router: lr!, warmRouter: warm! };
    const remote = transport === 'tcp' ? server.tcp! : server.unix;
    const before = condition === 'big' ? routes : 0;
    let r: CpuRunResult;
    if (client === 'raw') r = await runRaw(remote, target);
    else if (client === 'raw-monitor') r = await runRawMonitor(remote, target);
    else if (client === 'ovndb-cache') r = await runOvndbCache(remote, target, before);
    else throw new Error(`unknown client ${client}`);
    return { ...r, workload: `W1 ${condition}` };
  } finally {
    await server.stop();
  }
}

const routes = Number(args.routes);
const clients = args.clients.split(',');
const results: (CpuRunResult & { condition: Condition })[] = [];
for (let rep = 0; rep < Number(args.reps); rep++) {
  const conditions: Condition[] = rep % 2 === 0 ? ['empty', 'big'] : ['big', 'empty'];
  for (const condition of conditions) {
    for (const client of rep % 2 === 0 ? clients : [...clients].reverse()) {
      const r = { ...(await oneRun(client, condition, routes)), rep, condition };
      results.push(r);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  }
}

// Ratio big / empty of the same client within a repetition, then the median over repetitions.
function bigOverEmpty(client: string, value: (r: CpuRunResult) => number | undefined): number {
  const ratios = results.flatMap((b) => {
    if (b.client !== client || b.condition !== 'big') return [];
    const e = results.find((x) => x.client === client && x.condition === 'empty' && x.rep === b.rep);
    const vb = value(b);
    const ve = e && value(e);
    return vb !== undefined && ve ? [vb / ve] : [];
  });
  return median(ratios);
}
const cell = (x: number, digits = 0) => (Number.isNaN(x) ? '-' : x.toFixed(digits));
const lines = [
  `| client | empty router txn/s | router with ${routes} routes txn/s | big / empty | client CPU µs/txn, empty | big | big / empty | replica apply µs/update, empty | big | big / empty |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const client of clients) {
  const of = (c: Condition, value: (r: CpuRunResult) => number | undefined) =>
    median(results.filter((r) => r.client === client && r.condition === c).flatMap((r) => value(r) ?? []));
  const rate = (r: CpuRunResult) => r.txn_per_s;
  const cpu = (r: CpuRunResult) => r.client_cpu_us_per_txn;
  const apply = (r: CpuRunResult) => r.replica_apply_us_per_update;
  const triple = (value: (r: CpuRunResult) => number | undefined, digits: number) =>
    `${cell(of('empty', value), digits)} | ${cell(of('big', value), digits)} | ${cell(bigOverEmpty(client, value), 3)}`;
  lines.push(`| ${client} | ${triple(rate, 0)} | ${triple(cpu, 0)} | ${triple(apply, 1)} |`);
}
process.stdout.write(`\n${lines.join('\n')}\n`);
