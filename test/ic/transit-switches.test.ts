/**
 * Transit switches against ovn-ic-nbctl: the same switches written by the helpers on one
 * IC-NB and by `ovn-ic-nbctl ts-add` (plus Kube-OVN's external ids) on another compare equal
 * in every table and column.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as icNbModel } from '../../src/generated/ic-nb/index.js';
import type { Tables as IcNbTables } from '../../src/generated/ic-nb/rows.js';
import {
  addTransitSwitch,
  deleteTransitSwitch,
  kubeOvnTransitSwitches,
  parseTransitSubnet,
  transitSwitchSubnet,
} from '../../src/ic/index.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/index.js';
import { dbPair } from '../helpers/db-pair.js';

describe('kubeOvnTransitSwitches', () => {
  test("Kube-OVN's names and subnets", () => {
    assert.deepEqual(kubeOvnTransitSwitches(3), [
      { name: 'ts', subnet: '169.254.100.0/24', vendor: 'kube-ovn' },
      { name: 'ts1', subnet: '169.254.101.0/24', vendor: 'kube-ovn' },
      { name: 'ts2', subnet: '169.254.102.0/24', vendor: 'kube-ovn' },
    ]);
    assert.equal(kubeOvnTransitSwitches(2, 'ipv6')[1]?.subnet, 'fe80:a9fe:65::/112');
    assert.equal(kubeOvnTransitSwitches(1, 'dual')[0]?.subnet, '169.254.100.0/24,fe80:a9fe:64::/112');
    assert.throws(() => kubeOvnTransitSwitches(0), InvalidSpecError);
    assert.throws(() => kubeOvnTransitSwitches(156), InvalidSpecError);
  });

  test('subnets are checked: CIDR, network form, one per family', () => {
    assert.deepEqual(parseTransitSubnet('169.254.100.0/24, fe80:a9fe:64::/112'), [
      '169.254.100.0/24',
      'fe80:a9fe:64::/112',
    ]);
    for (const bad of ['169.254.100.0', '169.254.100.1/24', '10.0.0.0/24,10.1.0.0/24', 'nope/24']) {
      assert.throws(
        () => parseTransitSubnet(bad),
        (error: unknown) => error instanceof InvalidSpecError && error.field === 'subnet',
        bad,
      );
    }
  });
});

describe('transit switches: against ovn-ic-nbctl', { timeout: 20_000 }, () => {
  const pair = dbPair<IcNbTables>({
    db: 'ic-nb',
    database: 'OVN_IC_Northbound',
    ctl: 'ovn-ic-nbctl',
    model: icNbModel,
  });

  test("Kube-OVN's three switches, as its IC server writes them", async () => {
    for (const spec of kubeOvnTransitSwitches(3)) {
      await pair.apply(addTransitSwitch(pair.replica, spec));
      await pair.ctl(
        '--may-exist',
        'ts-add',
        spec.name,
        '--',
        'set',
        'Transit_Switch',
        spec.name,
        `external_ids:subnet="${spec.subnet}"`,
        'external_ids:vendor=kube-ovn',
      );
    }
    await pair.assertSame();
    const ts1 = pair.replica.find('Transit_Switch', 'name', 'ts1')[0];
    assert.ok(ts1);
    assert.deepEqual(transitSwitchSubnet(ts1), ['169.254.101.0/24']);
  });

  test('may-exist: the same spec sends nothing; a new subnet updates only external_ids:subnet', async () => {
    assert.deepEqual(
      addTransitSwitch(pair.replica, kubeOvnTransitSwitches(1)[0] as never, { mayExist: true }),
      [],
    );
    assert.throws(
      () => addTransitSwitch(pair.replica, { name: 'ts', subnet: '169.254.100.0/24' }),
      (error: unknown) => error instanceof ObjectExistsError,
    );
    await pair.apply(
      addTransitSwitch(pair.replica, { name: 'ts', subnet: '169.254.200.0/24' }, { mayExist: true }),
    );
    await pair.ctl('set', 'Transit_Switch', 'ts', 'external_ids:subnet="169.254.200.0/24"');
    await pair.assertSame();
  });

  test('delete, if-exists, and bad input writes nothing', async () => {
    await pair.apply(deleteTransitSwitch(pair.replica, 'ts2'));
    await pair.ctl('ts-del', 'ts2');
    await pair.assertSame();
    assert.deepEqual(deleteTransitSwitch(pair.replica, 'ts2', { ifExists: true }), []);
    assert.throws(
      () => deleteTransitSwitch(pair.replica, 'ts2'),
      (error: unknown) => error instanceof ObjectNotFoundError,
    );
    assert.throws(
      () => addTransitSwitch(pair.replica, { name: 'ts9', subnet: '169.254.300.0/24' }),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'subnet' && error.value === '169.254.300.0/24',
    );
    assert.throws(
      () => addTransitSwitch(pair.replica, { name: ' ', subnet: '169.254.109.0/24' }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'name',
    );
    await pair.assertSame();
  });
});
