import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { addNat, deleteNat, NoGatewayError, setGatewayChassis } from '../../src/ovn/nat.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';

/** Two NB servers with the same base topology: ours written by the helpers, theirs by ovn-nbctl. */
function pair() {
  const base = [
    ...['lr-add', 'vpc-1'],
    ...['--', 'lrp-add', 'vpc-1', 'vpc-1-external', '0a:00:00:00:03:01', '172.18.0.1/24', 'fd18::1/64'],
    ...['--', 'ls-add', 'net1', '--', 'lsp-add', 'net1', 'pod1'],
    // No gateway at all: NAT is refused here.
    ...['--', 'lr-add', 'vpc-2'],
    // A gateway router: NAT fine, distributed rules refused.
    ...['--', 'lr-add', 'gwr', '--', 'set', 'Logical_Router', 'gwr', 'options:chassis=ch1'],
  ];
  const p = nbPair(base);
  return { s: p, nbctl: p.nbctl, apply: p.apply, assertSame: p.assertSame };
}

describe('NAT: against ovn-nbctl', { timeout: 20_000 }, () => {
  const { s, nbctl, apply, assertSame } = pair();
  // ovn-nbctl's NAT and gateway commands cannot write external_ids: Kube-OVN's marks are set with `set`.
  async function markAll(table: string, ...ids: string[]): Promise<void> {
    const uuids = await nbctl('--bare', '--columns=_uuid', 'find', table, 'external_ids={}');
    for (const uuid of uuids.split(/\s+/).filter(Boolean)) {
      const extra = table === 'Gateway_Chassis' ? [`external_ids:lrp=vpc-1-external`] : [];
      await nbctl('set', table, uuid, 'external_ids:vendor=kube-ovn', ...extra, ...ids);
    }
  }

  test('a distributed gateway port: Gateway_Chassis rows as Kube-OVN writes them', async () => {
    await apply(setGatewayChassis(s.nb, { routerPort: 'vpc-1-external', chassis: ['gw1', 'gw2'] }));
    await nbctl('lrp-set-gateway-chassis', 'vpc-1-external', 'gw1', '100');
    await nbctl('lrp-set-gateway-chassis', 'vpc-1-external', 'gw2', '99');
    await markAll('Gateway_Chassis');
    await assertSame();
    // Same list again: nothing to do.
    assert.deepEqual(setGatewayChassis(s.nb, { routerPort: 'vpc-1-external', chassis: ['gw1', 'gw2'] }), []);
    // Reordered with one replaced: priorities fixed, the stale row removed, the new one added.
    await apply(setGatewayChassis(s.nb, { routerPort: 'vpc-1-external', chassis: ['gw2', 'gw3'] }));
    await nbctl('lrp-del-gateway-chassis', 'vpc-1-external', 'gw1');
    await nbctl('lrp-set-gateway-chassis', 'vpc-1-external', 'gw2', '100');
    await nbctl('lrp-set-gateway-chassis', 'vpc-1-external', 'gw3', '99');
    await markAll('Gateway_Chassis');
    await assertSame();
  });

  test('snat of a CIDR (host bits cleared), a /32, dnat, IPv6 snat, distributed FIP', async () => {
    await apply([
      ...addNat(s.nb, { router: 'vpc-1', type: 'snat', externalIp: '172.18.0.5', logicalIp: '10.0.1.7/24' }),
      ...addNat(s.nb, { router: 'vpc-1', type: 'dnat', externalIp: '172.18.0.11', logicalIp: '10.0.1.6' }),
    ]);
    await apply([
      ...addNat(s.nb, { router: 'vpc-1', type: 'snat', externalIp: '172.18.0.6', logicalIp: '10.0.2.4/32' }),
      ...addNat(s.nb, { router: 'vpc-1', type: 'snat', externalIp: 'FD18::5', logicalIp: 'fd00:1::/64' }),
      ...addNat(s.nb, {
        router: 'vpc-1',
        type: 'dnat_and_snat',
        externalIp: '172.18.0.10',
        logicalIp: '10.0.1.5',
        logicalPort: 'pod1',
        externalMac: '0A:00:00:00:03:05',
      }),
    ]);
    await nbctl('lr-nat-add', 'vpc-1', 'snat', '172.18.0.5', '10.0.1.0/24');
    await nbctl('lr-nat-add', 'vpc-1', 'dnat', '172.18.0.11', '10.0.1.6');
    await nbctl('lr-nat-add', 'vpc-1', 'snat', '172.18.0.6', '10.0.2.4/32');
    await nbctl('lr-nat-add', 'vpc-1', 'snat', 'fd18::5', 'fd00:1::/64');
    await nbctl(
      'lr-nat-add',
      'vpc-1',
      'dnat_and_snat',
      '172.18.0.10',
      '10.0.1.5',
      'pod1',
      '0a:00:00:00:03:05',
    );
    await markAll('NAT');
    await assertSame();
  });

  test('idempotence: the same rule again is refused, or no operation with mayExist', () => {
    const snat = {
      router: 'vpc-1',
      type: 'snat',
      externalIp: '172.18.0.5',
      logicalIp: '10.0.1.0/24',
    } as const;
    assert.deepEqual(addNat(s.nb, snat, { mayExist: true }), []);
    assert.throws(() => addNat(s.nb, snat), ObjectExistsError);
    const fip = {
      router: 'vpc-1',
      type: 'dnat_and_snat',
      externalIp: '172.18.0.10',
      logicalIp: '10.0.1.5',
      logicalPort: 'pod1',
      externalMac: '0a:00:00:00:03:05',
    } as const;
    assert.deepEqual(addNat(s.nb, fip, { mayExist: true }), []);
    assert.throws(() => addNat(s.nb, fip), ObjectExistsError);
  });

  test('mayExist brings a rule of the same identity to the spec (new logical IP)', async () => {
    await apply(
      addNat(
        s.nb,
        { router: 'vpc-1', type: 'dnat', externalIp: '172.18.0.11', logicalIp: '10.0.1.9' },
        { mayExist: true },
      ),
    );
    await nbctl(
      'set',
      'NAT',
      await nbctl('--bare', '--columns=_uuid', 'find', 'NAT', 'type=dnat'),
      'logical_ip=10.0.1.9',
    );
    await assertSame();
  });

  test('delete by identity: snat by logical CIDR, dnat_and_snat by external IP', async () => {
    await apply([
      ...deleteNat(s.nb, { router: 'vpc-1', type: 'snat', ip: '10.0.1.99/24' }),
      ...deleteNat(s.nb, { router: 'vpc-1', type: 'dnat_and_snat', ip: '172.18.0.10' }),
    ]);
    await nbctl('lr-nat-del', 'vpc-1', 'snat', '10.0.1.0/24');
    await nbctl('lr-nat-del', 'vpc-1', 'dnat_and_snat', '172.18.0.10');
    await assertSame();
    assert.deepEqual(
      deleteNat(s.nb, { router: 'vpc-1', type: 'snat', ip: '10.0.1.0/24' }, { ifExists: true }),
      [],
    );
    assert.throws(
      () => deleteNat(s.nb, { router: 'vpc-1', type: 'snat', ip: '10.0.1.0/24' }),
      (e: unknown) => e instanceof ObjectNotFoundError && e.code === 'OVNDB_NOT_FOUND' && e.table === 'NAT',
    );
  });

  test('refusals: no gateway, bad input; the server is unchanged', async () => {
    const before = await dumpDatabase(s.client, NB);
    assert.throws(
      () =>
        addNat(s.nb, { router: 'vpc-2', type: 'snat', externalIp: '172.18.0.5', logicalIp: '10.0.9.0/24' }),
      (e: unknown) => e instanceof NoGatewayError && e.code === 'OVNDB_NO_GATEWAY' && e.router === 'vpc-2',
    );
    const bad: Array<[Parameters<typeof addNat>[1], string]> = [
      [{ router: 'vpc-1', type: 'snat', externalIp: 'fd18::7', logicalIp: '10.0.9.0/24' }, 'logicalIp'],
      [{ router: 'vpc-1', type: 'dnat', externalIp: '172.18.0.300', logicalIp: '10.0.9.1' }, 'externalIp'],
      [{ router: 'vpc-1', type: 'dnat', externalIp: '172.18.0.30', logicalIp: '10.0.9.0/24' }, 'logicalIp'],
      [{ router: 'vpc-1', type: 'dnat', externalIp: '172.18.0.30/32', logicalIp: '10.0.9.1' }, 'externalIp'],
      [
        {
          router: 'vpc-1',
          type: 'dnat_and_snat',
          externalIp: '172.18.0.31',
          logicalIp: '10.0.9.1',
          externalMac: '0a:00:00:00:03:09',
        },
        'externalMac',
      ],
      [
        {
          router: 'vpc-1',
          type: 'snat',
          externalIp: '172.18.0.31',
          logicalIp: '10.0.9.1',
          logicalPort: 'pod1',
          externalMac: '0a:00:00:00:03:09',
        },
        'logicalPort',
      ],
      [
        {
          router: 'vpc-1',
          type: 'dnat_and_snat',
          externalIp: '172.18.0.31',
          logicalIp: '10.0.9.1',
          logicalPort: 'pod1',
          externalMac: 'not-a-mac',
        },
        'externalMac',
      ],
      [
        {
          router: 'gwr',
          type: 'dnat_and_snat',
          externalIp: '172.18.0.31',
          logicalIp: '10.0.9.1',
          logicalPort: 'pod1',
          externalMac: '0a:00:00:00:03:09',
        },
        'logicalPort',
      ],
      [{ router: 'vpc-1', type: 'nat' as 'snat', externalIp: '172.18.0.31', logicalIp: '10.0.9.1' }, 'type'],
    ];
    for (const [spec, field] of bad) {
      assert.throws(
        () => addNat(s.nb, spec),
        (e: unknown) => e instanceof InvalidSpecError && e.code === 'OVNDB_INVALID_SPEC' && e.field === field,
        JSON.stringify(spec),
      );
    }
    assert.throws(
      () =>
        addNat(s.nb, {
          router: 'vpc-1',
          type: 'dnat_and_snat',
          externalIp: '172.18.0.31',
          logicalIp: '10.0.9.1',
          logicalPort: 'no-such-port',
          externalMac: '0a:00:00:00:03:09',
        }),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Switch_Port',
    );
    assert.throws(
      () => setGatewayChassis(s.nb, { routerPort: 'vpc-1-external', chassis: ['gw1', 'gw1'] }),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'chassis[1]',
    );
    assert.throws(
      () => setGatewayChassis(s.nb, { routerPort: 'nope', chassis: ['gw1'] }),
      ObjectNotFoundError,
    );
    // A gateway router takes centralized rules.
    assert.equal(
      addNat(s.nb, { router: 'gwr', type: 'snat', externalIp: '172.18.0.5', logicalIp: '10.0.9.0/24' })
        .length,
      2,
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(s.client, NB)), []);
  });
});
