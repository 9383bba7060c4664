/**
 * One round of the in-process measures of `npm run bench:scale`, in a child process on a
 * server already holding the generated Northbound (`--remote`), after a warm replica synced:
 *
 * - `vpc-plan`, first: planning the VPC change (`applyResources` with `dryRun`: nothing sent)
 *   on the big NB and on an empty one holding only the Vpcs the changes peer with and their
 *   Subnets, interleaved change by change in this process; one line per NB and round: the
 *   median wall and CPU time of `--plan-reps` changes, each a new one, timed after as many
 *   others were planned over and over for a second to warm up (the very first reported as
 *   `first_ms`);
 * - `noop-reconcile`: `applyResources` over every Vpc and Subnet given as objects, nothing to
 *   change (operations sent are counted), µs per resource, and the process's peak RSS: the
 *   first pass apart (it parses every address and match of the input for the first time, and
 *   compiles what no plan before it ran), then `--noop-passes` more;
 * - `yaml`: the same resources as YAML text: `parseResources` alone, and `applyResources` on it;
 * - `vpc-change`: the VPC change end to end as one ovndb transaction, interleaved with a raw
 *   client sending the same transaction (captured from ovndb's own send path for the same
 *   change: the verify waits, then the body), with the same raw client on a connection that
 *   monitors every table (`raw-monitored`: the server sends it each change's update before the
 *   reply, as for ovndb's replica) and with a raw client sending the body alone; `ovndb minus
 *   raw` and `ovndb minus raw-monitored` are ovndb's time minus theirs in the same turn; `--change-reps`
 *   turns timed after 3 untimed ones (ovndb's first change reported apart: cold). Then
 *   `ovn-nbctl` (`--reps` times, one command, one transaction) unless `--skip-peers`;
 * - `np-change`: one pod label flip under a NetworkPolicy selecting `--np-pods` pods of the
 *   database: planning on the replica, and applying it.
 *
 * `--empty-remote` is a server holding an empty Northbound, for `vpc-plan`. Prints one JSON
 * line per measure.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { stringify } from 'yaml';
import { model } from '../../src/generated/nb/index.js';
import { connect, database } from '../../src/index.js';
import {
  applyNetworkPolicies,
  applyResources,
  type NbHandle,
  parseKubernetesObjects,
  parseResources,
  planNetworkPolicies,
} from '../../src/ovn/index.js';
import { findBinary } from '../../src/testing/binaries.js';
import { report } from '../monitor-probe.js';
import { median, medianSpread } from '../stats.js';
import { capturedTransaction } from './captured-transaction.js';
import {
  allObjects,
  type NbSize,
  podIp,
  podMac,
  podName,
  scaledSize,
  subnetName,
  subnetObject,
  vpcObject,
} from './nb-shape.js';
import { RawTransactClient } from './raw-transact.js';
import { peerOf, vpcChangeNbctlArgs, vpcChangeObjects } from './vpc-change.js';

const { values: args } = parseArgs({
  options: {
    remote: { type: 'string' },
    scale: { type: 'string', default: '1' },
    round: { type: 'string', default: '0' },
    reps: { type: 'string', default: '5' },
    'np-pods': { type: 'string', default: '5000' },
    'noop-passes': { type: 'string', default: '2' },
    'plan-reps': { type: 'string', default: '100' },
    'change-reps': { type: 'string', default: '20' },
    'skip-peers': { type: 'boolean', default: false },
    'empty-remote': { type: 'string' },
  },
});
const remote = args.remote!;
const size: NbSize = scaledSize(Number(args.scale));
const round = Number(args.round);
const reps = Number(args.reps);
const ms = (from: number) => +(performance.now() - from).toFixed(3);
const peakRssMb = () => +((process.resourceUsage().maxRSS * 1024) / 1048576).toFixed(1);
const rssMb = () => +(process.memoryUsage.rss() / 1048576).toFixed(1);
const run = promisify(execFile);

let transactions = 0;
let operationsSent = 0;
const client = await connect(remote, {
  metrics: {
    transaction: (m) => {
      transactions++;
      operationsSent += m.operations;
    },
  },
});
const nb = database(client, model);
const replica = await nb.replica();
// Change numbers: distinct per round and per client, so that no change repeats another.
let nextChange = round * 1000;
// At most 200: the changes planned are 400 numbers of the round's own range.
const changeReps = Number(args['change-reps']);
/** Turns of the VPC change made before the timed ones. */
const WARM_UP_TURNS = 3;
const planReps = Math.min(200, Number(args['plan-reps']));

/**
 * The changes planned by `vpc-plan`: `planReps` timed, and as many others to warm up with (so
 * that the figure is planning's, not compiling's); never sent, so they may repeat in every
 * round. Distinct from the changes made, which start at `round * 1000`.
 */
function planChanges(): [timed: number[], warmUp: number[]] {
  const at = (i: number) => round * 1000 + 600 + (i % 400);
  return [
    Array.from({ length: planReps }, (_, i) => at(i)),
    Array.from({ length: planReps }, (_, i) => at(planReps + i)),
  ];
}

/** A plan's wall time (ms) and the process's CPU time in it (µs), by NB. */
type PlanSamples = Map<string, { ms: number[]; cpuUs: number[] }>;

/**
 * Plans each change of `planChanges` with `applyResources` `dryRun` on every NB of `targets`,
 * interleaved change by change (in alternating order), so that load from elsewhere, the heap
 * and the compiled code are the same for all: what differs is the database. The objects are
 * made before timing.
 */
async function planTimes(targets: ReadonlyMap<string, NbHandle>): Promise<Record<string, unknown>[]> {
  const planOnce = async (target: NbHandle, n: number): Promise<[ms: number, cpuUs: number]> => {
    const objects = vpcChangeObjects(size, n);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await applyResources(target, objects, { dryRun: true });
    const took = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return [took, cpu.user + cpu.system];
  };
  const [timed, warmUp] = planChanges();
  const first = new Map<string, number>();
  for (const [name, target] of targets) first.set(name, (await planOnce(target, warmUp[0]!))[0]);
  // Warm: the warm-up changes over and over for a second (the optimizing compiler done with
  // the code before anything is timed, as in a controller that has been running).
  for (const until = performance.now() + 1000; performance.now() < until; )
    for (const n of warmUp) for (const target of targets.values()) await planOnce(target, n);
  const samples: PlanSamples = new Map([...targets.keys()].map((name) => [name, { ms: [], cpuUs: [] }]));
  for (const [i, n] of timed.entries()) {
    const order = i % 2 === 0 ? [...targets] : [...targets].reverse();
    for (const [name, target] of order) {
      const [took, cpuUs] = await planOnce(target, n);
      samples.get(name)!.ms.push(took);
      samples.get(name)!.cpuUs.push(cpuUs);
    }
  }
  return [...samples].map(([name, { ms, cpuUs }]) => {
    const s = medianSpread(ms);
    return {
      nb: name,
      ms: +s.median.toFixed(3),
      min_ms: +s.min.toFixed(3),
      max_ms: +s.max.toFixed(3),
      cpu_us: Math.round(median(cpuUs)),
      plans: ms.length,
      first_ms: +first.get(name)!.toFixed(3),
    };
  });
}

report({ measure: 'replica', round, rss_mb: rssMb(), peak_rss_mb: peakRssMb() });

// ---- planning the VPC change, first: on the big NB and on an empty one (`--empty-remote`),
// in this process, interleaved. The Vpcs the planned changes peer with and their Subnets (what
// the plans read) are applied to both first (created on the empty NB, nothing to change on the
// big one).
{
  const emptyClient = await connect(args['empty-remote']!);
  const emptyNb = database(emptyClient, model);
  const peers = [...new Set(planChanges().flatMap((ns) => ns.map((n) => peerOf(size, n))))];
  const peerObjects = [
    ...peers.map((k) => vpcObject(size, k)),
    ...peers.flatMap((k) =>
      Array.from({ length: size.subnetsPerRouter }, (_, j) => subnetObject(size, k, j)),
    ),
  ];
  for (const target of [nb, emptyNb]) await applyResources(target, peerObjects);
  // A full collection first (the child runs with --expose-gc): right after the sync of a big
  // NB the heap is still being marked, which slows every allocation for a while; a controller
  // that has run for a while plans on a settled heap.
  (globalThis as { gc?: () => void }).gc?.();
  const targets = new Map<string, NbHandle>([
    ['big', nb],
    ['empty', emptyNb],
  ]);
  for (const line of await planTimes(targets))
    report({ measure: 'vpc-plan', client: 'ovndb', round, ...line });
  await emptyClient.close();
}

{
  // ---- no-op reconcile over objects, then over YAML text
  const objects = allObjects(size);
  // The first pass is reported apart: it also parses every address and match of the input for
  // the first time (kept for the next passes) and compiles the code of the Subnets' plans.
  for (let pass = 0; pass <= Number(args['noop-passes']); pass++) {
    const [txns, ops] = [transactions, operationsSent];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await applyResources(nb, objects);
    const total = ms(t0);
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    report({
      measure: 'noop-reconcile',
      client: 'ovndb',
      ...(pass === 0 ? { variant: 'first pass' } : {}),
      round,
      pass,
      resources: objects.length,
      total_ms: total,
      us_per_resource: +((total * 1000) / objects.length).toFixed(1),
      cpu_us_per_resource: +((cpuMs * 1000) / objects.length).toFixed(1),
      transactions_sent: transactions - txns,
      operations_sent: operationsSent - ops,
      peak_rss_mb: peakRssMb(),
      rss_mb: rssMb(),
    });
  }
  const text = objects.map((o) => stringify(o)).join('---\n');
  {
    const t0 = performance.now();
    parseResources(text);
    const parseMs = ms(t0);
    const [txns, ops] = [transactions, operationsSent];
    const t1 = performance.now();
    await applyResources(nb, text);
    report({
      measure: 'yaml',
      client: 'ovndb',
      round,
      resources: objects.length,
      text_mb: +(text.length / 1048576).toFixed(1),
      parse_ms: parseMs,
      apply_text_ms: ms(t1),
      transactions_sent: transactions - txns,
      operations_sent: operationsSent - ops,
    });
  }

  // ---- the VPC change end to end (ovndb, raw, ovn-nbctl interleaved)
  const raw = await RawTransactClient.open(remote);
  // The same, on a connection that monitors every table as ovndb's replica does: the server
  // composes and sends it the change's update before the reply, as it does for ovndb.
  const rawMonitored = await RawTransactClient.open(remote);
  await rawMonitored.monitorChanges(Object.keys(model.tables));
  const nbctl = args['skip-peers'] ? undefined : await findBinary('ovn-nbctl').catch(() => undefined);
  // Turns of the three clients, in rotating order, the first WARM_UP_TURNS untimed (the code
  // compiled, as in a controller that has made a few changes: only ovndb's first is reported,
  // apart); ovn-nbctl goes last: each run reads the whole database, and the server is still
  // busy sending it for a while after the command exits, which would slow the change after it.
  const clients = ['ovndb', 'raw', 'raw-monitored', 'raw-body'];
  const order = Array.from({ length: WARM_UP_TURNS + changeReps }, (_, i) => [
    ...clients.slice(i % clients.length),
    ...clients.slice(0, i % clients.length),
  ]);
  order.push(Array.from({ length: reps }, () => 'ovn-nbctl'));
  for (const [turn, turnClients] of order.entries()) {
    const rep = turn - WARM_UP_TURNS;
    const timed = (line: Record<string, unknown>) => {
      if (rep >= 0) report({ ...line, rep });
      else if (turn === 0 && line.client === 'ovndb') report({ ...line, variant: 'first change' });
    };
    const took = new Map<string, number>();
    for (const who of turnClients) {
      const n = nextChange++;
      const objects = vpcChangeObjects(size, n);
      if (who === 'ovndb') {
        const [txns, ops] = [transactions, operationsSent];
        const t0 = performance.now();
        const outcome = await applyResources(nb, objects);
        took.set(who, ms(t0));
        if (!outcome.vpcs.some((p) => p.applied)) throw new Error('the VPC change was not sent');
        timed({
          measure: 'vpc-change',
          client: 'ovndb',
          round,
          ms: took.get(who),
          transactions_sent: transactions - txns,
          operations_sent: operationsSent - ops,
        });
      } else if (who === 'raw' || who === 'raw-monitored' || who === 'raw-body') {
        // What ovndb sends for this change (its verify waits, then the body), or the body alone.
        const operations =
          who === 'raw-body'
            ? (await applyResources(nb, objects, { dryRun: true })).vpcs.flatMap((p) => p.operations)
            : await capturedTransaction(nb, objects);
        const t0 = performance.now();
        await (who === 'raw-monitored' ? rawMonitored : raw).transact(operations);
        took.set(who, ms(t0));
        timed({
          measure: 'vpc-change',
          client: who,
          round,
          ms: took.get(who),
          operations_sent: operations.length,
        });
      } else if (nbctl !== undefined) {
        const t0 = performance.now();
        await run(nbctl, [`--db=${remote}`, ...vpcChangeNbctlArgs(size, n)], { timeout: 120_000 });
        report({ measure: 'vpc-change', client: 'ovn-nbctl', round, ms: ms(t0) });
      }
      // Let the replica (and the server) take in this change before the next one is timed.
      await new Promise((resolve) => setTimeout(resolve, who === 'ovn-nbctl' ? 1000 : 50));
    }
    for (const other of ['raw', 'raw-monitored'])
      if (took.has('ovndb') && took.has(other))
        timed({
          measure: 'vpc-change',
          client: `ovndb minus ${other}`,
          round,
          ms: +(took.get('ovndb')! - took.get(other)!).toFixed(3),
        });
  }
  raw.close();
  rawMonitored.close();

  // ---- one pod label under a NetworkPolicy selecting --np-pods pods of the database
  const switches = size.routers * size.subnetsPerRouter;
  const pods = Math.min(Number(args['np-pods']), switches * size.podsPerSwitch);
  const pod = (i: number, role: string) => {
    const s = Math.floor(i / size.podsPerSwitch);
    const j = i % size.podsPerSwitch;
    return {
      kind: 'Pod',
      metadata: {
        namespace: 'bench',
        name: podName(s, j),
        labels: { app: 'bench', role },
        annotations: {
          'ovn.kubernetes.io/ip_address': podIp(s, j),
          'ovn.kubernetes.io/mac_address': podMac(s, j),
          'ovn.kubernetes.io/logical_switch': subnetName(
            Math.floor(s / size.subnetsPerRouter),
            s % size.subnetsPerRouter,
          ),
        },
      },
    };
  };
  const policy = {
    kind: 'NetworkPolicy',
    metadata: { namespace: 'bench', name: 'peers' },
    spec: {
      podSelector: { matchLabels: { app: 'bench' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'peer' } } }], ports: [{ port: 80 }] }],
    },
  };
  const input = (flipped: boolean) => [
    ...Array.from({ length: pods }, (_, i) => pod(i, flipped && i === 7 ? 'none' : 'peer')),
    policy,
  ];
  await applyNetworkPolicies(nb, input(false));
  for (let rep = 0; rep < reps; rep++) {
    const flipped = rep % 2 === 0;
    const t0 = performance.now();
    const plans = planNetworkPolicies(replica, parseKubernetesObjects(input(flipped)));
    const planMs = ms(t0);
    const t1 = performance.now();
    const outcome = await applyNetworkPolicies(nb, input(flipped));
    const applyMs = ms(t1);
    if (!outcome.applied) throw new Error('the pod change was not sent');
    report({
      measure: 'np-change',
      client: 'ovndb',
      round,
      pods,
      plan_ms: planMs,
      apply_ms: applyMs,
      planned_operations: plans.reduce((a, p) => a + p.operations.length, 0),
    });
  }
}
await client.close();
