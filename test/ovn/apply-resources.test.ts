/**
 * applyResources: the seed's two kubectl steps (VPCs with their Subnets, then the peering),
 * each resource in its own transaction, nothing resent on a second apply, and malformed
 * input anywhere in the text writing nothing at all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { type ClientDatabase, connect, database, type OvsdbClient, type Replica } from '../../src/index.js';
import { applyResources, applyVpc, InvalidSpecError } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);

const step1 = `
kind: Vpc
metadata: { name: vpc-1 }
spec: {}
---
kind: Subnet
metadata: { name: net1 }
spec: { vpc: vpc-1, cidrBlock: 10.0.0.0/16, excludeIps: [10.0.0.10..10.0.0.20] }
---
kind: Pod
metadata: { name: ignored }
---
kind: Vpc
metadata: { name: vpc-2 }
spec: {}
---
kind: Subnet
metadata: { name: net2 }
spec: { vpc: vpc-2, cidrBlock: 172.31.0.0/16 }
`;

/** Step 2 with the link at `169.254.0.<a>/30` (vpc-1) and `.<b>/30` (vpc-2). */
const link = (a: number, b: number) => `
kind: Vpc
metadata: { name: vpc-1 }
spec:
  vpcPeerings: [{ remoteVpc: vpc-2, localConnectIP: 169.254.0.${a}/30 }]
  staticRoutes: [{ cidr: 172.31.0.0/16, nextHopIP: 169.254.0.${b}, policy: policyDst }]
---
kind: Vpc
metadata: { name: vpc-2 }
spec:
  vpcPeerings: [{ remoteVpc: vpc-1, localConnectIP: 169.254.0.${b}/30 }]
  staticRoutes: [{ cidr: 10.0.0.0/16, nextHopIP: 169.254.0.${a}, policy: policyDst }]
`;

const step2 = `
kind: Vpc
metadata: { name: vpc-1 }
spec:
  vpcPeerings: [{ remoteVpc: vpc-2, localConnectIP: 169.254.0.1/30 }]
  staticRoutes: [{ cidr: 172.31.0.0/16, nextHopIP: 169.254.0.2, policy: policyDst }]
---
kind: Vpc
metadata: { name: vpc-2 }
spec:
  vpcPeerings: [{ remoteVpc: vpc-1, localConnectIP: 169.254.0.2/30 }]
  staticRoutes: [{ cidr: 10.0.0.0/16, nextHopIP: 169.254.0.1, policy: policyDst }]
`;

describe('applyResources', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let writer: ClientDatabase<NbTables>;
  let nb: Replica<NbTables>;
  let transactions = 0;
  const nbctl = async (...args: string[]) =>
    (await run('ovn-nbctl', [`--db=${server.unix}`, ...args])).stdout;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    // Every transaction the handle sends is counted (the replica sends none).
    client = await connect(server.unix, { metrics: { transaction: () => transactions++ } });
    writer = database(client, nbModel);
    nb = await writer.replica();
  });
  after(async () => {
    await writer?.close();
    await client?.close();
    await server?.stop();
  });

  test('malformed input anywhere writes nothing, not even the resources before it', async () => {
    const bad = `${step1}---\nkind: Subnet\nmetadata: { name: net3 }\nspec: { vpc: vpc-1, cidrBlock: 10.300.0.0/16 }\n`;
    await assert.rejects(applyResources(writer, bad), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError);
      assert.equal(error.field, 'spec.cidrBlock');
      assert.equal(error.value, '10.300.0.0/16');
      return true;
    });
    assert.equal(transactions, 0);
    assert.equal(nb.count('Logical_Router'), 0);
  });

  test('a dry run plans every resource, in order, and sends nothing', async () => {
    const planned = await applyResources(writer, step1, { dryRun: true });
    assert.equal(transactions, 0);
    assert.equal(nb.count('Logical_Router'), 0);
    assert.deepEqual(
      planned.vpcs.map((p) => [p.vpc, p.applied, p.operations.length > 0]),
      [
        ['vpc-1', false, true],
        ['vpc-2', false, true],
      ],
    );
    // Their routers exist only in the plans, and the subnets are planned on them.
    assert.deepEqual(
      planned.subnets.map((s) => [s.subnet, s.applied, s.operations > 0]),
      [
        ['net1', false, true],
        ['net2', false, true],
      ],
    );
  });

  test('step 1: each VPC and each subnet in its own transaction; Pods are skipped', async () => {
    const applied = await applyResources(writer, step1);
    assert.deepEqual(
      applied.vpcs.map((p) => [p.vpc, p.applied]),
      [
        ['vpc-1', true],
        ['vpc-2', true],
      ],
    );
    assert.deepEqual(
      applied.subnets.map((s) => [s.subnet, s.vpc, s.applied]),
      [
        ['net1', 'vpc-1', true],
        ['net2', 'vpc-2', true],
      ],
    );
    assert.equal(transactions, 4);
    // OVN's own tool sees the switch with its IPAM config, joined to the router.
    assert.equal(
      (await nbctl('get', 'Logical_Switch', 'net1', 'other_config:exclude_ips')).trim(),
      '"10.0.0.10..10.0.0.20"',
    );
    assert.equal(
      (await nbctl('get', 'Logical_Router_Port', 'vpc-1-net1', 'networks')).trim(),
      '["10.0.0.1/16"]',
    );
  });

  test('step 2: the peering; applying both steps again sends nothing', async () => {
    transactions = 0;
    const applied = await applyResources(writer, step2);
    assert.equal(transactions, 1, 'two Vpcs peering with each other share one transaction');
    assert.ok(applied.vpcs.every((p) => p.applied));
    assert.match(await nbctl('lr-route-list', 'vpc-1'), /172\.31\.0\.0\/16\s+169\.254\.0\.2 dst-ip/);
    assert.equal((await nbctl('get', 'Logical_Router_Port', 'vpc-2-vpc-1', 'peer')).trim(), 'vpc-1-vpc-2');

    transactions = 0;
    const subnets = step1.split('---').filter((doc) => doc.includes('kind: Subnet'));
    const again = await applyResources(writer, [...subnets, step2].join('---'));
    assert.equal(transactions, 0);
    assert.ok(again.vpcs.every((p) => !p.applied && p.operations.length === 0));
    assert.ok(again.subnets.every((s) => !s.applied && s.operations === 0));

    // A dry run of a subnet change on an existing router plans it and still sends nothing.
    const widened = subnets[0]!.replace('10.0.0.0/16', '10.0.0.0/15');
    const plan = await applyResources(writer, widened, { dryRun: true });
    assert.equal(transactions, 0);
    assert.deepEqual(
      plan.subnets.map((s) => [s.subnet, s.applied, s.operations > 0]),
      [['net1', false, true]],
    );
    assert.match(await nbctl('get', 'Logical_Router_Port', 'vpc-1-net1', 'networks'), /10\.0\.0\.1\/16/);
  });

  test('renumbering a peering: both Vpcs in one input move the link in one transaction', async () => {
    transactions = 0;
    const applied = await applyResources(writer, link(5, 6));
    assert.equal(transactions, 1);
    assert.ok(applied.vpcs.every((p) => p.applied));
    const networks = async (port: string) =>
      (await nbctl('get', 'Logical_Router_Port', port, 'networks')).trim();
    assert.deepEqual(
      [await networks('vpc-1-vpc-2'), await networks('vpc-2-vpc-1')],
      ['["169.254.0.5/30"]', '["169.254.0.6/30"]'],
    );
    assert.match(await nbctl('lr-route-list', 'vpc-1'), /172\.31\.0\.0\/16\s+169\.254\.0\.6 dst-ip/);
    assert.doesNotMatch(await nbctl('lr-route-list', 'vpc-1'), /169\.254\.0\.2/);
    assert.match(await nbctl('lr-route-list', 'vpc-2'), /10\.0\.0\.0\/16\s+169\.254\.0\.5 dst-ip/);
    transactions = 0;
    const again = await applyResources(writer, link(5, 6));
    assert.equal(transactions, 0, 'settled: nothing sent');
    assert.ok(again.vpcs.every((p) => !p.applied && p.operations.length === 0));
  });

  test('renumbering one Vpc at a time is refused on each side; the input changes nothing', async () => {
    // (A dump is a transaction of selects: counted from after it.)
    const dump = await dumpDatabase(client, 'OVN_Northbound');
    transactions = 0;
    const [one, two] = link(9, 10).split('---') as [string, string];
    const onSide = (error: unknown) =>
      error instanceof InvalidSpecError && error.field === 'spec.vpcPeerings[].localConnectIP';
    await assert.rejects(applyVpc(writer, one), onSide);
    await assert.rejects(applyVpc(writer, two), onSide);
    // Two ends the input declares on different links: refused before any transaction.
    const [, otherTwo] = link(13, 18).split('---') as [string, string];
    await assert.rejects(applyResources(writer, `${one}---${otherTwo}`), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError);
      assert.deepEqual([error.field, error.value], ['spec.vpcPeerings[0].localConnectIP', '169.254.0.9/30']);
      return true;
    });
    assert.equal(transactions, 0);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, 'OVN_Northbound')), []);
    // The way back to the first link, in one input again.
    transactions = 0;
    await applyResources(writer, link(1, 2));
    assert.equal(transactions, 1);
  });

  test('one input naming a VPC twice is refused before anything is sent', async () => {
    transactions = 0;
    await assert.rejects(applyResources(writer, `${step1}---\n${step2}`), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError);
      assert.equal(error.field, 'metadata.name');
      assert.equal(error.value, 'vpc-1');
      return true;
    });
    assert.equal(transactions, 0);
  });

  test('a refusal stops at that resource with a typed error; the ones before it stay', async () => {
    transactions = 0;
    const overlapping = `
kind: Vpc
metadata: { name: vpc-3 }
spec: {}
---
kind: Subnet
metadata: { name: net3 }
spec: { vpc: vpc-1, cidrBlock: 10.0.128.0/17 }
`;
    await assert.rejects(applyResources(writer, overlapping), (error: unknown) => {
      assert.ok(error instanceof InvalidSpecError);
      assert.equal(error.field, 'spec.cidrBlock');
      assert.equal(error.value, '10.0.128.0/17');
      return true;
    });
    assert.equal(transactions, 1, 'vpc-3 was created, net3 refused');
    assert.equal(nb.where('Logical_Router', (r) => r.name === 'vpc-3').length, 1);
    assert.equal(nb.where('Logical_Switch', (s) => s.name === 'net3').length, 0);
  });
});
