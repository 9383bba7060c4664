/**
 * `npm run bench:plan-cost`: what planning costs against the size of the Northbound database.
 * Untimed: a server and, for each size in `--sizes`, an NB of that many VPCs (1: only the
 * VPC the change peers with) (each a router
 * with 2 subnets joined, so 2 router ports, 5 static routes and 3 policy routes) built in
 * bulk transactions and brought to a fixed point with `applyResources`. Timed on a warm
 * replica, `--reps` times each:
 *
 * - plan: the VPC change of a controller (a new Vpc peering with an existing one, and 2
 *   static routes: about 10 operations), planned in one transaction that is never sent;
 * - no-op reconcile: `applyResources` over every Vpc and Subnet of the NB as objects (as a
 *   controller's informer holds them: decoded from JSON once, the same objects at every
 *   resync), nothing to send; microseconds per resource.
 *
 *   npm run bench:plan-cost -- [--sizes 1,2000] [--reps 200] [--ports-per-switch 0] [--cpu-prof <dir>]
 *
 * `--ports-per-switch 26` adds that many switch ports to every switch (104,000 at 2,000 VPCs,
 * as a big Kube-OVN install has): rows the change does not read, so planning must not slow.
 *
 * With `--cpu-prof`, CPU profiles of the timed parts (plan, no-op) are written to that directory
 * (open it in Chrome DevTools or speedscope).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LogicalSwitchPortTable, LogicalSwitchTable, model as nbModel } from '../src/generated/nb/index.js';
import { connect, database, insertRow, mutateColumn, mutateRows, whereColumn } from '../src/index.js';
import { applyResources, planVpc } from '../src/ovn/index.js';
import { subnetKind } from '../src/ovn/resource-kinds/subnet.js';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';
import { planOn } from '../src/txn/plan.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,2000' },
    reps: { type: 'string', default: '200' },
    'noop-reps': { type: 'string', default: '5' },
    'ports-per-switch': { type: 'string', default: '0' },
    'warm-ms': { type: 'string', default: '2000' },
    'cpu-prof': { type: 'string' },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});
process.env.TMPDIR = args.tmpdir;
const sizes = args.sizes.split(',').map(Number);
const reps = Number(args.reps);
const noopReps = Number(args['noop-reps']);
const warmMs = Number(args['warm-ms']);
const portsPerSwitch = Number(args['ports-per-switch']);

const octets = (i: number) => `${Math.floor(i / 250) % 250}.${i % 250}`;
const vpc = (i: number) => ({
  kind: 'Vpc',
  metadata: { name: `vpc-${i}` },
  spec: {
    staticRoutes: Array.from({ length: 5 }, (_, r) => ({
      cidr: `${20 + r}.${octets(i)}.0/24`,
      nextHopIP: `10.${octets(i)}.1`,
      policy: 'policyDst',
    })),
    policyRoutes: Array.from({ length: 3 }, (_, p) => ({
      priority: 1000 + p,
      match: `ip4.src == 10.${octets(i)}.${p}`,
      action: 'allow',
    })),
  },
});
const subnet = (i: number, s: number) => ({
  kind: 'Subnet',
  metadata: { name: `vpc-${i}-net${s}` },
  spec: { vpc: `vpc-${i}`, cidrBlock: `${100 + s}.${octets(i)}.0/24` },
});
const resources = (n: number) => [
  ...Array.from({ length: n }, (_, i) => vpc(i)),
  ...Array.from({ length: n }, (_, i) => [subnet(i, 0), subnet(i, 1)]).flat(),
];
/** The change: a new Vpc peering with vpc-0 (both ends), 2 static routes through the link. */
const change = [
  {
    kind: 'Vpc',
    metadata: { name: 'vpc-new' },
    spec: {
      vpcPeerings: [{ remoteVpc: 'vpc-0', localConnectIP: '169.254.99.1/30' }],
      staticRoutes: [
        { cidr: '100.0.0.0/24', nextHopIP: '169.254.99.2', policy: 'policyDst' },
        { cidr: '101.0.0.0/24', nextHopIP: '169.254.99.2', policy: 'policyDst' },
      ],
    },
  },
  {
    ...vpc(0),
    spec: { ...vpc(0).spec, vpcPeerings: [{ remoteVpc: 'vpc-new', localConnectIP: '169.254.99.2/30' }] },
  },
];

const profileDir = args['cpu-prof'];
const profiler = profileDir === undefined ? undefined : new InspectorSession();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
}
async function profileStart(): Promise<void> {
  await profiler?.post('Profiler.start');
}
async function profileStop(name: string): Promise<void> {
  if (profiler === undefined || profileDir === undefined) return;
  const { profile } = await profiler.post('Profiler.stop');
  mkdirSync(profileDir, { recursive: true });
  const file = join(profileDir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.error(`profile: ${file}`);
}

/** A server holding `n` VPCs and their subnets, settled, and a warm replica of it. */
async function build(n: number) {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
  const client = await connect(server.unix);
  const nb = database(client, nbModel);
  const replica = await nb.replica();
  // The VPCs and subnets in bulk: 100 per transaction.
  const built = performance.now();
  for (let start = 0; start < n; start += 100) {
    const end = Math.min(n, start + 100);
    await nb.transaction((txn) => {
      for (let i = start; i < end; i++) planVpc(txn, vpc(i));
    });
    await nb.transaction((txn) => {
      const input = { resources: new Map(), namespaces: [] };
      for (let i = start; i < end; i++)
        for (const s of [0, 1]) subnetKind.plan!(txn, subnetKind.parse(subnet(i, s)), input);
    });
  }
  // Pods' ports on every switch, in bulk (rows the VPC change has no business reading).
  for (let start = 0; start < n && portsPerSwitch > 0; start += 50) {
    await nb.transaction((txn) => {
      for (let i = start; i < Math.min(n, start + 50); i++)
        for (const s of [0, 1]) {
          const ls = `vpc-${i}-net${s}`;
          const ports = Array.from({ length: portsPerSwitch }, (_, p) =>
            insertRow(
              LogicalSwitchPortTable,
              { name: `${ls}-pod${p}`, addresses: [`0a:00:00:00:00:01 ${100 + s}.${octets(i)}.${p + 2}`] },
              { uuidName: `p${i}x${s}x${p}` },
            ),
          );
          txn.add([
            ...ports.map((port) => port.operation),
            mutateRows(
              LogicalSwitchTable,
              [whereColumn('name', '==', ls)],
              [
                mutateColumn(
                  'ports',
                  'insert',
                  ports.map((port) => port.ref),
                ),
              ],
            ),
          ]);
        }
    });
  }
  const settle = await applyResources(nb, resources(n));
  const settled = settle.resources.filter((r) => r.applied).length;
  const tables = [
    'Logical_Router',
    'Logical_Router_Port',
    'Logical_Router_Static_Route',
    'Logical_Router_Policy',
    'Logical_Switch',
    'Logical_Switch_Port',
  ] as const;
  console.error(
    `N=${n}: built in ${((performance.now() - built) / 1000).toFixed(1)} s (${settled} resources settled after the bulk load), ` +
      tables.map((t) => `${t} ${replica.count(t)}`).join(', '),
  );
  // Plan: both ends of the change in one transaction that is never sent.
  const plan = () =>
    planOn(replica, nbModel, (txn) => {
      planVpc(txn, change[0]!, { sameInput: [] });
      planVpc(txn, change[1]!);
    }).length;
  // The objects a controller's informer holds from the API server (decoded from JSON), kept
  // across resyncs as an informer keeps them.
  const objects = JSON.parse(JSON.stringify(resources(n))) as unknown;
  return {
    n,
    server,
    client,
    nb,
    plan,
    objects,
    planTimes: [] as number[],
    noopTimes: [] as number[],
    sent: 0,
  };
}

const built = [];
for (const n of sizes) built.push(await build(n));
try {
  // Warm: the code optimized before anything is timed.
  for (const until = performance.now() + warmMs; performance.now() < until; ) for (const b of built) b.plan();
  // Interleaved: each round times every size once, so load from elsewhere hits them alike.
  await profileStart();
  for (let i = 0; i < reps; i++)
    for (const b of built) {
      const t0 = performance.now();
      b.plan();
      b.planTimes.push(performance.now() - t0);
    }
  await profileStop('plan-cost-plan');
  // No-op reconcile over objects, as a controller holds them.
  for (const b of built) await applyResources(b.nb, resources(b.n));
  await profileStart();
  for (let i = 0; i < noopReps; i++)
    for (const b of built) {
      const input = b.objects;
      const t0 = performance.now();
      const outcome = await applyResources(b.nb, input);
      b.noopTimes.push(performance.now() - t0);
      b.sent += outcome.resources.filter((r) => r.applied).length;
    }
  await profileStop('plan-cost-noop');
} finally {
  for (const b of built) {
    await b.client.close();
    await b.server.stop();
  }
}
console.log(
  '| VPCs in NB | operations planned | plan, µs (median) | resources | no-op applyResources, µs per resource (median) | no-op, ms | resources sent |',
);
console.log('|---|---|---|---|---|---|---|');
for (const b of built) {
  const count = 3 * b.n;
  const noop = median(b.noopTimes);
  console.log(
    `| ${b.n} | ${b.plan()} | ${(median(b.planTimes) * 1000).toFixed(0)} | ${count} | ${((noop * 1000) / count).toFixed(1)} | ${noop.toFixed(1)} | ${b.sent} |`,
  );
}
