/**
 * The lifecycle: applyResources with `prune` deletes the Kube-OVN objects the input no longer
 * holds (never foreign rows), a dry run only lists them, and deleteVpc deletes one Vpc with
 * what only it holds, refusing while subnets use it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { type ClientDatabase, connect, database, type OvsdbClient, type Replica } from '../../src/index.js';
import {
  applyResources,
  deleteVpc,
  InvalidSpecError,
  NotOwnedError,
  ObjectNotFoundError,
  planDeleteVpc,
  VpcInUseError,
} from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

const vpc = (name: string, peer?: [string, string]) => `
kind: Vpc
metadata: { name: ${name} }
spec:
  policyRoutes: [{ priority: 10, match: ip4.src == 10.9.0.0/16, action: drop }]
  staticRoutes: [{ cidr: 0.0.0.0/0, nextHopIP: 10.255.0.1 }]
${peer === undefined ? '' : `  vpcPeerings: [{ remoteVpc: ${peer[0]}, localConnectIP: ${peer[1]} }]`}
`;
const subnet = (name: string, vpcName: string, cidr: string) => `
kind: Subnet
metadata: { name: ${name} }
spec: { vpc: ${vpcName}, cidrBlock: ${cidr} }
`;
const docs = (...parts: string[]) => parts.join('---');

const A = vpc('vpc-a', ['vpc-b', '169.254.0.1/30']);
const B = vpc('vpc-b', ['vpc-a', '169.254.0.2/30']);
const C = vpc('vpc-c');
const NET_A = subnet('net-a', 'vpc-a', '10.1.0.0/16');
const NET_B = subnet('net-b', 'vpc-b', '10.2.0.0/16');
const NET_C = subnet('net-c', 'vpc-c', '10.3.0.0/16');

describe('applyResources with prune, and deleteVpc', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let writer: ClientDatabase<NbTables>;
  let nb: Replica<NbTables>;
  let transactions = 0;
  const nbctl = async (...args: string[]) =>
    (await run('ovn-nbctl', [`--db=${server.unix}`, ...args])).stdout;
  const names = async (table: string) =>
    (await nbctl('--bare', '--columns=name', 'list', table)).split('\n').filter(Boolean).sort();
  /** The database, and a transaction count from after the dump (a dump is a transaction of selects). */
  const snapshot = async () => {
    const dump = await dumpDatabase(client, NB);
    transactions = 0;
    return dump;
  };

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix, { metrics: { transaction: () => transactions++ } });
    writer = database(client, nbModel);
    nb = await writer.replica();
    await applyResources(writer, docs(A, B, C, NET_A, NET_B, NET_C));
    // Foreign rows: no vendor, another vendor; and a Kube-OVN balancer used by vpc-c only.
    await nbctl('lr-add', 'foreign-r', '--', 'ls-add', 'foreign-ls');
    await nbctl('lr-add', 'other-r', '--', 'set', 'Logical_Router', 'other-r', 'external_ids:vendor=other');
    await nbctl(
      'lb-add',
      'lb-c',
      '10.96.0.1:53',
      '10.3.0.5:53',
      '--',
      'set',
      'Load_Balancer',
      'lb-c',
      'external_ids:vendor=kube-ovn',
      '--',
      'lr-lb-add',
      'vpc-c',
      'lb-c',
    );
    await nbctl(
      'lb-add',
      'lb-shared',
      '10.96.0.2:53',
      '10.3.0.6:53',
      '--',
      'lr-lb-add',
      'vpc-c',
      'lb-shared',
    );
  });
  after(async () => {
    await writer?.close();
    await client?.close();
    await server?.stop();
  });

  test('a dry run lists what prune would delete and sends nothing', async () => {
    const dump = await snapshot();
    const planned = await applyResources(writer, docs(A, B, NET_A, NET_B), { prune: true, dryRun: true });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);
    assert.deepEqual(
      planned.pruned.map((p) => [p.kind, p.name, p.applied]),
      [
        ['Subnet', 'net-c', false],
        ['Vpc', 'vpc-c', false],
      ],
    );
    assert.ok(planned.pruned[1]!.changes.includes('delete load balancer lb-c'));
  });

  test('prune deletes the Kube-OVN objects the input lacks, never foreign rows', async () => {
    await snapshot();
    const applied = await applyResources(writer, docs(A, B, NET_A, NET_B), { prune: true });
    assert.equal(transactions, 1, 'the applied resources match: one transaction, the prune');
    assert.deepEqual(
      applied.pruned.map((p) => [p.kind, p.name, p.applied]),
      [
        ['Subnet', 'net-c', true],
        ['Vpc', 'vpc-c', true],
      ],
    );
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'other-r', 'vpc-a', 'vpc-b']);
    assert.deepEqual(await names('Logical_Switch'), ['foreign-ls', 'net-a', 'net-b']);
    assert.deepEqual(
      await names('Load_Balancer'),
      ['lb-shared'],
      'the balancer only vpc-c used went with it',
    );
    // Its routes, policies and ports went with the router: only vpc-a's and vpc-b's are left.
    assert.equal(nb.count('Logical_Router_Static_Route'), 2);
    assert.equal(nb.count('Logical_Router_Policy'), 2);
    assert.deepEqual(
      nb
        .list('Logical_Router_Port')
        .map((p) => p.name)
        .sort(),
      ['vpc-a-net-a', 'vpc-a-vpc-b', 'vpc-b-net-b', 'vpc-b-vpc-a'],
    );
    await snapshot();
    const again = await applyResources(writer, docs(A, B, NET_A, NET_B), { prune: true });
    assert.deepEqual([transactions, again.pruned], [0, []]);
  });

  test('pruneKinds limits the prune; a prune taking a Vpc an input Subnet names is refused first', async () => {
    const dump = await snapshot();
    await assert.rejects(applyResources(writer, docs(A, NET_A, NET_B), { prune: true }), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError, String(error));
      assert.deepEqual([error.field, error.value], ['spec.vpc', 'vpc-b']);
      return true;
    });
    await assert.rejects(
      applyResources(writer, docs(A, NET_A), { prune: true, pruneKinds: ['Namespace' as 'Vpc'] }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'pruneKinds',
    );
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);

    const subnetsOnly = await applyResources(writer, docs(A, NET_A), { prune: true, pruneKinds: ['Subnet'] });
    assert.deepEqual(
      subnetsOnly.pruned.map((p) => [p.kind, p.name]),
      [['Subnet', 'net-b']],
    );
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'other-r', 'vpc-a', 'vpc-b']);
    assert.deepEqual(await names('Logical_Switch'), ['foreign-ls', 'net-a']);
  });

  test('prune of one side of a peering leaves the other side its port, reported dangling', async () => {
    const applied = await applyResources(writer, docs(A, NET_A), { prune: true });
    assert.deepEqual(
      applied.pruned.map((p) => [p.kind, p.name]),
      [['Vpc', 'vpc-b']],
    );
    assert.ok(applied.pruned[0]!.changes.includes('leave vpc-a-vpc-b of the peer dangling'));
    assert.equal((await nbctl('get', 'Logical_Router_Port', 'vpc-a-vpc-b', 'peer')).trim(), 'vpc-b-vpc-a');
  });

  test('a foreign switch on a Vpc the prune would delete: refused before anything is sent', async () => {
    await applyResources(writer, docs(A, C, NET_A));
    await nbctl(
      '--',
      'lrp-add',
      'vpc-c',
      'vpc-c-foreign-ls',
      '0a:00:00:00:00:09',
      '10.8.0.1/24',
      '--',
      'lsp-add',
      'foreign-ls',
      'foreign-ls-vpc-c',
      '--',
      'lsp-set-type',
      'foreign-ls-vpc-c',
      'router',
      '--',
      'lsp-set-options',
      'foreign-ls-vpc-c',
      'router-port=vpc-c-foreign-ls',
    );
    const dump = await snapshot();
    await assert.rejects(applyResources(writer, docs(A, NET_A), { prune: true }), (error: unknown) => {
      assert.ok(error instanceof VpcInUseError, String(error));
      assert.deepEqual([error.vpc, error.switches], ['vpc-c', ['foreign-ls']]);
      return true;
    });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);
  });

  test('deleteVpc: missing, foreign, in use; withSubnets takes its Kube-OVN subnets along', async () => {
    const dump = await snapshot();
    await assert.rejects(deleteVpc(writer, 'nope'), ObjectNotFoundError);
    assert.deepEqual(await deleteVpc(writer, 'nope', { ifExists: true }), []);
    for (const foreign of ['foreign-r', 'other-r'])
      await assert.rejects(deleteVpc(writer, foreign, { ifExists: true }), (error: unknown) => {
        assert.ok(error instanceof NotOwnedError);
        assert.equal(error.rowName, foreign);
        return true;
      });
    await assert.rejects(deleteVpc(writer, 'vpc-a'), (error: unknown) => {
      assert.ok(error instanceof VpcInUseError);
      assert.deepEqual(error.switches, ['net-a']);
      return true;
    });
    // vpc-c has a foreign switch joined: withSubnets does not take it.
    await assert.rejects(deleteVpc(writer, 'vpc-c', { withSubnets: true }), VpcInUseError);
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);

    const plan = planDeleteVpc(nb, 'vpc-a', { withSubnets: true });
    assert.deepEqual([plan.found, plan.subnets], [true, ['net-a']]);
    await deleteVpc(writer, 'vpc-a', { withSubnets: true });
    assert.deepEqual(await names('Logical_Router'), ['foreign-r', 'other-r', 'vpc-c']);
    assert.deepEqual(await names('Logical_Switch'), ['foreign-ls']);
  });
});
