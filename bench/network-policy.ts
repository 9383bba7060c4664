/**
 * `npm run bench:network-policy`: what one pod label change costs when a NetworkPolicy holds
 * `--pods` pods (all selected by the policy and all peers of its ingress rule). Untimed: a
 * server, the pods' switch ports (as a CNI made them), the policy applied. Timed, `--reps`
 * times each, label flipped back and forth:
 *
 * - plan: parse the objects, translate every policy and diff against the replica
 *   (`planNetworkPolicies` on the replica), with the operations it plans;
 * - apply: `applyNetworkPolicies` on a handle, one transaction committed, with the operations
 *   of the body and the verify waits the transaction puts before them.
 *
 *   npm run bench:network-policy -- [--pods 5000] [--reps 20]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { LogicalSwitchPortTable, LogicalSwitchTable, model as nbModel } from '../src/generated/nb/index.js';
import { connect, database } from '../src/index.js';
import { insertRow, mutateColumn, mutateRows, whereColumn } from '../src/model/index.js';
import { applyNetworkPolicies, parseKubernetesObjects, planNetworkPolicies } from '../src/ovn/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '5000' },
    reps: { type: 'string', default: '20' },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});
process.env.TMPDIR = args.tmpdir;
const count = Number(args.pods);
const reps = Number(args.reps);
const LS = 'ovn-default';

const ipOf = (i: number) =>
  `10.${16 + Math.floor(i / 65000)}.${Math.floor((i % 65000) / 250)}.${1 + (i % 250)}`;
const pod = (i: number, role: string) => ({
  kind: 'Pod',
  metadata: {
    namespace: 'bench',
    name: `p${i}`,
    labels: { app: 'bench', role },
    annotations: {
      'ovn.kubernetes.io/ip_address': ipOf(i),
      'ovn.kubernetes.io/mac_address': '0a:00:00:00:00:01',
      'ovn.kubernetes.io/logical_switch': LS,
    },
  },
});
const policy = {
  kind: 'NetworkPolicy',
  metadata: { namespace: 'bench', name: 'peers' },
  spec: {
    podSelector: { matchLabels: { app: 'bench' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { role: 'peer' } } }], ports: [{ port: 80 }] }],
  },
};
const input = (flipped: boolean) => [
  ...Array.from({ length: count }, (_, i) => pod(i, flipped && i === 7 ? 'none' : 'peer')),
  policy,
];

const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
try {
  let lastSent = 0;
  const client = await connect(server.unix, { metrics: { transaction: (m) => (lastSent = m.operations) } });
  const nb = database(client, nbModel);
  const replica = await nb.replica();
  await nb.transaction((txn) => {
    const ls = insertRow(LogicalSwitchTable, { name: LS }, { uuidName: 'ls' });
    const ports = Array.from({ length: count }, (_, i) =>
      insertRow(
        LogicalSwitchPortTable,
        { name: `p${i}.bench`, addresses: [`0a:00:00:00:00:01 ${ipOf(i)}`] },
        { uuidName: `p${i}` },
      ),
    );
    txn.add([ls.operation, ...ports.map((p) => p.operation)]);
    txn.add(
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('name', '==', LS)],
        [
          mutateColumn(
            'ports',
            'insert',
            ports.map((p) => p.ref),
          ),
        ],
      ),
    );
  });
  await applyNetworkPolicies(nb, input(false));

  const planMs: number[] = [];
  const applyMs: number[] = [];
  let planned = '';
  let bodyOps = 0;
  let waits = 0;
  for (let rep = 0; rep < reps; rep++) {
    const flipped = rep % 2 === 0;
    const t0 = performance.now();
    const plans = planNetworkPolicies(replica, parseKubernetesObjects(input(flipped)));
    planMs.push(performance.now() - t0);
    planned = plans
      .flatMap((p) => p.operations.map((o) => `${o.op} ${(o as { table?: string }).table}`))
      .join(', ');
    const t1 = performance.now();
    const outcome = await applyNetworkPolicies(nb, input(flipped));
    applyMs.push(performance.now() - t1);
    if (!outcome.applied) throw new Error('the change was not sent');
    bodyOps = outcome.operations.length;
    // What the transaction read, proved unchanged at commit, goes before the body.
    waits = lastSent - bodyOps;
  }
  const result = {
    bench: 'network-policy',
    pods: count,
    reps,
    plannedOperations: planned,
    planMedianMs: Number(median(planMs).toFixed(1)),
    applyMedianMs: Number(median(applyMs).toFixed(1)),
    applyBodyOperations: bodyOps,
    applyVerifyWaits: waits,
  };
  console.log(JSON.stringify(result));
  await client.close();
} finally {
  await server.stop();
}
