/**
 * The NetworkPolicy planner on a real ovsdb-server: the rows of one policy against what
 * ovn-nbctl writes for the same policy (assertSame), idempotence, diffs that touch only the
 * rows a change affects (5,000 pods, one label changed: one mutate), ownership (foreign rows
 * untouched), prune, and refusals that write nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  LogicalSwitchPortTable,
  LogicalSwitchTable,
  model as nbModel,
} from '../../src/generated/nb/index.js';
import { connect, database } from '../../src/index.js';
import { insertRow, mutateColumn, mutateRows, whereColumn } from '../../src/model/index.js';
import {
  applyNetworkPolicies,
  NetworkPolicyConflictError,
  parseKubernetesObjects,
  planNetworkPolicies,
} from '../../src/ovn/network-policy/index.js';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';
const LS = 'ovn-default';

function pod(
  ns: string,
  name: string,
  labels: Record<string, string>,
  ip: string,
  mac = '0a:00:00:00:00:01',
) {
  return {
    kind: 'Pod',
    metadata: {
      namespace: ns,
      name,
      labels,
      annotations: {
        'ovn.kubernetes.io/ip_address': ip,
        'ovn.kubernetes.io/mac_address': mac,
        'ovn.kubernetes.io/logical_switch': LS,
      },
    },
    spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
}

const webPolicy = (
  ingress: object[] = [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }],
) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: 'default', name: 'allow-web' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, ingress },
});

describe('NetworkPolicy planner, on ovsdb-server', { timeout: 30_000 }, () => {
  const pair = nbPair(['ls-add', LS, '--', 'set', 'Logical_Switch', LS, 'other_config:subnet=10.16.0.0/16']);
  const { apply, nbctl } = pair;
  const dump = () => dumpDatabase(pair.client, NB);

  test('one policy: the rows ovn-nbctl writes for it, and nothing the second time', async () => {
    const input = [
      pod('default', 'web-1', { app: 'web' }, '10.16.0.10'),
      pod('default', 'client', { role: 'client' }, '10.16.0.20', '0a:00:00:00:00:02'),
      webPolicy([
        { from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 'http' }] },
      ]),
    ];
    const [plan] = planNetworkPolicies(pair.nb, input);
    assert.ok(plan);
    await apply(plan.operations);
    const pg = 'allow.web.default';
    const set = `${pg}.ingress.allow.IPv4.0`;
    await nbctl(
      'lsp-add',
      LS,
      'web-1.default',
      '--',
      'lsp-set-addresses',
      'web-1.default',
      '0a:00:00:00:00:01 10.16.0.10',
      '--',
      'set',
      'Logical_Switch_Port',
      'web-1.default',
      `external_ids:ls=${LS}`,
      'external_ids:pod=default/web-1',
      'external_ids:vendor=kube-ovn',
      '--',
      'pg-add',
      pg,
      'web-1.default',
      '--',
      'set',
      'Port_Group',
      pg,
      'external_ids:np=default/allow-web',
      'external_ids:vendor=kube-ovn',
      '--',
      'create',
      'Address_Set',
      `name=${set}`,
      'addresses="10.16.0.20"',
      'external_ids:np=default/allow-web/ingress',
      'external_ids:vendor=kube-ovn',
      '--',
      '--id=@drop',
      'create',
      'ACL',
      'direction=to-lport',
      'priority=2000',
      `match="outport == @${pg} && ip"`,
      'action=drop',
      'name="default/allow-web"',
      `external_ids:parent=${pg}`,
      'external_ids:vendor=kube-ovn',
      '--',
      'add',
      'Port_Group',
      pg,
      'acls',
      '@drop',
      '--',
      '--id=@allow',
      'create',
      'ACL',
      'direction=to-lport',
      'priority=2001',
      `match="outport == @${pg} && ip && ip4.src == $${set} && tcp.dst == 8080"`,
      'action=allow-related',
      'name="np/allow-web.default/ingress/IPv4/0"',
      `external_ids:parent=${pg}`,
      'external_ids:vendor=kube-ovn',
      '--',
      'add',
      'Port_Group',
      pg,
      'acls',
      '@allow',
    );
    await pair.assertSame();
    assert.deepEqual(planNetworkPolicies(pair.nb, input)[0]?.operations, [], 'idempotent');
    // Through a handle: one transaction, nothing sent when nothing changed.
    const writer = database(pair.client, nbModel);
    const outcome = await applyNetworkPolicies(writer, input);
    assert.equal(outcome.applied, false);
    assert.deepEqual(outcome.operations, []);
  });

  test('a rule removed: its rows go, foreign rows on the port group stay; prune removes the policy', async () => {
    const pg = 'allow.web.default';
    // A foreign ACL on the group and a foreign set that looks like the policy's.
    await pair.ctlOurs('--type=port-group', 'acl-add', pg, 'to-lport', '3000', 'ip4.src == 1.2.3.4', 'drop');
    await pair.ctlOurs(
      'create',
      'Address_Set',
      `name=${pg}.ingress.allow.IPv4.7`,
      'external_ids:np=default/allow-web/ingress',
    );
    const input = [
      pod('default', 'web-1', { app: 'web' }, '10.16.0.10'),
      webPolicy([{ from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] }]),
    ];
    const [plan] = planNetworkPolicies(pair.nb, input);
    await apply(plan?.operations ?? []);
    assert.deepEqual(
      pair.nb
        .list('Address_Set')
        .map((s) => [s.name, [...s.addresses]])
        .sort(),
      [
        [`${pg}.ingress.allow.IPv4.0.0`, ['192.168.0.0/16']],
        [`${pg}.ingress.allow.IPv4.7`, []],
        [`${pg}.ingress.except.IPv4.0.0`, ['192.168.1.0/24']],
      ],
      'the selector set of the old rule is gone, the foreign one stays',
    );
    const group = pair.nb.findOne('Port_Group', 'name', pg);
    const acls = (group?.acls ?? [])
      .map((uuid) => pair.nb.get('ACL', uuid))
      .map((a) => `${a?.priority} ${a?.match}`);
    assert.deepEqual(acls.sort(), [
      `2000 outport == @${pg} && ip`,
      `2001 outport == @${pg} && ip && ip4.src == $${pg}.ingress.allow.IPv4.0.0 && ip4.src != $${pg}.ingress.except.IPv4.0.0`,
      '3000 ip4.src == 1.2.3.4',
    ]);
    // Without prune, a policy left out of the input is not touched; with prune it goes.
    assert.deepEqual(planNetworkPolicies(pair.nb, []), []);
    const pruned = planNetworkPolicies(pair.nb, [], { prune: true });
    assert.deepEqual(
      pruned.map((p) => [p.policy, p.portGroup]),
      [['default/allow-web', pg]],
    );
    await apply(pruned.flatMap((p) => p.operations));
    assert.equal(pair.nb.findOne('Port_Group', 'name', pg), undefined);
    assert.deepEqual(
      pair.nb.list('Address_Set').map((s) => s.name),
      [`${pg}.ingress.allow.IPv4.7`],
    );
  });

  test('refusals write nothing: a bad ipBlock, a foreign port group, a port on another switch, a missing switch', async () => {
    const before = await dump();
    const refused = (input: unknown, check: (e: unknown) => boolean) => {
      assert.throws(() => planNetworkPolicies(pair.nb, input), check);
    };
    refused(
      [webPolicy([{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }])],
      (e) =>
        e instanceof InvalidSpecError &&
        e.field === 'NetworkPolicy default/allow-web: spec.ingress[0].from[0].ipBlock.except[0]',
    );
    await pair.ctlOurs('pg-add', 'allow.web.default');
    refused(
      [pod('default', 'web-1', { app: 'web' }, '10.16.0.10'), webPolicy()],
      (e) => e instanceof NetworkPolicyConflictError && e.kind === 'port-group',
    );
    await pair.ctlOurs('pg-del', 'allow.web.default');
    await pair.ctlOurs('ls-add', 'elsewhere', '--', 'lsp-add', 'elsewhere', 'web-9.default');
    refused(
      [pod('default', 'web-9', { app: 'web' }, '10.16.0.19'), webPolicy()],
      (e) =>
        e instanceof NetworkPolicyConflictError && e.kind === 'switch-port' && e.ovnName === 'web-9.default',
    );
    const lost = pod('default', 'web-8', { app: 'web' }, '10.16.0.18');
    lost.metadata.annotations['ovn.kubernetes.io/logical_switch'] = 'no-such-switch';
    refused([lost, webPolicy()], (e) => e instanceof ObjectNotFoundError && e.rowName === 'no-such-switch');
    const outside = pod('default', 'web-7', { app: 'web' }, '10.99.0.7');
    refused(
      [outside, webPolicy()],
      (e) => e instanceof InvalidSpecError && e.field.startsWith('Pod default/web-7'),
    );
    await pair.ctlOurs('ls-del', 'elsewhere');
    assert.deepEqual(diffDumps(before, await dump()), []);
  });

  test('5,000 pods: one label changed plans one mutate', async () => {
    const count = 5000;
    const pods = Array.from({ length: count }, (_, i) =>
      pod(
        'bulk',
        `p${i}`,
        { app: 'bulk', role: 'peer' },
        `10.16.${20 + Math.floor(i / 250)}.${1 + (i % 250)}`,
      ),
    );
    // The ports exist (as the CNI made them): inserted with one mutate of the switch.
    const [ls] = pair.nb.where('Logical_Switch', (row) => row.name === LS);
    assert.ok(ls);
    const inserts = pods.map((p, i) =>
      insertRow(
        LogicalSwitchPortTable,
        {
          name: `p${i}.bulk`,
          addresses: [`0a:00:00:00:00:01 ${p.metadata.annotations['ovn.kubernetes.io/ip_address']}`],
        },
        { uuidName: `lsp${i}` },
      ),
    );
    await apply([
      ...inserts.map((i) => i.operation),
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [
          mutateColumn(
            'ports',
            'insert',
            inserts.map((i) => i.ref),
          ),
        ],
      ),
    ]);
    const policy = {
      kind: 'NetworkPolicy',
      metadata: { namespace: 'bulk', name: 'peers' },
      spec: {
        podSelector: { matchLabels: { app: 'bulk' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'peer' } } }] }],
      },
    };
    const objects = parseKubernetesObjects([...pods, policy]);
    await apply(planNetworkPolicies(pair.nb, objects).flatMap((p) => p.operations));
    const group = pair.nb.findOne('Port_Group', 'name', 'peers.bulk');
    assert.equal(group?.ports.length, count);
    assert.equal(
      pair.nb.findOne('Address_Set', 'name', 'peers.bulk.ingress.allow.IPv4.0')?.addresses.length,
      count,
    );

    // One pod stops being a peer: one mutate of the address set.
    const peerChanged = structuredClone(pods);
    peerChanged[17]!.metadata.labels = { app: 'bulk' };
    const [a] = planNetworkPolicies(pair.nb, parseKubernetesObjects([...peerChanged, policy]));
    assert.deepEqual(
      a?.operations.map((op) => `${op.op} ${(op as { table?: string }).table}`),
      ['mutate Address_Set'],
    );
    assert.deepEqual(a?.changes, ['address set peers.bulk.ingress.allow.IPv4.0: +0 -1']);
    // One pod leaves the policy's selection: one mutate of the port group.
    const selectChanged = structuredClone(pods);
    selectChanged[42]!.metadata.labels = { role: 'peer' };
    const [b] = planNetworkPolicies(pair.nb, parseKubernetesObjects([...selectChanged, policy]));
    assert.deepEqual(
      b?.operations.map((op) => `${op.op} ${(op as { table?: string }).table}`),
      ['mutate Port_Group'],
    );
    await apply(b?.operations ?? []);
    assert.equal(pair.nb.findOne('Port_Group', 'name', 'peers.bulk')?.ports.length, count - 1);
    // A namespace label decides a namespaceSelector peer: labelling it adds its pods, one mutate.
    const nsPolicy = structuredClone(policy);
    nsPolicy.spec.ingress = [{ from: [{ namespaceSelector: { matchLabels: { trusted: 'yes' } } } as never] }];
    const ns = (labels: Record<string, string>) => ({
      kind: 'Namespace',
      metadata: { name: 'other', labels },
    });
    const others = [pod('other', 'o1', {}, '10.16.90.1'), pod('other', 'o2', {}, '10.16.90.2')];
    const base = [...selectChanged, ...others, nsPolicy];
    await apply(
      planNetworkPolicies(pair.nb, parseKubernetesObjects([...base, ns({})])).flatMap((p) => p.operations),
    );
    const [c] = planNetworkPolicies(pair.nb, parseKubernetesObjects([...base, ns({ trusted: 'yes' })]));
    assert.deepEqual(
      c?.operations.map((op) => `${op.op} ${(op as { table?: string }).table}`),
      ['mutate Address_Set'],
    );
    assert.deepEqual(c?.changes, ['address set peers.bulk.ingress.allow.IPv4.0: +2 -0']);

    // Committed through a handle: the one mutate and a few verify waits, not one per pod (what a
    // relative mutate rests on is verified; the 5,000 members it keeps are not).
    let sent = -1;
    const client = await connect(pair.ours.unix, { metrics: { transaction: (m) => (sent = m.operations) } });
    try {
      const handle = database(client, nbModel);
      const outcome = await applyNetworkPolicies(handle, [...pods, policy]);
      // Pod 42 back in the selection; the peers back to the pod selector of the first policy.
      assert.deepEqual(
        outcome.operations.map((op) => `${op.op} ${(op as { table?: string }).table}`),
        ['mutate Port_Group', 'mutate Address_Set'],
      );
      const waits = sent - outcome.operations.length;
      assert.ok(waits >= 0 && waits <= 10, `${waits} verify waits for 5,000 pods`);
      assert.equal((await handle.replica()).findOne('Port_Group', 'name', 'peers.bulk')?.ports.length, count);
    } finally {
      await client.close();
    }
  });
});
