import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findDhcpOptions, OverlappingDhcpOptionsError, setDhcpOptions } from '../../src/ovn/dhcp-options.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { deleteSwitchPort, type LogicalSwitchPortSpec, setSwitchPort } from '../../src/ovn/switch-ports.js';
import { dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const NB = 'OVN_Northbound';
const V4 = { subnet: 'net1', protocol: 'IPv4' };
const V4_OPTIONS = {
  lease_time: '3600',
  router: '10.0.1.1',
  server_id: '169.254.0.254',
  server_mac: '0a:00:00:2e:2f:b8',
};
const MAC1 = '0a:00:00:00:01:05';

describe('switch ports: against ovn-nbctl', { timeout: 25_000 }, () => {
  const pair = nbPair([
    'ls-add',
    'net1',
    '--',
    'set',
    'Logical_Switch',
    'net1',
    'other_config:subnet="10.0.1.0/24"',
    '--',
    'ls-add',
    'net2',
  ]);
  const { nbctl, apply, assertSame } = pair;
  const ids = (port: string, ls = 'net1', extra: string[] = []) => [
    '--',
    'set',
    'Logical_Switch_Port',
    port,
    `external_ids:ls=${ls}`,
    'external_ids:vendor=kube-ovn',
    ...extra,
  ];
  const theirDhcp = (subnet: string) =>
    nbctl('--bare', '--columns=_uuid', 'find', 'DHCP_Options', `external_ids:subnet=${subnet}`);

  test('lsp-add with addresses, port security and DHCPv4 options', async () => {
    await apply(setDhcpOptions(pair.nb, { cidr: '10.0.1.0/24', options: V4_OPTIONS }, { identity: V4 }));
    await nbctl('dhcp-options-create', '10.0.1.0/24', 'subnet=net1', 'protocol=IPv4', 'vendor=kube-ovn');
    const dhcp = await theirDhcp('net1');
    await nbctl('dhcp-options-set-options', dhcp, ...Object.entries(V4_OPTIONS).map(([k, v]) => `${k}=${v}`));
    const spec: LogicalSwitchPortSpec = {
      switch: 'net1',
      name: 'pod1',
      addresses: [`${MAC1.toUpperCase()} 10.0.1.5`],
      portSecurity: [`${MAC1} 10.0.1.5`],
      dhcpv4Options: V4,
      externalIds: { pod: 'default/pod1' },
    };
    await apply(setSwitchPort(pair.nb, spec));
    await nbctl(
      'lsp-add',
      'net1',
      'pod1',
      '--',
      'lsp-set-addresses',
      'pod1',
      `${MAC1} 10.0.1.5`,
      '--',
      'lsp-set-port-security',
      'pod1',
      `${MAC1} 10.0.1.5`,
      '--',
      'lsp-set-dhcpv4-options',
      'pod1',
      dhcp,
      ...ids('pod1', 'net1', ['external_ids:pod=default/pod1']),
    );
    await assertSame();
    assert.deepEqual(setSwitchPort(pair.nb, spec), []);
  });

  test('a container port (parent and tag), the address forms, types, options, enabled', async () => {
    const specs: LogicalSwitchPortSpec[] = [
      { switch: 'net1', name: 'c1', parentName: 'pod1', tagRequest: 10 },
      { switch: 'net1', name: 'dyn', addresses: ['dynamic'] },
      { switch: 'net1', name: 'dyn-mac', addresses: ['0a:00:00:00:01:06 dynamic'] },
      { switch: 'net1', name: 'dyn-ip', addresses: ['dynamic 10.0.1.7 fd00::7'] },
      { switch: 'net1', name: 'unk', addresses: ['0a:00:00:00:01:08 10.0.1.8', 'unknown'], enabled: false },
      {
        switch: 'net1',
        name: 'net1-vpc',
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': 'vpc-net1' },
      },
      {
        switch: 'net2',
        name: 'ln-net2',
        type: 'localnet',
        addresses: ['unknown'],
        options: { network_name: 'provider' },
        tagRequest: 100,
      },
    ];
    for (const spec of specs) await apply(setSwitchPort(pair.nb, spec));
    await nbctl(
      'lsp-add',
      'net1',
      'c1',
      'pod1',
      '10',
      ...ids('c1'),
      '--',
      'lsp-add',
      'net1',
      'dyn',
      '--',
      'lsp-set-addresses',
      'dyn',
      'dynamic',
      ...ids('dyn'),
      '--',
      'lsp-add',
      'net1',
      'dyn-mac',
      '--',
      'lsp-set-addresses',
      'dyn-mac',
      '0a:00:00:00:01:06 dynamic',
      ...ids('dyn-mac'),
      '--',
      'lsp-add',
      'net1',
      'dyn-ip',
      '--',
      'lsp-set-addresses',
      'dyn-ip',
      'dynamic 10.0.1.7 fd00::7',
      ...ids('dyn-ip'),
      '--',
      'lsp-add',
      'net1',
      'unk',
      '--',
      'lsp-set-addresses',
      'unk',
      '0a:00:00:00:01:08 10.0.1.8',
      'unknown',
      '--',
      'lsp-set-enabled',
      'unk',
      'disabled',
      ...ids('unk'),
      '--',
      'lsp-add',
      'net1',
      'net1-vpc',
      '--',
      'lsp-set-type',
      'net1-vpc',
      'router',
      '--',
      'lsp-set-addresses',
      'net1-vpc',
      'router',
      '--',
      'lsp-set-options',
      'net1-vpc',
      'router-port=vpc-net1',
      ...ids('net1-vpc'),
      '--',
      'lsp-add',
      'net2',
      'ln-net2',
      '--',
      'lsp-set-type',
      'ln-net2',
      'localnet',
      '--',
      'lsp-set-addresses',
      'ln-net2',
      'unknown',
      '--',
      'lsp-set-options',
      'ln-net2',
      'network_name=provider',
      '--',
      'set',
      'Logical_Switch_Port',
      'ln-net2',
      'tag_request=100',
      ...ids('ln-net2', 'net2'),
    );
    await assertSame();
    for (const spec of specs) assert.deepEqual(setSwitchPort(pair.nb, spec), [], spec.name);
  });

  test('an existing port is brought to the spec by diff', async () => {
    // One address entry changed in a two-entry column: one mutate, deleting one and inserting one.
    const ops = setSwitchPort(pair.nb, {
      switch: 'net1',
      name: 'unk',
      addresses: ['0a:00:00:00:01:08 10.0.1.9', 'unknown'],
    });
    assert.equal(ops.length, 1);
    assert.equal(ops[0]?.op, 'mutate');
    assert.deepEqual(
      (ops[0] as { mutations: unknown[] }).mutations.map((m) => (m as unknown[]).slice(0, 2)),
      [
        ['addresses', 'delete'],
        ['addresses', 'insert'],
      ],
    );
    await apply(ops);
    await nbctl('lsp-set-addresses', 'unk', '0a:00:00:00:01:08 10.0.1.9', 'unknown');
    // Scalars in one update; the options map key by key; the DHCP reference cleared with {}.
    await apply(
      setSwitchPort(pair.nb, {
        switch: 'net1',
        name: 'unk',
        enabled: true,
        type: 'localport',
        options: { requested_chassis: 'ch1' },
      }),
    );
    await nbctl(
      'lsp-set-enabled',
      'unk',
      'enabled',
      '--',
      'lsp-set-type',
      'unk',
      'localport',
      '--',
      'lsp-set-options',
      'unk',
      'requested_chassis=ch1',
    );
    await apply(
      setSwitchPort(pair.nb, { switch: 'net1', name: 'pod1', dhcpv4Options: {}, portSecurity: [] }),
    );
    await nbctl('lsp-set-dhcpv4-options', 'pod1', '--', 'lsp-set-port-security', 'pod1');
    await assertSame();
    await apply(setSwitchPort(pair.nb, { switch: 'net1', name: 'pod1', dhcpv4Options: V4 }));
    await nbctl('lsp-set-dhcpv4-options', 'pod1', await theirDhcp('net1'));
    await assertSame();
  });

  test('lsp-del and dhcp-options-del', async () => {
    await apply(deleteSwitchPort(pair.nb, 'dyn'));
    await nbctl('lsp-del', 'dyn');
    await assertSame();
    assert.deepEqual(deleteSwitchPort(pair.nb, 'dyn', { ifExists: true }), []);
    assert.throws(() => deleteSwitchPort(pair.nb, 'dyn'), ObjectNotFoundError);
    // Deleting the options clears the port's (weak) reference on both sides.
    await apply([
      {
        op: 'delete',
        table: 'DHCP_Options',
        where: [['_uuid', '==', ['uuid', findDhcpOptions(pair.nb, V4)!._uuid]]],
      },
    ]);
    await nbctl('dhcp-options-del', await theirDhcp('net1'));
    await assertSame();
    assert.equal(pair.nb.findOne('Logical_Switch_Port', 'name', 'pod1')?.dhcpv4_options, undefined);
  });

  test('bad input is refused naming the field and value, nothing written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const base = { switch: 'net1', name: 'bad' };
    const cases: Array<[LogicalSwitchPortSpec, string, unknown]> = [
      [{ ...base, addresses: ['foo'] }, 'spec.addresses[0]', 'foo'],
      [{ ...base, addresses: ['dynamic', 'router 10.0.1.1'] }, 'spec.addresses[1]', 'router 10.0.1.1'],
      [{ ...base, addresses: ['0a:00:00:00:01:99 foo'] }, 'spec.addresses[0]', '0a:00:00:00:01:99 foo'],
      [
        { ...base, addresses: ['0a:00:00:00:01:99 10.0.2.5'] },
        'spec.addresses[0]',
        '0a:00:00:00:01:99 10.0.2.5',
      ],
      [
        { ...base, addresses: ['0a:00:00:00:01:99 10.0.1.5/24'] },
        'spec.addresses[0]',
        '0a:00:00:00:01:99 10.0.1.5/24',
      ],
      [{ ...base, addresses: ['0a:0:0:0:1:99 10.0.1.20'] }, 'spec.addresses[0]', '0a:0:0:0:1:99 10.0.1.20'],
      [
        { ...base, addresses: ['dynamic 10.0.1.20 10.0.1.21'] },
        'spec.addresses[0]',
        'dynamic 10.0.1.20 10.0.1.21',
      ],
      // The address of pod1 (ovn-nbctl: duplicate IPv4 address).
      [
        { ...base, addresses: ['0a:00:00:00:01:99 10.0.1.5'] },
        'spec.addresses[0]',
        '0a:00:00:00:01:99 10.0.1.5',
      ],
      [{ ...base, portSecurity: ['10.0.1.5'] }, 'spec.portSecurity[0]', '10.0.1.5'],
      [
        { ...base, portSecurity: ['0a:00:00:00:01:99 10.0.1.0/33'] },
        'spec.portSecurity[0]',
        '0a:00:00:00:01:99 10.0.1.0/33',
      ],
      [{ ...base, tagRequest: 4096 }, 'spec.tagRequest', 4096],
      [{ ...base, tagRequest: 1.5 }, 'spec.tagRequest', 1.5],
      [{ ...base, type: 'patch' as never }, 'spec.type', 'patch'],
      [{ ...base, options: { a: 1 as never } }, 'spec.options.a', 1],
      [{ ...base, enabled: 'yes' as never }, 'spec.enabled', 'yes'],
      [{ ...base, name: ' bad' }, 'spec.name', ' bad'],
    ];
    for (const [spec, path, value] of cases) {
      assert.throws(
        () => setSwitchPort(pair.nb, spec, { field: 'spec' }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${path}: ${String(error)}`);
          assert.equal(error.field, path);
          assert.deepEqual(error.value, value);
          return true;
        },
      );
    }
    assert.throws(() => setSwitchPort(pair.nb, { ...base, switch: 'nope' }), ObjectNotFoundError);
    assert.throws(
      () => setSwitchPort(pair.nb, { ...base, dhcpv4Options: { subnet: 'nope' } }),
      ObjectNotFoundError,
    );
    // A port of that name on another switch.
    assert.throws(() => setSwitchPort(pair.nb, { switch: 'net2', name: 'pod1' }), ObjectExistsError);
    assert.deepEqual(await dumpDatabase(pair.client, NB), before);
  });

  test('two overlapping DHCP_Options rows on one switch are refused, naming both', async () => {
    await apply(setDhcpOptions(pair.nb, { cidr: '10.0.1.0/24', options: V4_OPTIONS }, { identity: V4 }));
    await apply(
      setDhcpOptions(
        pair.nb,
        { cidr: '10.0.1.0/25', options: V4_OPTIONS },
        { identity: { subnet: 'other' } },
      ),
    );
    await apply(setSwitchPort(pair.nb, { switch: 'net1', name: 'pod1', dhcpv4Options: V4 }));
    const v6 = { server_id: '0a:00:00:2e:2f:b9' };
    await apply(setDhcpOptions(pair.nb, { cidr: 'fd00::/64', options: v6 }, { identity: { subnet: 'v6' } }));
    const before = await dumpDatabase(pair.client, NB);
    assert.throws(
      () => setSwitchPort(pair.nb, { switch: 'net1', name: 'unk', dhcpv4Options: { subnet: 'other' } }),
      (error: unknown) =>
        error instanceof OverlappingDhcpOptionsError &&
        error.field === 'dhcpv4Options' &&
        error.row.cidr === '10.0.1.0/25' &&
        error.other.cidr === '10.0.1.0/24' &&
        error.other.port === 'pod1' &&
        error.switchName === 'net1',
    );
    // The IPv6 row in the DHCPv4 column is refused too.
    assert.throws(
      () => setSwitchPort(pair.nb, { switch: 'net1', name: 'unk', dhcpv4Options: { subnet: 'v6' } }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'dhcpv4Options',
    );
    assert.deepEqual(await dumpDatabase(pair.client, NB), before);
    // On another switch the same row is fine, and so is the port that already holds the reference.
    assert.equal(
      setSwitchPort(pair.nb, { switch: 'net2', name: 'p2', dhcpv4Options: { subnet: 'other' } }).length,
      2,
    );
    assert.deepEqual(setSwitchPort(pair.nb, { switch: 'net1', name: 'pod1', dhcpv4Options: V4 }), []);
  });
});
