/**
 * `ovndb apply` with one stream of a Vpc, a secured Subnet, a Namespace, Pods, a
 * NetworkPolicy and a SecurityGroup: text and JSON output, and a pruning dry run that lists the
 * policy the file lacks and sends nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { ovndb } from '../helpers/run-cli.js';

const run = promisify(execFile);

const pod = (name: string, ip: string, labels: string, groups = '') => `
kind: Pod
metadata:
  name: ${name}
  namespace: shop
  labels: { ${labels} }
  annotations:
    ovn.kubernetes.io/logical_switch: net1
    ovn.kubernetes.io/ip_address: ${ip}
    ovn.kubernetes.io/mac_address: 0a:00:00:00:00:${ip.split('.')[3]}
${groups === '' ? '' : `    ovn.kubernetes.io/security_groups: ${groups}`}
`;
const POLICY = `
kind: NetworkPolicy
metadata: { name: web-allow-clients, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress: [{ from: [{ podSelector: { matchLabels: { role: client } } }], ports: [{ port: 80 }] }]
`;
const BASE = [
  `
kind: Vpc
metadata: { name: vpc-1 }
spec: {}
`,
  `
kind: Subnet
metadata: { name: net1 }
spec: { vpc: vpc-1, cidrBlock: 10.0.0.0/24, private: true, allowSubnets: [10.1.0.0/24], enableDHCP: true }
`,
  `
kind: Namespace
metadata: { name: shop }
`,
  pod('web', '10.0.0.10', 'app: web', 'sg-web'),
  pod('client', '10.0.0.11', 'role: client'),
  pod('db', '10.0.0.12', 'app: db'),
  `
kind: SecurityGroup
metadata: { name: sg-web }
spec:
  ingressRules: [{ ipVersion: ipv4, priority: 10, remoteType: address, remoteAddress: 10.1.0.0/24, policy: allow }]
`,
];
const ALL = [...BASE, POLICY].join('---');
const WITHOUT_POLICY = BASE.join('---');

describe('ovndb apply: subnet security, pods, policies, security groups', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let db: string;
  const nbctl = async (...args: string[]) => (await run('ovn-nbctl', [`--db=${db}`, ...args])).stdout;
  const names = async (table: string) =>
    (await nbctl('--bare', '--columns=name', 'list', table)).split('\n').filter(Boolean).sort();

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    db = server.unix;
    dir = await mkdtemp(join(tmpdir(), 'ovndb-apply-'));
    await writeFile(join(dir, 'all.yaml'), ALL);
    await writeFile(join(dir, 'without-policy.yaml'), WITHOUT_POLICY);
  });
  after(async () => {
    await server?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  test('apply FILE: one block per resource, with its changes', async () => {
    const applied = await ovndb(['apply', join(dir, 'all.yaml'), '--db', db]);
    assert.equal(applied.code, 0, applied.stderr);
    const out = applied.stdout;
    assert.match(out, /^vpc vpc-1: changed \(\d+ operations\)\n {2}create router vpc-1$/m);
    assert.match(
      out,
      /^subnet net1 \(vpc vpc-1\): changed \(\d+ operations\)\n {2}security of subnet net1: insert ACL x4, mutate Logical_Switch, insert DHCP_Options$/m,
    );
    assert.match(
      out,
      /^pod shop\/web: changed \(1 operations\)\n {2}create switch port web\.shop on net1 \(10\.0\.0\.10\)$/m,
    );
    assert.match(out, /^pod shop\/db: changed \(2 operations\)$/m);
    assert.match(
      out,
      /^networkpolicy shop\/web-allow-clients: changed \(\d+ operations\)\n {2}create port group web\.allow\.clients\.shop \(1 ports\)$/m,
    );
    assert.match(
      out,
      /^securitygroup sg-web: changed \(\d+ operations\)\n {2}create security group sg-web \(port group ovn\.sg\.sg\.web, 1 member ports\)/m,
    );
    assert.deepEqual(await names('Port_Group'), [
      'ovn.sg.kubeovn_deny_all',
      'ovn.sg.sg.web',
      'web.allow.clients.shop',
    ]);
  });

  test('apply -f json: the same file again changes nothing, every kind reported', async () => {
    const again = await ovndb(['apply', '-', '--db', db, '-f', 'json'], { input: ALL });
    assert.equal(again.code, 0, again.stderr);
    const outcome = JSON.parse(again.stdout) as {
      resources: Array<{ kind: string; name: string; operations: number; applied: boolean }>;
      subnets: Array<{ subnet: string; operations: number }>;
      pruned: unknown[];
    };
    assert.deepEqual(
      outcome.resources.map((r) => [r.kind, r.name, r.operations, r.applied]),
      [
        ['Vpc', 'vpc-1', 0, false],
        ['Subnet', 'net1', 0, false],
        ['Pod', 'shop/web', 0, false],
        ['Pod', 'shop/client', 0, false],
        ['Pod', 'shop/db', 0, false],
        ['NetworkPolicy', 'shop/web-allow-clients', 0, false],
        ['SecurityGroup', 'sg-web', 0, false],
      ],
    );
    assert.deepEqual(outcome.subnets, [{ subnet: 'net1', vpc: 'vpc-1', operations: 0, applied: false }]);
    assert.deepEqual(outcome.pruned, []);
  });

  test('apply --prune --dry-run lists the policy the file lacks and sends nothing', async () => {
    const dry = await ovndb(['apply', join(dir, 'without-policy.yaml'), '--db', db, '--prune', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^pod shop\/web: up to date$/m);
    assert.match(
      dry.stdout,
      /^prune networkpolicy shop\/web-allow-clients: would delete\n {2}remove port group web\.allow\.clients\.shop with its ACLs\n {2}remove address set web\.allow\.clients\.shop\.ingress\.allow\.IPv4\.0$/m,
    );
    assert.doesNotMatch(dry.stdout, /^prune (pod|securitygroup|subnet|vpc)/m);
    assert.deepEqual(await names('Port_Group'), [
      'ovn.sg.kubeovn_deny_all',
      'ovn.sg.sg.web',
      'web.allow.clients.shop',
    ]);
  });
});
