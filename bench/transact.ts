/**
 * `npm run bench:throughput` (and `npm run bench:cache`): the throughput benchmark alone
 * (bench/throughput-suite.ts). One JSON line per run, then a markdown table of medians and
 * ratios, then the per-repetition ratios with their spread. `npm run bench` runs it with the
 * monitor and failover benchmarks and the peers.
 *
 *   npm run bench:throughput -- --reps 10 --transports unix,tcp --workloads W1,W2 --windows 1,128
 *     [--clients raw,ovndb-typed,ovndb,...] [--txns N] [--duration S] [--remote R] [--json]
 */
import { parseArgs } from 'node:util';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { type MedianSpread, medianSpread } from './stats.js';
import { markdownTable, RATIOS, summarize } from './summary.js';
import { planThroughput, runThroughput, throughputClients, throughputPlanOf } from './throughput-suite.js';
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
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    [
      'usage: npm run bench:throughput -- [options]',
      '  --reps N              repetitions (10); within each, every client runs once on a fresh',
      '                        server of the same kind, in the order of --clients on even',
      '                        repetitions and reversed on odd ones',
      '  --transports LIST     unix,tcp,raft (fresh servers each run)',
      '  --remote REMOTE       run on your own OVN_Northbound instead (routers ovndb-bench-*, deleted after)',
      '  --workloads W1,W2     1 and 100 routes per transaction',
      '  --windows LIST        transactions in flight (1,128)',
      `  --clients LIST        ${throughputClients.join(',')}`,
      '  --txns N              transactions per run (peers: their reference sizes, capped by N)',
      '  --duration S          stop issuing after S seconds per run; rates over what was done',
      '  --tmpdir DIR          where the servers keep their files (/dev/shm when there is one)',
      '  --json                JSON lines only (one per run)',
      '',
      'Without --json, two tables follow the JSON lines: txn/s per client as median (min-max)',
      'with each ratio a/b as the median over the repetitions of a/b within one repetition;',
      'then each ratio as median (min-max) of those per-repetition ratios, with their count.',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
prepareBenchProcess(args.tmpdir);

/** Every ratio of RATIOS, per transport, workload and window: a/b within each repetition. */
function perRepetitionRatios(
  results: readonly RunResult[],
): { row: string; ratio: string; spread: MedianSpread }[] {
  const rows = new Map<string, Map<number, Record<string, number>>>();
  for (const r of results) {
    const row = `${r.transport} | ${r.workload} | ${r.window}`;
    const reps = rows.get(row) ?? new Map<number, Record<string, number>>();
    const rep = reps.get(r.rep ?? 0) ?? {};
    rep[r.client] = r.txn_per_s;
    reps.set(r.rep ?? 0, rep);
    rows.set(row, reps);
  }
  const out: { row: string; ratio: string; spread: MedianSpread }[] = [];
  for (const [row, reps] of rows) {
    for (const [a, b] of RATIOS) {
      const ratios = [...reps.values()].filter((rep) => rep[a] && rep[b]).map((rep) => rep[a]! / rep[b]!);
      if (ratios.length > 0) out.push({ row, ratio: `${a}/${b}`, spread: medianSpread(ratios) });
    }
  }
  return out;
}

function ratioTable(results: readonly RunResult[]): string {
  const lines = [
    '| transport | workload | window | ratio | median of per-repetition ratios (min-max) | repetitions |',
    '|---|---|---|---|---|---|',
  ];
  for (const { row, ratio, spread } of perRepetitionRatios(results)) {
    const { median, min, max, n } = spread;
    lines.push(`| ${row} | ${ratio} | ${median.toFixed(3)} (${min.toFixed(3)}-${max.toFixed(3)}) | ${n} |`);
  }
  return lines.join('\n');
}

const plan = throughputPlanOf(args);
const results: RunResult[] = [];
for (const run of planThroughput(plan)) {
  const r = await runThroughput(run, plan);
  results.push(r);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
if (!args.json) {
  process.stdout.write(`\n${markdownTable(summarize(results))}\n\n${ratioTable(results)}\n`);
}
