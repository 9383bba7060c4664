/**
 * The AZ name and the ic-route-* options against ovn-nbctl: the same settings written by the
 * helpers and by `ovn-nbctl set/remove NB_Global .` compare equal in every table and column.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  icRouteBlacklist,
  icRouteOptions,
  setAvailabilityZone,
  setIcRouteOptions,
} from '../../src/ic/index.js';
import { InvalidSpecError } from '../../src/ovn/index.js';
import { nbPair } from '../helpers/nb-pair.js';

describe('icRouteBlacklist', () => {
  test("Kube-OVN's sources, in order, each entry once", () => {
    assert.deepEqual(
      icRouteBlacklist({
        disabledSubnets: ['10.199.0.0/16', '10.200.0.0/16,FD00:10:200::/64'],
        joinSubnet: '100.64.0.0/16',
        conflicts: ['10.199.0.0/16', '10.17.0.0/24'],
        nodeIps: ['172.18.0.2', 'fd00::0:2'],
      }),
      [
        '10.199.0.0/16',
        '10.200.0.0/16',
        'fd00:10:200::/64',
        '100.64.0.0/16',
        '10.17.0.0/24',
        '172.18.0.2',
        'fd00::2',
      ],
    );
  });

  test('an entry that is neither a CIDR nor an IP is refused by name', () => {
    assert.throws(
      () => icRouteBlacklist({ conflicts: ['10.17.0.0/24', 'ten/8'] }),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'conflicts[1]' && error.value === 'ten/8',
    );
    assert.throws(
      () => icRouteBlacklist({ nodeIps: ['172.18.0.2/32'] }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'nodeIps[0]',
    );
    assert.throws(
      () => icRouteOptions({}, { autoRoute: true, blacklist: ['10.0.0.0/33'] }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'blacklist[0]',
    );
  });
});

describe('AZ name and route options: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();

  test('the AZ name, only the name', async () => {
    await pair.apply(setAvailabilityZone(pair.nb, 'az1'));
    await pair.nbctl('set', 'NB_Global', '.', 'name=az1');
    await pair.assertSame();
    assert.deepEqual(setAvailabilityZone(pair.nb, 'az1'), []);
    assert.throws(
      () => setAvailabilityZone(pair.nb, 'az 1'),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'az-name' && error.value === 'az 1',
    );
  });

  test('auto-route on: adv, learn and the blacklist; other options kept', async () => {
    await pair.apply(setIcRouteOptions(pair.nb, { autoRoute: false }));
    assert.deepEqual(setIcRouteOptions(pair.nb, { autoRoute: false }), [], 'nothing to remove');
    await pair.nbctl('set', 'NB_Global', '.', 'options:northd_probe_interval=5000');
    await pair.client.transact('OVN_Northbound', [
      {
        op: 'mutate',
        table: 'NB_Global',
        where: [],
        mutations: [['options', 'insert', ['map', [['northd_probe_interval', '5000']]]]],
      },
    ]);
    const blacklist = icRouteBlacklist({ joinSubnet: '100.64.0.0/16', nodeIps: ['172.18.0.2'] });
    await pair.apply(setIcRouteOptions(pair.nb, { autoRoute: true, blacklist }));
    await pair.nbctl(
      'set',
      'NB_Global',
      '.',
      'options:ic-route-adv=true',
      'options:ic-route-learn=true',
      'options:ic-route-blacklist="100.64.0.0/16,172.18.0.2"',
    );
    await pair.assertSame();
    assert.deepEqual(setIcRouteOptions(pair.nb, { autoRoute: true, blacklist }), [], 'idempotent');
  });

  test('a new blacklist changes only that key; the *-default keys when asked', async () => {
    await pair.apply(
      setIcRouteOptions(pair.nb, { autoRoute: true, blacklist: ['100.64.0.0/16'], learnDefault: true }),
    );
    await pair.nbctl(
      'set',
      'NB_Global',
      '.',
      'options:ic-route-blacklist="100.64.0.0/16"',
      'options:ic-route-learn-default=true',
    );
    await pair.assertSame();
  });

  test('auto-route off removes the three keys Kube-OVN owns, and nothing else', async () => {
    await pair.apply(setIcRouteOptions(pair.nb, { autoRoute: false }));
    await pair.nbctl(
      'remove',
      'NB_Global',
      '.',
      'options',
      'ic-route-adv',
      'ic-route-learn',
      'ic-route-blacklist',
    );
    await pair.assertSame();
    const options = pair.nb.list('NB_Global')[0]?.options;
    assert.deepEqual(options, { northd_probe_interval: '5000', 'ic-route-learn-default': 'true' });
  });
});
