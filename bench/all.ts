/**
 * `npm run bench`: the whole benchmark in one run. Throughput (W1 and W2 on unix, tcp and a
 * 3-member raft cluster) of ovndb (typed API; with and without a replica), the raw pipelined
 * limit and the peers (Python IDL, ovsdbapp, ovn-nbctl daemon); the initial monitor of a
 * 100,000-route database; kill -9 failover; the Kube-OVN-sized Northbound (bench/scale.ts).
 * Every client on a fresh server, repetitions interleaved. Prints JSON lines, then markdown
 * tables; `--write-docs` also writes the sections of docs/benchmarks.md and the SVG chart,
 * with the command, machine and versions.
 *
 *   npm run bench -- [--reps 5] [--transports unix,tcp,raft] [--workloads W1,W2] [--windows 1,128]
 *     [--clients ...] [--txns N] [--duration S] [--remote R] [--only throughput,monitor,failover,scale]
 *     [--monitor-routes 100000] [--monitor-reps 3] [--failover-reps 1] [--failover-kills 10]
 *     [--scale-factor 1] [--scale-rounds 3] [--install-peers] [--json] [--write-docs]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFailoverDrill } from '../src/testing/index.js';
import { prepareBenchProcess, tmpdirOption } from './bench-process.js';
import { type FailoverLine, failoverLine, failoverTable } from './failover-report.js';
import {
  type MonitorClient,
  type MonitorLine,
  measureMonitor,
  monitorClientAvailable,
  monitorTable,
  monitorTemplate,
} from './monitor-suite.js';
import {
  installPeers,
  type PeerName,
  peerAvailability,
  peerNames,
  sharedBaselineSizes,
  sharedBaselines,
} from './peers.js';
import { writeSection } from './report/docs-section.js';
import { machineInfo, machineMarkdown } from './report/machine.js';
import { peerChecks, peerChecksTable } from './report/peer-baselines.js';
import { ProgressBar } from './report/progress.js';
import { barChartSvg } from './report/svg-chart.js';
import { chartGroups, markdownTable, summarize } from './summary.js';
import { planThroughput, runThroughput, throughputPlanOf } from './throughput-suite.js';
import type { RunResult } from './workload.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    transports: { type: 'string', default: 'unix,tcp,raft' },
    workloads: { type: 'string', default: 'W1,W2' },
    windows: { type: 'string', default: '1,128' },
    clients: {
      type: 'string',
      default: 'raw,shared-raw,ovndb-typed,ovndb-cache,py-idl,ovsdbapp,nbctl-daemon',
    },
    txns: { type: 'string' },
    duration: { type: 'string' },
    remote: { type: 'string' },
    only: { type: 'string', default: 'throughput,monitor,failover,scale' },
    'scale-factor': { type: 'string', default: '1' },
    'scale-rounds': { type: 'string', default: '3' },
    'monitor-routes': { type: 'string', default: '100000' },
    'monitor-reps': { type: 'string', default: '3' },
    'monitor-clients': { type: 'string', default: 'raw,replica,py-idl,shared-raw' },
    'failover-reps': { type: 'string', default: '1' },
    'failover-kills': { type: 'string', default: '10' },
    'install-peers': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    ...tmpdirOption,
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(
    [
      'usage: npm run bench -- [options]',
      '  --reps N                 repetitions, interleaved (5)',
      '  --transports LIST        unix,tcp,raft (fresh servers each run)',
      '  --remote REMOTE          run on your own OVN_Northbound instead (routers ovndb-bench-*, deleted after)',
      '  --workloads W1,W2        1 and 100 routes per transaction',
      '  --windows 1,128          transactions in flight (peers: 1; the Python IDL also 16)',
      '  --clients LIST           raw,shared-raw,ovndb-typed,ovndb,ovndb-nocheck,ovndb-cache,raw-monitor,py-idl,ovsdbapp,nbctl-daemon',
      '  --txns N                 transactions per run (peers: their reference sizes, capped by N)',
      '  --duration S             stop issuing after S seconds per run; rates over what was done',
      '  --only LIST              throughput,monitor,failover,scale',
      '  --scale-factor F, --scale-rounds N   the Kube-OVN-sized NB (npm run bench:scale)',
      '  --monitor-routes N, --monitor-reps N, --monitor-clients LIST',
      '  --failover-reps N, --failover-kills N',
      '  --install-peers          apt-get install python3-openvswitch python3-ovsdbapp (root)',
      '  --json                   JSON lines only',
      '  --write-docs             write docs/benchmarks.md sections and docs/benchmarks-throughput.svg',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
prepareBenchProcess(args.tmpdir);

const out = (text: string) => process.stdout.write(text);
const note = (text: string) => process.stderr.write(`${text}\n`);
const only = new Set(args.only.split(','));

// ---- which clients can run ------------------------------------------------------------
const plan = throughputPlanOf(args);
if (args['install-peers']) installPeers();
const available = peerAvailability();
const missing = plan.clients.filter(
  (c): c is PeerName => (peerNames as readonly string[]).includes(c) && !available[c as PeerName].ok,
);
for (const peer of missing) {
  note(`note: leaving out ${peer}: ${available[peer].why} (npm run bench -- --install-peers installs it)`);
}
plan.clients = plan.clients.filter((c) => !missing.includes(c as PeerName));

// ---- the plan and the progress bar ----------------------------------------------------
const runs = only.has('throughput') ? planThroughput(plan) : [];
// A user's own server has no fresh copies to monitor or leaders to kill.
const monitorClients = (args['monitor-clients'].split(',') as MonitorClient[]).filter(
  (c) => monitorClientAvailable(c) && (c !== 'py-idl' || available['py-idl'].ok),
);
const monitorReps = only.has('monitor') && !args.remote ? Number(args['monitor-reps']) : 0;
const failoverReps = only.has('failover') && !args.remote ? Number(args['failover-reps']) : 0;
const kills = Number(args['failover-kills']);
const progress = new ProgressBar(
  runs.length + monitorReps * monitorClients.length + failoverReps * kills,
  'bench',
);
const started = new Date();

// ---- throughput -----------------------------------------------------------------------
const results: RunResult[] = [];
// A run that fails (a peer's driver, a server that would not start) is reported and the rest
// go on: one broken client must not cost the whole measurement. The exit code says so.
const failures: string[] = [];
for (const run of runs) {
  const what = `${run.transport} ${run.workload.name} w${run.window} ${run.client} rep ${run.rep + 1}`;
  try {
    const r = await runThroughput(run, plan);
    results.push(r);
    out(`${JSON.stringify({ bench: 'throughput', ...r })}\n`);
  } catch (error) {
    failures.push(`${what}: ${(error as Error).message}`);
    const line = {
      bench: 'throughput',
      client: run.client,
      transport: run.transport,
      workload: run.workload.name,
    };
    out(
      `${JSON.stringify({ ...line, window: run.window, rep: run.rep, error: (error as Error).message })}\n`,
    );
  }
  progress.tick(what);
}

// ---- initial monitor ------------------------------------------------------------------
const monitorResults: MonitorLine[] = [];
const routes = Number(args['monitor-routes']);
if (monitorReps > 0) {
  const template = await monitorTemplate(routes, args.tmpdir);
  for (let rep = 0; rep < monitorReps; rep++) {
    for (const client of rep % 2 === 0 ? monitorClients : [...monitorClients].reverse()) {
      const line = { ...(await measureMonitor(client, template.path, args.tmpdir)), rep, routes };
      monitorResults.push(line);
      out(`${JSON.stringify({ bench: 'monitor', ...line })}\n`);
      progress.tick(`monitor ${client} rep ${rep + 1}`);
    }
  }
}

// ---- failover -------------------------------------------------------------------------
const failoverRows: FailoverLine[] = [];
for (let rep = 0; rep < failoverReps; rep++) {
  const drill = await runFailoverDrill({
    kills,
    onKill: (_, k) => progress.tick(`failover rep ${rep + 1} kill ${k + 1}`),
  });
  const row = failoverLine(rep, drill);
  failoverRows.push(row);
  out(`${JSON.stringify({ bench: 'failover', ...row })}\n`);
}

// ---- Kube-OVN-sized Northbound (its own command; its JSON lines and table passed on) -----
let scaleReport = '';
if (only.has('scale') && !args.remote) {
  const scaleArgs = [
    '--scale',
    args['scale-factor'],
    '--rounds',
    args['scale-rounds'],
    '--tmpdir',
    args.tmpdir,
  ];
  if (!available['py-idl'].ok) scaleArgs.push('--skip-peers');
  try {
    const text = execFileSync(
      process.execPath,
      ['--import', 'tsx', `${import.meta.dirname}/scale.ts`, ...scaleArgs],
      { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const at = text.indexOf('\n## ');
    out(at < 0 ? text : text.slice(0, at + 1));
    scaleReport = at < 0 ? '' : text.slice(text.indexOf('\n', at + 1) + 1).trim();
  } catch (error) {
    failures.push(`scale: ${(error as Error).message}`);
  }
}

// ---- report ---------------------------------------------------------------------------
const summary = summarize(results);
const checks = peerChecks(summary, sharedBaselines(), sharedBaselineSizes());
const suspects = checks.filter((c) => c.suspect);
const failoverReport = failoverRows.length ? failoverTable(failoverRows, kills) : '';
const sections: [string, string][] = [];
if (summary.length) {
  sections.push([
    'throughput',
    `Transactions per second, median (min-max) over the repetitions; ratios are medians of per-repetition ratios.\n\n${markdownTable(summary)}`,
  ]);
  sections.push([
    'peers',
    checks.length
      ? `${peerChecksTable(checks)}\n\n${suspects.length ? `**${suspects.length} figure(s) differ from the reference by more than 35 %: treat this run as suspect (noise, a different machine, or a broken driver).**` : 'Every peer figure is within 35 % of the reference median: the drivers reproduce the baselines.'}`
      : 'No peer ran (or no reference results beside the repository).',
  ]);
}
if (monitorResults.length)
  sections.push([
    'monitor',
    `Initial monitor of ${routes} routes, ${monitorReps} repetitions.\n\n${monitorTable(monitorResults)}`,
  ]);
if (failoverReport) sections.push(['failover-drill', failoverReport]);
if (scaleReport) sections.push(['scale', scaleReport]);

if (!args.json) for (const [name, body] of sections) out(`\n## ${name}\n\n${body}\n`);
if (failures.length) {
  note(`bench: ${failures.length} run(s) failed and are left out of the tables:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
if (suspects.length)
  note(`bench: ${suspects.length} peer figure(s) are more than 35 % off the reference: this run is suspect`);

if (args['write-docs']) {
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(0);
  writeSection(
    'docs/benchmarks.md',
    'run',
    `Measured with \`${command}\` on ${started.toISOString().slice(0, 10)} (${minutes} minutes).\n\n${machineMarkdown(await machineInfo())}`,
  );
  if (summary.length) {
    writeFileSync(
      'docs/benchmarks-throughput.svg',
      barChartSvg(chartGroups(summary), {
        title: 'Transactions per second, median with min-max',
        unit: 'txn/s',
      }),
    );
  }
  for (const [name, body] of sections) writeSection('docs/benchmarks.md', name, body);
  note('docs/benchmarks.md and docs/benchmarks-throughput.svg written');
}
