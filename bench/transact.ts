/**
 * `npm run bench:throughput` (and `npm run bench:cache`): the throughput benchmark alone
 * (bench/throughput-suite.ts). One JSON line per run, then a markdown table of medians and
 * ratios. `npm run bench` runs it with the monitor and failover benchmarks and the peers.
 *
 *   npm run bench:throughput -- --reps 10 --transports unix,tcp --workloads W1,W2 --windows 1,128
 *     [--clients raw,ovndb-typed,ovndb,...] [--txns N] [--duration S] [--remote R] [--json]
 */
import { parseArgs } from 'node:util';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { markdownTable, summarize } from './summary.js';
import { planThroughput, runThroughput, throughputPlanOf } from './throughput-suite.js';
import type { RunResult } from './workload.js';

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
    ...tmpdirOption,
  },
});
prepareBenchProcess(args.tmpdir);

const plan = throughputPlanOf(args);
const results: RunResult[] = [];
for (const run of planThroughput(plan)) {
  const r = await runThroughput(run, plan);
  results.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
if (!args.json) process.stdout.write(`\n${markdownTable(summarize(results))}\n`);
