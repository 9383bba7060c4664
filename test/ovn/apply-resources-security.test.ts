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
