import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DHCPV4_OPTION_TYPES,
  DHCPV6_OPTION_TYPES,
  deleteDhcpOptions,
  findDhcpOptions,
  OverlappingDhcpOptionsError,
  setDhcpOptions,
} from '../../src/ovn/dhcp-options.js';
import { DuplicateNameError, InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';
const V4 = { subnet: 'net1', protocol: 'IPv4' };
const V6 = { subnet: 'net1', protocol: 'IPv6' };
const V4_OPTIONS = {
  lease_time: '3600',
  router: '10.16.0.1',
  server_id: '169.254.0.254',
  server_mac: '0a:00:00:2e:2f:b8',
};

describe('DHCP options: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;
  /** The UUID of their row with external_ids subnet/protocol. */
  const theirUuid = (ids: Record<string, string>) =>
    nbctl(
      '--bare',
      '--columns=_uuid',
      'find',
      'DHCP_Options',
      ...Object.entries(ids).map(([k, v]) => `external_ids:${k}=${v}`),
    );
  const optionArgs = (options: Record<string, string>) =>
    Object.entries(options).map(([k, v]) => `${k}=${v}`);

  test('create an IPv4 and an IPv6 row; the same spec twice sends nothing', async () => {
    await apply(setDhcpOptions(pair.nb, { cidr: '10.16.0.0/16', options: V4_OPTIONS }, { identity: V4 }));
    await nbctl('dhcp-options-create', '10.16.0.0/16', 'subnet=net1', 'protocol=IPv4', 'vendor=kube-ovn');
    await nbctl('dhcp-options-set-options', await theirUuid(V4), ...optionArgs(V4_OPTIONS));
    const v6 = { server_id: '0a:00:00:2e:2f:b9', dns_server: 'fd00::a' };
    await apply(setDhcpOptions(pair.nb, { cidr: 'fd00:10:16::/64', options: v6 }, { identity: V6 }));
    await nbctl('dhcp-options-create', 'fd00:10:16::/64', 'subnet=net1', 'protocol=IPv6', 'vendor=kube-ovn');
    await nbctl('dhcp-options-set-options', await theirUuid(V6), ...optionArgs(v6));
    await assertSame();
    assert.deepEqual(
      setDhcpOptions(pair.nb, { cidr: '10.16.0.0/16', options: V4_OPTIONS }, { identity: V4 }),
      [],
    );
    assert.deepEqual(setDhcpOptions(pair.nb, { cidr: 'fd00:10:16::/64', options: v6 }, { identity: V6 }), []);
    assert.equal(findDhcpOptions(pair.nb, V4)?.cidr, '10.16.0.0/16');
    assert.equal(findDhcpOptions(pair.nb, { subnet: 'none' }), undefined);
  });

  test('updates in place by diff: one option changed is one mutate; the cidr an update', async () => {
    const changed = { ...V4_OPTIONS, lease_time: '7200', mtu: '1400' };
    const ops = setDhcpOptions(pair.nb, { cidr: '10.16.0.0/16', options: changed }, { identity: V4 });
    assert.equal(ops.length, 1);
    assert.equal(ops[0]?.op, 'mutate');
    await apply(ops);
    await nbctl('dhcp-options-set-options', await theirUuid(V4), ...optionArgs(changed));
    await assertSame();
    // A host address is written as its network; external_ids are merged, never dropped.
    const moved = setDhcpOptions(
      pair.nb,
      { cidr: '10.17.0.9/16', options: changed, externalIds: { owner: 'x' } },
      { identity: V4 },
    );
    assert.deepEqual(
      moved.map((op) => op.op),
      ['update', 'mutate'],
    );
    await apply(moved);
    await nbctl('set', 'DHCP_Options', await theirUuid(V4), 'cidr="10.17.0.0/16"', 'external_ids:owner=x');
    await assertSame();
  });

  test('delete by identity; ifExists', async () => {
    await apply(deleteDhcpOptions(pair.nb, V6));
    await nbctl('dhcp-options-del', await theirUuid(V6));
    await assertSame();
    assert.deepEqual(deleteDhcpOptions(pair.nb, V6, { ifExists: true }), []);
    assert.throws(() => deleteDhcpOptions(pair.nb, V6), ObjectNotFoundError);
  });

  test('bad input is refused naming the field and value, nothing written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const field = 'spec.dhcpV4Options';
    const cases: Array<[Parameters<typeof setDhcpOptions>[1], Record<string, string>, string, unknown]> = [
      [{ cidr: '10.16.0.0', options: V4_OPTIONS }, V4, `${field}.cidr`, '10.16.0.0'],
      [{ cidr: '10.16.0.0/33', options: V4_OPTIONS }, V4, `${field}.cidr`, '10.16.0.0/33'],
      [{ cidr: 'fd00::/64', options: V4_OPTIONS }, V4, `${field}.identity.protocol`, 'IPv4'],
      [{ cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, lease: '1' } }, V4, `${field}.options.lease`, '1'],
      [
        { cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, server_id: '169.254.0.300' } },
        V4,
        `${field}.options.server_id`,
        '169.254.0.300',
      ],
      [
        { cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, server_mac: '00:00:00:2e:2f' } },
        V4,
        `${field}.options.server_mac`,
        '00:00:00:2e:2f',
      ],
      [
        { cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, lease_time: '1h' } },
        V4,
        `${field}.options.lease_time`,
        '1h',
      ],
      [
        { cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, mtu: '70000' } },
        V4,
        `${field}.options.mtu`,
        '70000',
      ],
      [
        { cidr: '10.16.0.0/16', options: { ...V4_OPTIONS, dns_server: '{10.0.0.1, fd00::1}' } },
        V4,
        `${field}.options.dns_server`,
        '{10.0.0.1, fd00::1}',
      ],
      [
        { cidr: '10.16.0.0/16', options: { lease_time: '3600', server_id: '169.254.0.254' } },
        V4,
        `${field}.options`,
        { lease_time: '3600', server_id: '169.254.0.254' },
      ],
      [
        { cidr: 'fd00::/64', options: { dns_server: 'fd00::a' } },
        V6,
        `${field}.options`,
        { dns_server: 'fd00::a' },
      ],
      [
        { cidr: 'fd00::/64', options: { server_id: '169.254.0.1' } },
        V6,
        `${field}.options.server_id`,
        '169.254.0.1',
      ],
      [{ cidr: '10.16.0.0/16', options: V4_OPTIONS }, {}, `${field}.identity`, {}],
    ];
    for (const [spec, identity, path, value] of cases) {
      assert.throws(
        () => setDhcpOptions(pair.nb, spec, { identity, field }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${path}: ${String(error)}`);
          assert.equal(error.field, path);
          assert.deepEqual(error.value, value);
          return true;
        },
      );
    }
    assert.throws(() => deleteDhcpOptions(pair.nb, {}), InvalidSpecError);
    assert.deepEqual(await dumpDatabase(pair.client, NB), before);
  });

  test('two rows of one identity are refused, naming both', async () => {
    await pair.ctlOurs('dhcp-options-create', '10.30.0.0/24', 'subnet=dup');
    await pair.ctlOurs('dhcp-options-create', '10.31.0.0/24', 'subnet=dup');
    for (const call of [
      () => findDhcpOptions(pair.nb, { subnet: 'dup' }),
      () =>
        setDhcpOptions(
          pair.nb,
          { cidr: '10.30.0.0/24', options: V4_OPTIONS },
          { identity: { subnet: 'dup' } },
        ),
    ])
      assert.throws(
        call,
        (error: unknown) => error instanceof DuplicateNameError && error.uuids.length === 2,
      );
  });

  test('a new cidr that would overlap another row used on the same switch is refused', async () => {
    await apply(
      setDhcpOptions(pair.nb, { cidr: '10.40.0.0/24', options: V4_OPTIONS }, { identity: { subnet: 'a' } }),
    );
    await apply(
      setDhcpOptions(pair.nb, { cidr: '10.41.0.0/24', options: V4_OPTIONS }, { identity: { subnet: 'b' } }),
    );
    const a = findDhcpOptions(pair.nb, { subnet: 'a' })?._uuid as string;
    const b = findDhcpOptions(pair.nb, { subnet: 'b' })?._uuid as string;
    await pair.ctlOurs(
      'ls-add',
      'sw',
      '--',
      'lsp-add',
      'sw',
      'pa',
      '--',
      'lsp-set-dhcpv4-options',
      'pa',
      a,
      '--',
      'lsp-add',
      'sw',
      'pb',
      '--',
      'lsp-set-dhcpv4-options',
      'pb',
      b,
    );
    assert.throws(
      () =>
        setDhcpOptions(pair.nb, { cidr: '10.40.0.0/16', options: V4_OPTIONS }, { identity: { subnet: 'b' } }),
      (error: unknown) =>
        error instanceof OverlappingDhcpOptionsError &&
        error.field === 'cidr' &&
        error.row.uuid === b &&
        error.other.uuid === a &&
        error.other.port === 'pa' &&
        error.switchName === 'sw',
    );
    // The same cidr on a row used by no port of that switch is not an overlap.
    assert.equal(
      setDhcpOptions(pair.nb, { cidr: '10.41.0.0/16', options: V4_OPTIONS }, { identity: { subnet: 'b' } })
        .length,
      1,
    );
  });

  test('the option tables are the ones northd 23.03 publishes (plus what northd reads itself)', () => {
    // ovn-northd copies its tables into the Southbound DHCP_Options / DHCPv6_Options (checked
    // against a running northd in trace-port-security-dhcp.test.ts); here: the northd-only keys.
    assert.equal(DHCPV4_OPTION_TYPES.server_mac, 'mac');
    assert.equal(DHCPV6_OPTION_TYPES.dhcpv6_stateless, 'bool');
  });
});
