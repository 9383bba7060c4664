/**
 * `npm run bench:failover`: kill -9 of the raft leader under ovndb's write load, on a fresh
 * 3-member cluster per repetition (`runFailoverDrill` from ovndb/testing). Prints one JSON
 * line per repetition and a markdown table; with `--write-docs` it also replaces the
 * `failover` section of docs/benchmarks.md (with the command and the machine).
 *
 *   npm run bench:failover -- [--reps 3] [--kills 10] [--writers 8] [--election-timer MS] [--json] [--write-docs]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { failoverTimings, runFailoverDrill } from '../src/testing/index.js';
import { writeSection } from './report/docs-section.js';
import { machineInfo, machineMarkdown } from './report/machine.js';
import { ProgressBar } from './report/progress.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    kills: { type: 'string', default: '10' },
    writers: { type: 'string', default: '8' },
    'election-timer': { type: 'string' },
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});
process.env.TMPDIR = args.tmpdir;
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const reps = Number(args.reps);
const kills = Number(args.kills);
const progress = new ProgressBar(reps * kills, 'failover');
const rows: Array<Record<string, number>> = [];
for (let rep = 0; rep < reps; rep++) {
  const result = await runFailoverDrill({
    kills,
    writers: Number(args.writers),
    ...(args['election-timer'] !== undefined ? { electionTimerMs: Number(args['election-timer']) } : {}),
    onKill: (_, k) => progress.tick(`rep ${rep + 1} kill ${k + 1}`),
  });
  const timings = failoverTimings(result.kills);
  const line = {
    rep,
    kills: result.kills.length,
    acknowledged: result.acknowledged,
    lost: result.lost,
    doubled: result.doubled,
    unknown: result.unknown,
    recovered: result.recovered,
    leader_visible_p50_ms: timings.leaderVisibleMs.p50,
    kill_to_first_write_p50_ms: timings.killToFirstWriteMs.p50,
    kill_to_first_write_p90_ms: timings.killToFirstWriteMs.p90,
    first_write_after_leader_p90_ms: timings.firstWriteAfterLeaderVisibleMs.p90,
  };
  rows.push(line);
  process.stdout.write(`${JSON.stringify({ bench: 'failover', ...line })}\n`);
}

const med = (key: string) => median(rows.map((r) => r[key] as number));
const sum = (key: string) => rows.reduce((n, r) => n + (r[key] as number), 0);
const table = [
  '| repetitions x kills | acknowledged | lost | doubled | unknown | settled after a lost reply | leader visible p50 | kill -> first write p50 / p90 | first write after leader visible p90 |',
  '|---|---|---|---|---|---|---|---|---|',
  `| ${reps} x ${kills} | ${sum('acknowledged')} | ${sum('lost')} | ${sum('doubled')} | ${sum('unknown')} | ${sum('recovered')} | ${med('leader_visible_p50_ms')} ms | ${med('kill_to_first_write_p50_ms')} / ${med('kill_to_first_write_p90_ms')} ms | ${med('first_write_after_leader_p90_ms')} ms |`,
].join('\n');
if (!args.json) process.stdout.write(`\n${table}\n`);

if (args['write-docs']) {
  const command = `npm run bench:failover -- ${process.argv.slice(2).join(' ')}`.trim();
  const body = `Measured with \`${command}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${machineMarkdown(await machineInfo())}\n${table}\n\nMedians over the repetitions of each one's percentiles; counts are totals.`;
  writeSection('docs/benchmarks.md', 'failover', body);
  process.stderr.write('docs/benchmarks.md: failover section written\n');
}
