import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DuplicateNameError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { createRouter, deleteRouter, kubeOvnRouterOptions } from '../../src/ovn/routers.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';

describe('routers: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;

  test('isolated and peered routers get Kube-OVN options and vendor', async () => {
    await apply(createRouter(pair.nb, { name: 'vpc-1' }));
    await apply(createRouter(pair.nb, { name: 'vpc-2', hasPeerings: true, externalIds: { team: 'a' } }));
    await apply(createRouter(pair.nb, { name: 'vpc-3', enableExternal: true, options: { chassis: 'hv1' } }));
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
    assert.deepEqual(createRouter(pair.nb, { name: 'vpc-1' }, { mayExist: true }), []);
    assert.throws(
      () => createRouter(pair.nb, { name: 'vpc-1' }),
      (e: unknown) => e instanceof ObjectExistsError && e.table === 'Logical_Router' && e.rowName === 'vpc-1',
    );
    // vpc-1 gets a peering: ARP learning comes back on.
    await apply(createRouter(pair.nb, { name: 'vpc-1', hasPeerings: true }, { mayExist: true }));
    await nbctl('remove', 'Logical_Router', 'vpc-1', 'options', 'always_learn_from_arp_request');
    await assertSame();
  });

  test('delete, ifExists, duplicates', async () => {
    await apply(deleteRouter(pair.nb, 'vpc-3'));
    await nbctl('lr-del', 'vpc-3');
    await assertSame();
    assert.deepEqual(deleteRouter(pair.nb, 'vpc-3', { ifExists: true }), []);
    assert.throws(
      () => deleteRouter(pair.nb, 'vpc-3'),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Router',
    );
    // OVN lets two routers share a name; the helpers refuse to pick one.
    await pair.client.transact(NB, [{ op: 'insert', table: 'Logical_Router', row: { name: 'vpc-1' } }]);
    const before = await dumpDatabase(pair.client, NB);
    for (const call of [
      () => createRouter(pair.nb, { name: 'vpc-1' }, { mayExist: true }),
      () => deleteRouter(pair.nb, 'vpc-1'),
    ]) {
      assert.throws(call, (e: unknown) => e instanceof DuplicateNameError && e.uuids.length === 2);
    }
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});

describe('routers: options', { timeout: 20_000 }, () => {
  test('ARP learning is off only for isolated VPCs', () => {
    assert.equal(kubeOvnRouterOptions({}).always_learn_from_arp_request, 'false');
    assert.equal(kubeOvnRouterOptions({ hasPeerings: true }).always_learn_from_arp_request, undefined);
    assert.equal(kubeOvnRouterOptions({ enableExternal: true }).always_learn_from_arp_request, undefined);
  });
});
