import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { connect, type OvsdbClient, Replica } from '../../src/index.js';
import { DuplicateNameError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { createRouter, deleteRouter, kubeOvnRouterOptions } from '../../src/ovn/routers.js';
import type { Operation } from '../../src/protocol/operations.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { initNb } from '../helpers/init-nb.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

describe('routers: against ovn-nbctl', { timeout: 20_000 }, () => {
  let ours: RunningServer;
  let theirs: RunningServer;
  let client: OvsdbClient;
  let theirClient: OvsdbClient;
  let nb: Replica<NbTables>;

  before(async () => {
    ours = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    await initNb(ours);
    theirs = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(ours.unix);
    theirClient = await connect(theirs.unix);
    nb = await Replica.start(client, nbModel);
  });
  after(async () => {
    await nb?.close();
    await client?.close();
    await theirClient?.close();
    await ours?.stop();
    await theirs?.stop();
  });

  async function nbctl(...args: string[]): Promise<string> {
    return (await run('ovn-nbctl', [`--db=${theirs.unix}`, ...args])).stdout.trim();
  }
  async function apply(ops: Operation[]): Promise<void> {
    if (ops.length > 0) await client.transact(NB, ops);
  }
  async function assertSame(): Promise<void> {
    assert.deepEqual(diffDumps(await dumpDatabase(client, NB), await dumpDatabase(theirClient, NB)), []);
  }

  test('isolated and peered routers get Kube-OVN options and vendor', async () => {
    await apply(createRouter(nb, { name: 'vpc-1' }));
    await apply(createRouter(nb, { name: 'vpc-2', hasPeerings: true, externalIds: { team: 'a' } }));
    await apply(createRouter(nb, { name: 'vpc-3', enableExternal: true, options: { chassis: 'hv1' } }));
    // lr-add cannot set options or external_ids: `set` in the same transaction.
    await nbctl(
      'lr-add',
      'vpc-1',
      '--',
      'set',
      'Logical_Router',
      'vpc-1',
      'options:mac_binding_age_threshold=300',
      'options:dynamic_neigh_routers=true',
      'options:always_learn_from_arp_request=false',
      'external_ids:vendor=kube-ovn',
      '--',
      'lr-add',
      'vpc-2',
      '--',
      'set',
      'Logical_Router',
      'vpc-2',
      'options:mac_binding_age_threshold=300',
      'options:dynamic_neigh_routers=true',
      'external_ids:vendor=kube-ovn',
      'external_ids:team=a',
      '--',
      'lr-add',
      'vpc-3',
      '--',
      'set',
      'Logical_Router',
      'vpc-3',
      'options:mac_binding_age_threshold=300',
      'options:dynamic_neigh_routers=true',
      'options:chassis=hv1',
      'external_ids:vendor=kube-ovn',
    );
    await assertSame();
  });

  test('mayExist: the same spec is a no-op, a new one replaces the options', async () => {
    assert.deepEqual(createRouter(nb, { name: 'vpc-1' }, { mayExist: true }), []);
    assert.throws(
      () => createRouter(nb, { name: 'vpc-1' }),
      (e: unknown) => e instanceof ObjectExistsError && e.table === 'Logical_Router' && e.rowName === 'vpc-1',
    );
    // vpc-1 gets a peering: ARP learning comes back on.
    await apply(createRouter(nb, { name: 'vpc-1', hasPeerings: true }, { mayExist: true }));
    await nbctl('remove', 'Logical_Router', 'vpc-1', 'options', 'always_learn_from_arp_request');
    await assertSame();
  });

  test('delete, ifExists, duplicates', async () => {
    await apply(deleteRouter(nb, 'vpc-3'));
    await nbctl('lr-del', 'vpc-3');
    await assertSame();
    assert.deepEqual(deleteRouter(nb, 'vpc-3', { ifExists: true }), []);
    assert.throws(
      () => deleteRouter(nb, 'vpc-3'),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Router',
    );
    // OVN lets two routers share a name; the helpers refuse to pick one.
    await client.transact(NB, [{ op: 'insert', table: 'Logical_Router', row: { name: 'vpc-1' } }]);
    const before = await dumpDatabase(client, NB);
    for (const call of [
      () => createRouter(nb, { name: 'vpc-1' }, { mayExist: true }),
      () => deleteRouter(nb, 'vpc-1'),
    ]) {
      assert.throws(call, (e: unknown) => e instanceof DuplicateNameError && e.uuids.length === 2);
    }
    assert.deepEqual(diffDumps(before, await dumpDatabase(client, NB)), []);
  });
});

describe('routers: options', { timeout: 20_000 }, () => {
  test('ARP learning is off only for isolated VPCs', () => {
    assert.equal(kubeOvnRouterOptions({}).always_learn_from_arp_request, 'false');
    assert.equal(kubeOvnRouterOptions({ hasPeerings: true }).always_learn_from_arp_request, undefined);
    assert.equal(kubeOvnRouterOptions({ enableExternal: true }).always_learn_from_arp_request, undefined);
  });
});
