import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { createRouter } from '../../src/ovn/routers.js';
import {
  addSubnet,
  addSwitchPort,
  deleteSubnet,
  excludeIpsOption,
  parseCidrBlock,
  subnetGateways,
} from '../../src/ovn/subnets.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';
const MAC1 = '0a:00:00:00:01:01';
const MAC2 = '0a:00:00:00:01:02';

describe('subnets: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;
  // What Kube-OVN adds that ovn-nbctl's port commands cannot express is set with `set`.
  const lrpIds = (lrp: string, lr: string) => [
    '--',
    'set',
    'Logical_Router_Port',
    lrp,
    `external_ids:lr=${lr}`,
    'external_ids:vendor=kube-ovn',
  ];
  const lspIds = (lsp: string, ls: string) => [
    '--',
    'set',
    'Logical_Switch_Port',
    lsp,
    `external_ids:ls=${ls}`,
    'external_ids:vendor=kube-ovn',
  ];
  const patchPort = (ls: string, lr: string) => [
    '--',
    'lsp-add',
    ls,
    `${ls}-${lr}`,
    '--',
    'lsp-set-type',
    `${ls}-${lr}`,
    'router',
    '--',
    'lsp-set-addresses',
    `${ls}-${lr}`,
    'router',
    '--',
    'lsp-set-options',
    `${ls}-${lr}`,
    `router-port=${lr}-${ls}`,
    ...lspIds(`${ls}-${lr}`, ls),
  ];

  test('a subnet with gateway, excludeIps and a route table', async () => {
    await apply(createRouter(pair.nb, { name: 'vpc-1' }));
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
    );
    await apply(
      addSubnet(pair.nb, {
        name: 'net1',
        vpc: 'vpc-1',
        cidrBlock: '10.0.1.0/24',
        gateway: '10.0.1.254',
        excludeIps: ['10.0.1.2', '10.0.1.10..10.0.1.20'],
        routeTable: 'rtb1',
        mac: MAC1,
      }),
    );
    await nbctl(
      'ls-add',
      'net1',
      '--',
      'set',
      'Logical_Switch',
      'net1',
      'other_config:subnet="10.0.1.0/24"',
      'other_config:exclude_ips="10.0.1.2 10.0.1.10..10.0.1.20"',
      'external_ids:vendor=kube-ovn',
      '--',
      'lrp-add',
      'vpc-1',
      'vpc-1-net1',
      MAC1,
      '10.0.1.254/24',
      ...lrpIds('vpc-1-net1', 'vpc-1'),
      'options:route_table=rtb1',
      ...patchPort('net1', 'vpc-1'),
    );
    await assertSame();
    // mayExist with the same spec: nothing to do.
    assert.deepEqual(
      addSubnet(
        pair.nb,
        {
          name: 'net1',
          vpc: 'vpc-1',
          cidrBlock: '10.0.1.0/24',
          gateway: '10.0.1.254',
          excludeIps: ['10.0.1.2', '10.0.1.10..10.0.1.20'],
          routeTable: 'rtb1',
        },
        { mayExist: true },
      ),
      [],
    );
  });

  test('dual stack with the default gateway, a fixed-address port, mayExist update', async () => {
    await apply(
      addSubnet(pair.nb, { name: 'net2', vpc: 'vpc-1', cidrBlock: '10.0.2.0/24,fd00:2::/64', mac: MAC2 }),
    );
    await nbctl(
      'ls-add',
      'net2',
      '--',
      'set',
      'Logical_Switch',
      'net2',
      'other_config:subnet="10.0.2.0/24"',
      'other_config:ipv6_prefix="fd00:2::"',
      'external_ids:vendor=kube-ovn',
      '--',
      'lrp-add',
      'vpc-1',
      'vpc-1-net2',
      MAC2,
      '10.0.2.1/24',
      'fd00:2::1/64',
      ...lrpIds('vpc-1-net2', 'vpc-1'),
      ...patchPort('net2', 'vpc-1'),
    );
    await assertSame();

    await apply(
      addSwitchPort(pair.nb, { switch: 'net2', name: 'gw-lan', mac: '0A:00:00:AA:BB:CC', ips: '10.0.2.254' }),
    );
    await nbctl(
      'lsp-add',
      'net2',
      'gw-lan',
      '--',
      'lsp-set-addresses',
      'gw-lan',
      '0a:00:00:aa:bb:cc 10.0.2.254',
      ...lspIds('gw-lan', 'net2'),
    );
    await assertSame();
    assert.deepEqual(
      addSwitchPort(
        pair.nb,
        { switch: 'net2', name: 'gw-lan', mac: '0a:00:00:aa:bb:cc', ips: ['10.0.2.254'] },
        { mayExist: true },
      ),
      [],
    );
    assert.throws(
      () =>
        addSwitchPort(pair.nb, {
          switch: 'net2',
          name: 'gw-lan',
          mac: '0a:00:00:aa:bb:cc',
          ips: '10.0.2.254',
        }),
      ObjectExistsError,
    );

    // The route table and exclusions change in place: the MAC stays.
    await apply(
      addSubnet(
        pair.nb,
        {
          name: 'net2',
          vpc: 'vpc-1',
          cidrBlock: '10.0.2.0/24,fd00:2::/64',
          excludeIps: ['10.0.2.5'],
          routeTable: 'rtb2',
        },
        { mayExist: true },
      ),
    );
    await nbctl(
      'set',
      'Logical_Switch',
      'net2',
      'other_config:exclude_ips="10.0.2.5"',
      '--',
      'set',
      'Logical_Router_Port',
      'vpc-1-net2',
      'options:route_table=rtb2',
    );
    await assertSame();
  });

  test('deleteSubnet removes the switch and the router port', async () => {
    await apply(deleteSubnet(pair.nb, 'net1'));
    await nbctl('ls-del', 'net1', '--', 'lrp-del', 'vpc-1-net1');
    await assertSame();
    assert.deepEqual(deleteSubnet(pair.nb, 'net1', { ifExists: true }), []);
    assert.throws(() => deleteSubnet(pair.nb, 'net1'), ObjectNotFoundError);
  });

  test('bad input is refused naming the field and value, nothing written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const cases: Array<[Parameters<typeof addSubnet>[1], string, unknown]> = [
      [{ name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0' }, 'spec.cidrBlock', '10.9.0.0'],
      [{ name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/33' }, 'spec.cidrBlock', '10.9.0.0/33'],
      [{ name: 'x', vpc: 'vpc-1', cidrBlock: 'ten/8' }, 'spec.cidrBlock', 'ten/8'],
      [
        { name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24,10.8.0.0/24' },
        'spec.cidrBlock',
        '10.9.0.0/24,10.8.0.0/24',
      ],
      [
        { name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24', gateway: '10.8.0.1' },
        'spec.gateway',
        '10.8.0.1',
      ],
      [{ name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24', gateway: 'fd00::1' }, 'spec.gateway', 'fd00::1'],
      [
        { name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24', gateway: '10.9.0.0' },
        'spec.gateway',
        '10.9.0.0',
      ],
      [
        { name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24', excludeIps: ['10.9.0.300'] },
        'spec.excludeIps[0]',
        '10.9.0.300',
      ],
      [
        {
          name: 'x',
          vpc: 'vpc-1',
          cidrBlock: '10.9.0.0/24',
          excludeIps: ['10.9.0.2', '10.9.0.20..10.9.0.10'],
        },
        'spec.excludeIps[1]',
        '10.9.0.20..10.9.0.10',
      ],
      [
        { name: 'x', vpc: 'vpc-1', cidrBlock: '10.9.0.0/24', excludeIps: ['10.8.0.2'] },
        'spec.excludeIps[0]',
        '10.8.0.2',
      ],
      // Overlaps net2 of vpc-1.
      [{ name: 'x', vpc: 'vpc-1', cidrBlock: '10.0.0.0/16' }, 'spec.cidrBlock', '10.0.0.0/16'],
    ];
    for (const [spec, field, value] of cases) {
      assert.throws(
        () => addSubnet(pair.nb, spec),
        (error: unknown) => {
          assert.ok(error instanceof InvalidSpecError, `${JSON.stringify(spec)}: ${String(error)}`);
          assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
          return true;
        },
      );
    }
    assert.throws(
      () => addSubnet(pair.nb, { name: 'x', vpc: 'nope', cidrBlock: '10.9.0.0/24' }),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Router',
    );
    assert.throws(
      () => addSubnet(pair.nb, { name: 'net2', vpc: 'vpc-1', cidrBlock: '10.0.2.0/24' }),
      (e: unknown) => e instanceof ObjectExistsError && e.table === 'Logical_Switch',
    );
    assert.throws(
      () => addSwitchPort(pair.nb, { switch: 'net2', name: 'p', mac: 'zz', ips: '10.0.2.9' }),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'mac',
    );
    assert.throws(
      () => addSwitchPort(pair.nb, { switch: 'net2', name: 'p', mac: MAC1, ips: '10.0.3.9' }),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'ips' && e.value === '10.0.3.9',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});

describe('subnets: parsing', { timeout: 20_000 }, () => {
  test('blocks are networks, default gateways the first address, exclusions IPv4 only', () => {
    const blocks = parseCidrBlock('10.0.1.7/24, fd00:2::/64');
    assert.deepEqual(
      blocks.map((b) => b.networkText),
      ['10.0.1.0/24', 'fd00:2::/64'],
    );
    assert.deepEqual(subnetGateways(blocks, undefined), ['10.0.1.1', 'fd00:2::1']);
    assert.deepEqual(subnetGateways(blocks, 'fd00:2::fe'), ['10.0.1.1', 'fd00:2::fe']);
    assert.equal(
      excludeIpsOption(blocks, ['10.0.1.2', 'fd00:2::5', '10.0.1.3..10.0.1.4']),
      '10.0.1.2 10.0.1.3..10.0.1.4',
    );
    assert.equal(excludeIpsOption(blocks, ['fd00:2::5']), undefined);
    assert.throws(
      () => subnetGateways(parseCidrBlock('10.0.0.1/32'), undefined),
      (e: unknown) => e instanceof InvalidSpecError && e.field === 'spec.cidrBlock',
    );
  });
});
