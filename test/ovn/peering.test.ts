import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/ovn-errors.js';
import { parseConnectIP, peerVpc, unpeerVpc } from '../../src/ovn/peering.js';
import { createRouter } from '../../src/ovn/routers.js';
import { addSubnet } from '../../src/ovn/subnets.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { nbPair } from '../helpers/nb-pair.js';

const _run = promisify(execFile);
const NB = 'OVN_Northbound';
const M1 = '0a:00:00:00:00:01';
const M2 = '0a:00:00:00:00:02';
const M3 = '0a:00:00:00:00:03';
const M4 = '0a:00:00:00:00:04';

describe('VPC peering: against ovn-nbctl', { timeout: 20_000 }, () => {
  const pair = nbPair();
  const { nbctl, apply, assertSame } = pair;
  // lrp-add cannot set external_ids: Kube-OVN's marks are added with `set` in the same call.
  const peerPort = (lr: string, remote: string, mac: string, ...networks: string[]) => [
    '--',
    'lrp-add',
    lr,
    `${lr}-${remote}`,
    mac,
    ...networks,
    `peer=${remote}-${lr}`,
    '--',
    'set',
    'Logical_Router_Port',
    `${lr}-${remote}`,
    `external_ids:lr=${lr}`,
    'external_ids:vendor=kube-ovn',
  ];

  // The seed: vpc-1 (10.0.0.0/16) and vpc-2 (172.31.0.0/16), each with one subnet; vpc-3 empty;
  // vpc-4 has a subnet inside vpc-1's.
  before(async () => {
    const subnets = [
      ['vpc-1', 'net1', '10.0.0.0/16', '10.0.0.1/16', '0a:00:00:00:10:01'],
      ['vpc-2', 'net2', '172.31.0.0/16', '172.31.0.1/16', '0a:00:00:00:10:02'],
      ['vpc-4', 'net4', '10.0.1.0/24', '10.0.1.1/24', '0a:00:00:00:10:04'],
    ] as const;
    for (const vpc of ['vpc-1', 'vpc-2', 'vpc-3', 'vpc-4']) {
      await apply(createRouter(pair.nb, { name: vpc, hasPeerings: true }));
      await nbctl(
        'lr-add',
        vpc,
        '--',
        'set',
        'Logical_Router',
        vpc,
        'options:mac_binding_age_threshold=300',
        'options:dynamic_neigh_routers=true',
        'external_ids:vendor=kube-ovn',
      );
    }
    for (const [vpc, name, cidrBlock, network, mac] of subnets) {
      await apply(addSubnet(pair.nb, { name, vpc, cidrBlock, mac }));
      await nbctl(
        'ls-add',
        name,
        '--',
        'set',
        'Logical_Switch',
        name,
        `other_config:subnet="${cidrBlock}"`,
        'external_ids:vendor=kube-ovn',
        '--',
        'lrp-add',
        vpc,
        `${vpc}-${name}`,
        mac,
        network,
        '--',
        'set',
        'Logical_Router_Port',
        `${vpc}-${name}`,
        `external_ids:lr=${vpc}`,
        'external_ids:vendor=kube-ovn',
        '--',
        'lsp-add',
        name,
        `${name}-${vpc}`,
        '--',
        'lsp-set-type',
        `${name}-${vpc}`,
        'router',
        '--',
        'lsp-set-addresses',
        `${name}-${vpc}`,
        'router',
        '--',
        'lsp-set-options',
        `${name}-${vpc}`,
        `router-port=${vpc}-${name}`,
        '--',
        'set',
        'Logical_Switch_Port',
        `${name}-${vpc}`,
        `external_ids:ls=${name}`,
        'external_ids:vendor=kube-ovn',
      );
    }
    await assertSame();
  });

  test('both sides in one call, then idempotent', async () => {
    const spec = { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30', mac: M1 };
    const both = { bothSides: { remoteConnectIP: '169.254.0.2/30', remoteMac: M2 } };
    await apply(peerVpc(pair.nb, spec, both));
    await nbctl(
      ...peerPort('vpc-1', 'vpc-2', M1, '169.254.0.1/30').slice(1),
      ...peerPort('vpc-2', 'vpc-1', M2, '169.254.0.2/30'),
    );
    await assertSame();
    const before = await dumpDatabase(pair.client, NB);
    // The same spec again, even with other (random) MACs: nothing to write.
    assert.deepEqual(peerVpc(pair.nb, spec, both), []);
    assert.deepEqual(
      peerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' }),
      [],
    );
    await apply(peerVpc(pair.nb, spec, both));
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });

  test('a new link updates only the networks', async () => {
    await apply(
      peerVpc(
        pair.nb,
        { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.5/30', mac: M3 },
        { bothSides: { remoteConnectIP: '169.254.0.6/30' } },
      ),
    );
    await nbctl(
      'set',
      'Logical_Router_Port',
      'vpc-1-vpc-2',
      'networks=169.254.0.5/30',
      '--',
      'set',
      'Logical_Router_Port',
      'vpc-2-vpc-1',
      'networks=169.254.0.6/30',
    );
    await assertSame();
  });

  test('one side at a time, dual stack', async () => {
    await apply(
      peerVpc(pair.nb, {
        vpc: 'vpc-1',
        remoteVpc: 'vpc-3',
        localConnectIP: '169.254.1.1/30,fd00:a9fe::1/126',
        mac: M3,
      }),
    );
    await nbctl(...peerPort('vpc-1', 'vpc-3', M3, '169.254.1.1/30', 'fd00:a9fe::1/126').slice(1));
    await assertSame();
    // The other side must now match the link vpc-1 wrote.
    assert.throws(
      () =>
        peerVpc(pair.nb, {
          vpc: 'vpc-3',
          remoteVpc: 'vpc-1',
          localConnectIP: '169.254.1.6/30,fd00:a9fe::2/126',
        }),
      (e: unknown) =>
        e instanceof InvalidSpecError &&
        e.field === 'spec.vpcPeerings[].localConnectIP' &&
        e.value === '169.254.1.6/30,fd00:a9fe::2/126',
    );
    await apply(
      peerVpc(pair.nb, {
        vpc: 'vpc-3',
        remoteVpc: 'vpc-1',
        localConnectIP: '169.254.1.2/30,fd00:a9fe::2/126',
        mac: M4,
      }),
    );
    await nbctl(...peerPort('vpc-3', 'vpc-1', M4, '169.254.1.2/30', 'fd00:a9fe::2/126').slice(1));
    await assertSame();
  });

  test('unpeer: one side leaves the other dangling, bothSides removes both', async () => {
    await apply(unpeerVpc(pair.nb, { vpc: 'vpc-3', remoteVpc: 'vpc-1' }));
    await nbctl('lrp-del', 'vpc-3-vpc-1');
    await assertSame();
    assert.deepEqual(unpeerVpc(pair.nb, { vpc: 'vpc-3', remoteVpc: 'vpc-1' }, { ifExists: true }), []);
    assert.throws(
      () => unpeerVpc(pair.nb, { vpc: 'vpc-3', remoteVpc: 'vpc-1' }),
      (e: unknown) => e instanceof ObjectNotFoundError && e.table === 'Logical_Router_Port',
    );
    await apply(unpeerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-2' }, { bothSides: true }));
    await nbctl('lrp-del', 'vpc-1-vpc-2', '--', 'lrp-del', 'vpc-2-vpc-1');
    await assertSame();
  });

  test('bad input is refused naming field and value; nothing written', async () => {
    const before = await dumpDatabase(pair.client, NB);
    const remote = (remoteConnectIP: string) => ({ bothSides: { remoteConnectIP } });
    const cases: Array<[() => unknown, string, unknown]> = [
      [
        () => peerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-1', localConnectIP: '169.254.0.1/30' }),
        'spec.vpcPeerings[].remoteVpc',
        'vpc-1',
      ],
      [
        () => peerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1' }),
        'spec.vpcPeerings[].localConnectIP',
        '169.254.0.1',
      ],
      [
        () => peerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.0/30' }),
        'spec.vpcPeerings[].localConnectIP',
        '169.254.0.0/30',
      ],
      [
        () =>
          peerVpc(
            pair.nb,
            { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' },
            remote('169.254.0.9/30'),
          ),
        'bothSides.remoteConnectIP',
        '169.254.0.9/30',
      ],
      [
        () =>
          peerVpc(
            pair.nb,
            { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' },
            remote('169.254.0.1/30'),
          ),
        'bothSides.remoteConnectIP',
        '169.254.0.1/30',
      ],
      [
        () =>
          peerVpc(
            pair.nb,
            { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '169.254.0.1/30' },
            remote('fd00::2/126'),
          ),
        'bothSides.remoteConnectIP',
        'fd00::2/126',
      ],
      // Inside vpc-1's own subnet, then inside the remote's.
      [
        () =>
          peerVpc(
            pair.nb,
            { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '10.0.200.1/30' },
            remote('10.0.200.2/30'),
          ),
        'spec.vpcPeerings[].localConnectIP',
        '10.0.200.1/30',
      ],
      [
        () => peerVpc(pair.nb, { vpc: 'vpc-1', remoteVpc: 'vpc-2', localConnectIP: '172.31.9.1/24' }),
        'spec.vpcPeerings[].localConnectIP',
        '172.31.9.1/24',
      ],
      // vpc-4's 10.0.1.0/24 lies inside vpc-1's 10.0.0.0/16.
      [
        () =>
          peerVpc(
            pair.nb,
            { vpc: 'vpc-1', remoteVpc: 'vpc-4', localConnectIP: '169.254.9.1/30' },
            remote('169.254.9.2/30'),
          ),
        'spec.vpcPeerings[].remoteVpc',
        'vpc-4',
      ],
    ];
    for (const [call, field, value] of cases) {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof InvalidSpecError, String(error));
        assert.deepEqual([error.code, error.field, error.value], ['OVNDB_INVALID_SPEC', field, value]);
        return true;
      });
    }
    assert.throws(
      () =>
        peerVpc(
          pair.nb,
          { vpc: 'vpc-1', remoteVpc: 'nope', localConnectIP: '169.254.0.1/30' },
          remote('169.254.0.2/30'),
        ),
      (e: unknown) =>
        e instanceof ObjectNotFoundError && e.table === 'Logical_Router' && e.rowName === 'nope',
    );
    assert.deepEqual(diffDumps(before, await dumpDatabase(pair.client, NB)), []);
  });
});

describe('VPC peering: connect addresses', { timeout: 20_000 }, () => {
  test('address form kept, one per family', () => {
    assert.deepEqual(
      parseConnectIP('169.254.0.1/30, FD00::1/126', 'f').map((c) => c.addressText),
      ['169.254.0.1/30', 'fd00::1/126'],
    );
    assert.throws(() => parseConnectIP('169.254.0.1/30,169.254.0.5/30', 'f'), InvalidSpecError);
    assert.throws(() => parseConnectIP('169.254.0.1/32', 'f'), InvalidSpecError);
  });
});
