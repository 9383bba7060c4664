/**
 * `npm run bench:failover`: kill -9 of the raft leader under ovndb's write load, on a fresh
 * 3-member cluster per repetition (`runFailoverDrill` from ovndb/testing). Prints one JSON
 * line per repetition and a markdown table; with `--write-docs` it also replaces the
 * `failover` section of docs/benchmarks.md (with the command and the machine).
 *
 *   npm run bench:failover -- [--reps 3] [--kills 10] [--writers 8] [--election-timer MS] [--json] [--write-docs]
 */
import { parseArgs } from 'node:util';
import { runFailoverDrill } from '../src/testing/index.js';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { type FailoverLine, failoverLine, failoverTable } from './failover-report.js';
import { writeSection } from './report/docs-section.js';
import { machineInfo, machineMarkdown } from './report/machine.js';
import { ProgressBar } from './report/progress.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    kills: { type: 'string', default: '10' },
    writers: { type: 'string', default: '8' },
    'election-timer': { type: 'string' },
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    ...tmpdirOption,
  },
});
prepareBenchProcess(args.tmpdir);

const reps = Number(args.reps);
const kills = Number(args.kills);
const progress = new ProgressBar(reps * kills, 'failover');
const rows: FailoverLine[] = [];
for (let rep = 0; rep < reps; rep++) {
  const result = await runFailoverDrill({
    kills,
    writers: Number(args.writers),
    ...(args['election-timer'] !== undefined ? { electionTimerMs: Number(args['election-timer']) } : {}),
    onKill: (_, k) => progress.tick(`rep ${rep + 1} kill ${k + 1}`),
  });
  const line = failoverLine(rep, result);
  rows.push(line);
  process.stdout.write(`${JSON.stringify({ bench: 'failover', ...line })}\n`);
}

const table = failoverTable(rows, kills);
if (!args.json) process.stdout.write(`\n${table}\n`);

if (args['write-docs']) {
  const command = `npm run bench:failover -- ${process.argv.slice(2).join(' ')}`.trim();
  const body = `Measured with \`${command}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${machineMarkdown(await machineInfo())}\n${table}\n\nMedians over the repetitions of each one's percentiles; counts are totals.`;
  writeSection('docs/benchmarks.md', 'failover', body);
  process.stderr.write('docs/benchmarks.md: failover section written\n');
}
