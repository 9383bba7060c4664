import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { type ClientDatabase, connect, database, type OvsdbClient, type Replica } from '../../src/index.js';
import { applyVpc, planVpc } from '../../src/ovn/apply-vpc.js';
import { DuplicatePolicyError, InvalidSpecError } from '../../src/ovn/ovn-errors.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

const vpc1 = (extra = '') => `
kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-1
spec:
  vpcPeerings:
    - remoteVpc: vpc-2
      localConnectIP: 169.254.0.1/30
  staticRoutes:
    - cidr: 172.31.0.0/16
      nextHopIP: 169.254.0.2
      policy: policyDst
${extra}`;

const vpc2 = `
kind: Vpc
metadata:
  name: vpc-2
spec:
  vpcPeerings:
    - remoteVpc: vpc-1
      localConnectIP: 169.254.0.2/30
  staticRoutes:
    - cidr: 10.0.0.0/16
      nextHopIP: 169.254.0.1
      policy: policyDst
`;

describe('applyVpc: the seed peering, declaratively', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let nb: Replica<NbTables>;
  let writer: ClientDatabase<NbTables>;
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

  test('two VPCs from nothing: one transaction each, as ovn-nbctl reads them', async () => {
    const first = await applyVpc(writer, vpc1());
    const second = await applyVpc(writer, vpc2);
    assert.deepEqual([first.applied, second.applied, transactions], [true, true, 2]);
    assert.ok(first.changes.includes('create router vpc-1'));
    assert.match(await nbctl('lr-route-list', 'vpc-1'), /172\.31\.0\.0\/16\s+169\.254\.0\.2 dst-ip/);
    assert.match(await nbctl('lr-route-list', 'vpc-2'), /10\.0\.0\.0\/16\s+169\.254\.0\.1 dst-ip/);
    const port = await nbctl(
      '--bare',
      '--columns=networks,peer',
      'list',
      'Logical_Router_Port',
      'vpc-1-vpc-2',
    );
    assert.match(port, /169\.254\.0\.1\/30/);
    assert.match(port, /vpc-2-vpc-1/);
    assert.match(await nbctl('get', 'Logical_Router', 'vpc-1', 'external_ids:vendor'), /kube-ovn/);
  });

  test('the same spec again sends nothing', async () => {
    const before = transactions;
    const again = await applyVpc(writer, vpc1());
    assert.deepEqual([again.applied, again.operations, again.changes, transactions], [false, [], [], before]);
  });

  test('a changed spec changes only what differs; foreign and learned routes stay', async () => {
    await nbctl('lr-route-add', 'vpc-1', '192.168.0.0/24', '169.254.0.2');
    await nbctl(
      '--',
      '--id=@r',
      'create',
      'Logical_Router_Static_Route',
      'ip_prefix=10.99.0.0/16',
      'nexthop=169.254.0.2',
      'external_ids:ic-learned-route=x',
      'external_ids:vendor=kube-ovn',
      '--',
      'add',
      'Logical_Router',
      'vpc-1',
      'static_routes',
      '@r',
    );
    const dump = await dumpDatabase(client, NB);
    const dry = await applyVpc(
      writer,
      vpc1(
        '  policyRoutes:\n    - priority: 10\n      match: ip4.src==10.0.1.0/24\n      action: drop\n',
      ).replace(/ {2}staticRoutes:[\s\S]*?policyDst\n/, ''),
      { dryRun: true },
    );
    assert.equal(dry.applied, false);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), [], 'a dry run writes nothing');
    assert.deepEqual(dry.changes.sort(), [
      'policy 10 ip4.src==10.0.1.0/24 drop',
      'remove route dst-ip 172.31.0.0/16',
    ]);
    const applied = await applyVpc(
      writer,
      vpc1(
        '  policyRoutes:\n    - priority: 10\n      match: ip4.src==10.0.1.0/24\n      action: drop\n',
      ).replace(/ {2}staticRoutes:[\s\S]*?policyDst\n/, ''),
    );
    assert.equal(applied.applied, true);
    const routes = await nbctl('lr-route-list', 'vpc-1');
    assert.doesNotMatch(routes, /172\.31\.0\.0/);
    assert.match(routes, /192\.168\.0\.0\/24/, 'a route ovn-nbctl added (no vendor) stays');
    assert.match(routes, /10\.99\.0\.0\/16/, 'a learned route stays');
    assert.match(await nbctl('lr-policy-list', 'vpc-1'), /10\s+ip4\.src==10\.0\.1\.0\/24\s+drop/);
  });

  test('bad input: a typed error naming the field, nothing planned or written', async () => {
    const dump = await dumpDatabase(client, NB);
    await assert.rejects(
      applyVpc(writer, vpc1().replace('169.254.0.2\n', 'fd00::2\n')),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'spec.staticRoutes[0].nextHopIP',
    );
    assert.throws(
      () =>
        planVpc(nb, {
          kind: 'Vpc',
          metadata: { name: 'vpc-9' },
          spec: { vpcPeerings: [{ remoteVpc: 'vpc-9', localConnectIP: '169.254.0.1/30' }] },
        }),
      InvalidSpecError,
    );
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);
  });
  test('two policy routes of one (priority, match): refused naming both, nothing planned or sent', async () => {
    const policies = (fourth: string) => `
kind: Vpc
metadata: { name: vpc-dup }
spec:
  policyRoutes:
    - { priority: 10, match: ip4.src==10.0.1.0/24, action: drop }
    - { priority: 10, match: ip4.src==10.0.2.0/24, action: allow }
    - { priority: 20, match: ip4.src==10.0.1.0/24, action: allow }
    - ${fourth}
`;
    const dump = await dumpDatabase(client, NB);
    const before = transactions;
    const duplicate = policies(
      '{ priority: 10, match: ip4.src==10.0.1.0/24, action: reroute, nextHopIP: 10.0.0.1 }',
    );
    const isBoth = (error: unknown) => {
      assert.ok(error instanceof DuplicatePolicyError, String(error));
      assert.deepEqual(
        [error.code, error.first, error.second, error.priority, error.match],
        [
          'OVNDB_DUPLICATE_POLICY',
          'spec.policyRoutes[0]',
          'spec.policyRoutes[3]',
          10,
          'ip4.src==10.0.1.0/24',
        ],
      );
      return true;
    };
    await assert.rejects(applyVpc(writer, duplicate), isBoth);
    await assert.rejects(applyVpc(writer, duplicate, { dryRun: true }), isBoth);
    // An identical entry twice too: the same identity listed twice.
    await assert.rejects(
      applyVpc(writer, policies('{ priority: 10, match: ip4.src==10.0.1.0/24, action: drop }')),
      DuplicatePolicyError,
    );
    // A resource built by hand is checked as well.
    assert.throws(
      () =>
        planVpc(nb, {
          name: 'vpc-dup',
          namespaces: [],
          staticRoutes: [],
          vpcPeerings: [],
          enableExternal: false,
          policyRoutes: [
            { priority: 5, match: 'ip4', action: 'allow' },
            { priority: 5, match: 'ip4', action: 'drop' },
          ],
        }),
      (error: unknown) => error instanceof DuplicatePolicyError && error.second === 'spec.policyRoutes[1]',
    );
    assert.equal(transactions, before);
    assert.deepEqual(diffDumps(dump, await dumpDatabase(client, NB)), []);

    // Same match at another priority, other matches at the same one: distinct, and it settles.
    const settled = policies(
      '{ priority: 30, match: ip4.src==10.0.1.0/24, action: reroute, nextHopIP: 10.0.0.1 }',
    );
    const first = await applyVpc(writer, settled);
    assert.equal(first.applied, true);
    const sent = transactions;
    const again = await applyVpc(writer, settled);
    assert.deepEqual([again.applied, again.operations, again.changes], [false, [], []]);
    assert.equal(transactions, sent, 'the settled spec sends nothing');
    assert.equal((await nbctl('lr-policy-list', 'vpc-dup')).match(/ip4\.src==/g)?.length, 4);
  });
});
