/**
 * `npm run bench:throughput` (and `npm run bench:cache`): the throughput benchmark alone
 * (bench/throughput-suite.ts). One JSON line per run, then a markdown table of medians and
 * ratios. `npm run bench` runs it with the monitor and failover benchmarks and the peers.
 *
 *   npm run bench:throughput -- --reps 10 --transports unix,tcp --workloads W1,W2 --windows 1,128
 *     [--clients raw,ovndb-typed,ovndb,...] [--txns N] [--duration S] [--remote R] [--json]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { markdownTable, summarize } from './summary.js';
import {
  planThroughput,
  runThroughput,
  type ThroughputClient,
  throughputClients,
} from './throughput-suite.js';
import { type RunResult, workloads } from './workload.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '10' },
    transports: { type: 'string', default: 'unix,tcp' },
    workloads: { type: 'string', default: 'W1,W2' },
    windows: { type: 'string', default: '1,128' },
    clients: { type: 'string', default: 'shared-raw,raw,ovndb,ovndb-nocheck' },
    txns: { type: 'string' },
    duration: { type: 'string' },
    remote: { type: 'string' },
    json: { type: 'boolean', default: false },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});

// Servers keep their databases in memory-backed storage where there is some, so that disk
// latency does not add noise to a comparison of clients.
process.env.TMPDIR = args.tmpdir;
// Ctrl-C or a kill: exit through 'exit', where the launcher stops every server it started.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const clients = args.clients.split(',') as ThroughputClient[];
for (const client of clients) {
  if (!throughputClients.includes(client))
    throw new Error(`unknown client ${client} (${throughputClients.join(', ')})`);
}
const plan = {
  reps: Number(args.reps),
  transports: args.remote ? ['remote'] : args.transports.split(','),
  workloads: args.workloads.split(',').map((name) => workloads[name as 'W1' | 'W2']),
  windows: args.windows.split(',').map(Number),
  clients,
  ...(args.remote ? { remote: args.remote } : {}),
  ...(args.txns ? { txns: Number(args.txns) } : {}),
  ...(args.duration ? { durationMs: Number(args.duration) * 1000 } : {}),
};
const results: RunResult[] = [];
for (const run of planThroughput(plan)) {
  const r = await runThroughput(run, plan);
  results.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
if (!args.json) process.stdout.write(`\n${markdownTable(summarize(results))}\n`);
