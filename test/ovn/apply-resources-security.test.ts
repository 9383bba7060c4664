/**
 * applyResources with the Kubernetes side of one YAML stream: a Subnet's security fields in
 * its transaction, Pods' switch ports, NetworkPolicies and SecurityGroups; the same stream
 * again sends nothing, a label change touches only the rows it affects, prune deletes only
 * Kube-OVN's rows (a dry run lists them first), and a bad object anywhere writes nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { type ClientDatabase, connect, database, type OvsdbClient, type Replica } from '../../src/index.js';
import { applyResources, InvalidSpecError } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);

const VPC = `
kind: Vpc
metadata: { name: vpc-1 }
spec: {}
`;
const SECURED_SUBNET = `
kind: Subnet
metadata: { name: net1 }
spec:
  vpc: vpc-1
  cidrBlock: 10.0.0.0/24
  private: true
  allowSubnets: [10.1.0.0/24]
  enableDHCP: true
`;
const PLAIN_SUBNET = `
kind: Subnet
metadata: { name: net1 }
spec: { vpc: vpc-1, cidrBlock: 10.0.0.0/24 }
`;

const docs = (...parts: string[]) => parts.join('---');

const NAMESPACE = `
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
`;
interface PodSpec {
  name: string;
  labels: string;
  ip: string;
  securityGroups?: string;
}
const pod = ({ name, labels, ip, securityGroups }: PodSpec) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
  labels: { ${labels} }
  annotations:
    ovn.kubernetes.io/logical_switch: net1
    ovn.kubernetes.io/ip_address: ${ip}
    ovn.kubernetes.io/mac_address: 0a:00:00:00:00:${ip.split('.')[3]}
${!securityGroups ? '' : `    ovn.kubernetes.io/security_groups: ${securityGroups}`}
spec:
  containers: [{ name: main, ports: [{ name: http, containerPort: 8080 }] }]
`;
const WEB: PodSpec = { name: 'web', labels: 'app: web', ip: '10.0.0.10', securityGroups: 'sg-web' };
const CLIENT: PodSpec = { name: 'client', labels: 'role: client', ip: '10.0.0.11' };
const DB: PodSpec = { name: 'db', labels: 'app: db', ip: '10.0.0.12' };
const WEB_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-allow-clients, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: { matchLabels: { role: client } }
        - ipBlock: { cidr: 10.1.0.0/24, except: [10.1.0.128/25] }
      ports: [{ protocol: TCP, port: http }]
`;
const DB_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-allow-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]
`;
const BAD_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: bad, namespace: shop }
spec:
  podSelector: {}
  ingress: [{ from: [{ ipBlock: { cidr: 10.300.0.0/16 } }] }]
`;
const SG_WEB = `
apiVersion: kubeovn.io/v1
kind: SecurityGroup
metadata: { name: sg-web }
spec:
  allowSameGroupTraffic: true
  ingressRules:
    - ipVersion: ipv4
      protocol: tcp
      priority: 10
      remoteType: address
      remoteAddress: 10.1.0.0/24
      portRangeMin: 80
      portRangeMax: 80
      policy: allow
`;
/** The whole stream: the network, the namespace, three pods, the policies and the security group. */
const stream = (
  options: {
    db?: PodSpec;
    client?: PodSpec;
    policies?: string[];
    pods?: PodSpec[];
    groups?: string[];
    namespace?: string;
  } = {},
) =>
  docs(
    VPC,
    SECURED_SUBNET,
    options.namespace ?? NAMESPACE,
    ...(options.pods ?? [WEB, options.client ?? CLIENT, options.db ?? DB]).map(pod),
    ...(options.policies ?? [WEB_POLICY, DB_POLICY]),
    ...(options.groups ?? [SG_WEB]),
  );

describe('applyResources: subnet security, pods, policies, security groups', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let writer: ClientDatabase<NbTables>;
  let nb: Replica<NbTables>;
  let transactions = 0;
  const nbctl = async (...args: string[]) =>
    (await run('ovn-nbctl', [`--db=${server.unix}`, ...args])).stdout;
  /** The database, and a transaction count from after the dump (a dump is a transaction of selects). */
  const snapshot = async () => {
    const dump = await dumpDatabase(client, 'OVN_Northbound');
    transactions = 0;
    return dump;
  };
  const switchAcls = (name = 'net1') =>
    (nb.where('Logical_Switch', (ls) => ls.name === name)[0]?.acls ?? [])
      .map((uuid) => nb.get('ACL', uuid)!)
      .map((acl) => `${acl.direction} ${acl.priority} ${acl.action} ${acl.match}`)
      .sort();

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix, { metrics: { transaction: () => transactions++ } });
    writer = database(client, nbModel);
    nb = await writer.replica();
  });
  after(async () => {
    await writer?.close();
    await client?.close();
    await server?.stop();
  });

  test('a bad NetworkPolicy anywhere in the stream: typed error naming it, nothing written', async () => {
    const dump = await snapshot();
    await assert.rejects(
      applyResources(writer, docs(stream(), BAD_POLICY, VPC.replace('vpc-1', 'vpc-9'))),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSpecError, String(error));
        assert.equal(error.field, 'NetworkPolicy shop/bad: spec.ingress[0].from[0].ipBlock.cidr');
        assert.equal(error.value, '10.300.0.0/16');
        return true;
      },
    );
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
  });

  test('a Subnet with private, allowSubnets and enableDHCP: switch and security in one transaction', async () => {
    await snapshot();
    const applied = await applyResources(writer, docs(VPC, SECURED_SUBNET));
    assert.equal(transactions, 2, 'the Vpc, then the Subnet with its security');
    const subnet = applied.resources.find((r) => r.kind === 'Subnet')!;
    assert.equal(subnet.applied, true);
    assert.deepEqual(subnet.changes[0], 'subnet net1 in vpc-1');
    assert.match(
      subnet.changes[1] ?? '',
      /^security of subnet net1: .*insert ACL x4, mutate Logical_Switch, insert DHCP_Options$/,
    );
    assert.deepEqual(switchAcls(), [
      'to-lport 1000 drop ip',
      'to-lport 1001 allow-related (ip4.src == 10.0.0.0/24 && ip4.dst == 10.1.0.0/24) || (ip4.src == 10.1.0.0/24 && ip4.dst == 10.0.0.0/24)',
      'to-lport 1001 allow-related ip4.src == 10.0.0.0/24 && ip4.dst == 10.0.0.0/24',
      'to-lport 3000 allow-related ip4.src == 100.64.0.0/16',
    ]);
    assert.match(await nbctl('dhcp-options-list'), /\S/);
    assert.equal(nb.count('DHCP_Options'), 1);

    // Again: nothing sent.
    await snapshot();
    const again = await applyResources(writer, docs(VPC, SECURED_SUBNET));
    assert.equal(transactions, 0);
    assert.ok(again.resources.every((r) => r.operations === 0 && !r.applied));
  });

  test('a plain Subnet over a secured one removes exactly what the spec no longer has', async () => {
    // A foreign ACL on the switch (no vendor): never touched.
    await nbctl('acl-add', 'net1', 'to-lport', '500', 'ip4.src == 10.9.9.9', 'drop');
    await snapshot();
    const plain = await applyResources(writer, docs(VPC, PLAIN_SUBNET));
    assert.equal(transactions, 1);
    assert.deepEqual(plain.subnets, [{ subnet: 'net1', vpc: 'vpc-1', operations: 2, applied: true }]);
    assert.deepEqual(switchAcls(), ['to-lport 500 drop ip4.src == 10.9.9.9']);
    assert.equal(nb.count('DHCP_Options'), 0);
    assert.equal(nb.findOne('Logical_Router_Port', 'name', 'vpc-1-net1')?.networks[0], '10.0.0.1/24');

    // And back: the security again, the foreign ACL still there.
    await applyResources(writer, docs(VPC, SECURED_SUBNET));
    assert.equal(switchAcls().length, 5, 'four of the subnet and the foreign one');
    assert.equal(nb.count('DHCP_Options'), 1);
  });

  test('the stream: pods get their ports, policies their rows; a dry run first sends nothing', async () => {
    const dump = await snapshot();
    const planned = await applyResources(writer, stream(), { dryRun: true });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
    assert.deepEqual(
      planned.resources.map((r) => [r.kind, r.name, r.operations > 0, r.applied]),
      [
        ['Vpc', 'vpc-1', false, false],
        ['Subnet', 'net1', false, false],
        ['Pod', 'shop/web', true, false],
        ['Pod', 'shop/client', true, false],
        ['Pod', 'shop/db', true, false],
        ['NetworkPolicy', 'shop/web-allow-clients', true, false],
        ['NetworkPolicy', 'shop/db-allow-web', true, false],
        ['SecurityGroup', 'sg-web', true, false],
      ],
    );

    await snapshot();
    const applied = await applyResources(writer, stream());
    assert.equal(transactions, 3, 'the pods in one, the policies in one, the security groups in one');
    const byName = new Map(applied.resources.map((r) => [r.name, r]));
    // Three inserts, and one mutate of the switch, carried by its last pod.
    assert.deepEqual(
      ['shop/web', 'shop/client', 'shop/db'].map((name) => byName.get(name)?.operations),
      [1, 1, 2],
    );
    assert.deepEqual(byName.get('shop/web')?.changes, ['create switch port web.shop on net1 (10.0.0.10)']);
    assert.ok(applied.resources.every((r) => r.applied === r.operations > 0));
    const ports = (await nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port')).split(/\s+/);
    for (const port of ['web.shop', 'client.shop', 'db.shop']) assert.ok(ports.includes(port), port);
    assert.equal(
      (await nbctl('get', 'Logical_Switch_Port', 'web.shop', 'external_ids:pod')).trim(),
      '"shop/web"',
    );
    assert.match(await nbctl('--type=port-group', 'acl-list', 'web.allow.clients.shop'), /tcp\.dst == 8080/);
    assert.equal(
      (await nbctl('get', 'Address_Set', 'web.allow.clients.shop.ingress.allow.IPv4.0', 'addresses')).trim(),
      '["10.0.0.11"]',
    );
    assert.equal(
      (await nbctl('get', 'Address_Set', 'db.allow.web.shop.ingress.allow.IPv4.0', 'addresses')).trim(),
      '["10.0.0.10"]',
    );

    // The security group holds the web pod, and so does the deny-all group.
    const members = async (group: string) =>
      (await nbctl('--bare', '--columns=ports', 'list', 'Port_Group', group)).trim();
    const webPort = (
      await nbctl('--bare', '--columns=_uuid', 'find', 'Logical_Switch_Port', 'name=web.shop')
    ).trim();
    assert.equal(await members('ovn.sg.sg.web'), webPort);
    assert.equal(await members('ovn.sg.kubeovn_deny_all'), webPort);
    assert.equal(
      (await nbctl('get', 'Address_Set', 'ovn.sg.sg.web.associated.v4', 'addresses')).trim(),
      '["10.0.0.10"]',
    );
    assert.match(
      await nbctl('--type=port-group', 'acl-list', 'ovn.sg.sg.web'),
      /ip4\.src == 10\.1\.0\.0\/24 && 80 <= tcp\.dst <= 80/,
    );

    // Again: nothing sent, every resource 0 operations.
    await snapshot();
    const again = await applyResources(writer, stream());
    assert.equal(transactions, 0);
    assert.ok(again.resources.every((r) => r.operations === 0 && !r.applied));
  });

  test("one pod's label changed: only the address set it affects mutates", async () => {
    await snapshot();
    const changed = await applyResources(writer, stream({ db: { ...DB, labels: 'app: db, role: client' } }));
    assert.equal(transactions, 1);
    const moved = changed.resources.filter((r) => r.operations > 0);
    assert.deepEqual(
      moved.map((r) => [r.kind, r.name, r.operations, r.changes]),
      [
        [
          'NetworkPolicy',
          'shop/web-allow-clients',
          1,
          ['address set web.allow.clients.shop.ingress.allow.IPv4.0: +1 -0'],
        ],
      ],
    );
    assert.equal(
      (await nbctl('get', 'Address_Set', 'web.allow.clients.shop.ingress.allow.IPv4.0', 'addresses')).trim(),
      '["10.0.0.11", "10.0.0.12"]',
    );
    // And back.
    await applyResources(writer, stream());
  });

  test('a policy removed with prune: a dry run lists it first; its rows go, foreign rows stay', async () => {
    await nbctl(
      'pg-add',
      'foreign_pg',
      '--',
      '--type=port-group',
      'acl-add',
      'foreign_pg',
      'to-lport',
      '100',
      'outport == @foreign_pg',
      'drop',
    );
    await nbctl('create', 'Address_Set', 'name=foreign_set', 'external_ids:np="shop/db-allow-web/ingress"');
    const without = stream({ policies: [WEB_POLICY] });
    const dump = await snapshot();
    const dry = await applyResources(writer, without, { prune: true, dryRun: true });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
    assert.deepEqual(
      dry.pruned.map((p) => [p.kind, p.name, p.changes, p.applied]),
      [
        [
          'NetworkPolicy',
          'shop/db-allow-web',
          [
            'remove port group db.allow.web.shop with its ACLs',
            'remove address set db.allow.web.shop.ingress.allow.IPv4.0',
          ],
          false,
        ],
      ],
    );

    await snapshot();
    const pruned = await applyResources(writer, without, { prune: true });
    assert.equal(transactions, 1, 'only the prune');
    assert.deepEqual(
      pruned.pruned.map((p) => [p.kind, p.name, p.applied]),
      [['NetworkPolicy', 'shop/db-allow-web', true]],
    );
    const groups = (await nbctl('--bare', '--columns=name', 'list', 'Port_Group'))
      .split(/\s+/)
      .filter(Boolean)
      .sort();
    assert.deepEqual(groups, [
      'foreign_pg',
      'ovn.sg.kubeovn_deny_all',
      'ovn.sg.sg.web',
      'web.allow.clients.shop',
    ]);
    const sets = (await nbctl('--bare', '--columns=name', 'list', 'Address_Set'))
      .split(/\s+/)
      .filter(Boolean);
    assert.ok(sets.includes('foreign_set'));
    assert.ok(!sets.includes('db.allow.web.shop.ingress.allow.IPv4.0'));
    assert.match(await nbctl('--type=port-group', 'acl-list', 'foreign_pg'), /outport == @foreign_pg/);
    // Pods are not pruned by default: every port stays, with or without its pod in the input.
    assert.equal(nb.where('Logical_Switch_Port', (p) => p.external_ids.pod !== undefined).length, 3);
  });

  test("pruneKinds ['Pod']: a Kube-OVN pod port the input lacks goes; other ports stay", async () => {
    await nbctl('lsp-add', 'net1', 'foreign-port');
    const withoutDb = stream({ policies: [WEB_POLICY], pods: [WEB, CLIENT] });
    const dry = await applyResources(writer, withoutDb, { prune: true, pruneKinds: ['Pod'], dryRun: true });
    assert.deepEqual(
      dry.pruned.map((p) => [p.kind, p.name, p.changes]),
      [['Pod', 'shop/db', ['delete switch port db.shop']]],
    );
    await applyResources(writer, withoutDb, { prune: true, pruneKinds: ['Pod'] });
    const ports = (await nbctl('--bare', '--columns=name', 'list', 'Logical_Switch_Port')).split(/\s+/);
    assert.ok(!ports.includes('db.shop'));
    for (const port of ['web.shop', 'client.shop', 'foreign-port', 'net1-vpc-1'])
      assert.ok(ports.includes(port), port);
    await applyResources(writer, stream());
  });

  test('a pod joining a security group: only the group and the deny-all group change', async () => {
    await snapshot();
    const joined = await applyResources(writer, stream({ client: { ...CLIENT, securityGroups: 'sg-web' } }));
    assert.equal(transactions, 1);
    const moved = joined.resources.filter((r) => r.operations > 0);
    assert.deepEqual(
      moved.map((r) => [r.kind, r.name, r.operations]),
      [['SecurityGroup', 'sg-web', 3]],
      'port group, address set and deny-all group: one mutate each',
    );
    assert.equal(
      (await nbctl('get', 'Address_Set', 'ovn.sg.sg.web.associated.v4', 'addresses')).trim(),
      '["10.0.0.10", "10.0.0.11"]',
    );
    await applyResources(writer, stream());
  });

  test('a pod naming a security group neither the input nor the database holds: refused, nothing sent', async () => {
    const dump = await snapshot();
    await assert.rejects(
      applyResources(writer, stream({ client: { ...CLIENT, securityGroups: 'sg-web,sg-none' } })),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSpecError, String(error));
        assert.equal(
          error.field,
          'Pod shop/client: metadata.annotations["ovn.kubernetes.io/security_groups"]',
        );
        assert.equal(error.value, 'sg-web,sg-none');
        return true;
      },
    );
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
  });

  test('security groups pruned: refused while a pod names one; then the group, and the deny-all group last', async () => {
    const dump = await snapshot();
    await assert.rejects(
      applyResources(writer, stream({ groups: [] }), { prune: true }),
      (error: unknown) =>
        error instanceof InvalidSpecError &&
        error.field === 'Pod shop/web: metadata.annotations["ovn.kubernetes.io/security_groups"]',
    );
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);

    const without = stream({ groups: [], pods: [{ ...WEB, securityGroups: '' }, CLIENT, DB] });
    await snapshot();
    const dry = await applyResources(writer, without, { prune: true, dryRun: true });
    assert.equal(transactions, 0);
    assert.deepEqual(
      dry.pruned.map((p) => [p.kind, p.name]),
      [
        ['SecurityGroup', 'sg-web'],
        ['SecurityGroup', 'kubeovn_deny_all'],
      ],
    );
    const pruned = await applyResources(writer, without, { prune: true });
    assert.ok(pruned.pruned.every((p) => p.applied));
    const groups = (await nbctl('--bare', '--columns=name', 'list', 'Port_Group'))
      .split(/\s+/)
      .filter(Boolean)
      .sort();
    assert.deepEqual(groups, ['db.allow.web.shop', 'foreign_pg', 'web.allow.clients.shop']);
    assert.equal(nb.where('Address_Set', (set) => set.external_ids.sg !== undefined).length, 0);
  });

  test('two new security groups naming each other: one apply, in one transaction', async () => {
    const group = (name: string, remote: string) => `
kind: SecurityGroup
metadata: { name: ${name} }
spec:
  ingressRules: [{ ipVersion: ipv4, priority: 5, remoteType: securityGroup, remoteSecurityGroup: ${remote}, policy: allow }]
`;
    const input = docs(VPC, SECURED_SUBNET, group('sg-a', 'sg-b'), group('sg-b', 'sg-a'));
    await snapshot();
    const applied = await applyResources(writer, input);
    assert.equal(transactions, 1);
    assert.deepEqual(
      applied.resources.filter((r) => r.applied).map((r) => r.name),
      ['sg-b', 'sg-a'],
      'a group after the groups it names; the cycle cut where it was entered',
    );
    assert.match(
      await nbctl('--type=port-group', 'acl-list', 'ovn.sg.sg.a'),
      /ip4\.src == \$ovn\.sg\.sg\.b\.associated\.v4/,
    );
    await snapshot();
    await applyResources(writer, input);
    assert.equal(transactions, 0);
  });

  test("a namespace's label change: only the address set of the policy selecting it mutates", async () => {
    const policy = `
kind: NetworkPolicy
metadata: { name: db-from-team, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: shop } } }] }]
`;
    await applyResources(writer, stream({ policies: [WEB_POLICY, policy] }));
    const set = 'db.from.team.shop.ingress.allow.IPv4.0';
    assert.equal(
      (await nbctl('get', 'Address_Set', set, 'addresses')).trim(),
      '["10.0.0.10", "10.0.0.11", "10.0.0.12"]',
    );
    await snapshot();
    const relabeled = await applyResources(
      writer,
      stream({ policies: [WEB_POLICY, policy], namespace: NAMESPACE.replace('team: shop', 'team: other') }),
    );
    assert.equal(transactions, 1);
    assert.deepEqual(
      relabeled.resources.filter((r) => r.operations > 0).map((r) => [r.name, r.operations]),
      [['shop/db-from-team', 1]],
    );
    assert.equal((await nbctl('get', 'Address_Set', set, 'addresses')).trim(), '[]');
  });

  test('a bad Subnet ACL match anywhere in the input writes nothing', async () => {
    const bad = `
kind: Subnet
metadata: { name: net9 }
spec:
  vpc: vpc-1
  cidrBlock: 10.9.0.0/24
  acls: [{ direction: to-lport, priority: 1010, match: 'ip4.src == 10.0.0.300', action: drop }]
`;
    const dump = await snapshot();
    await assert.rejects(applyResources(writer, docs(VPC, bad)), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError, String(error));
      assert.equal(error.field, 'Subnet net9: spec.acls[0].match');
      return true;
    });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
  });
});
