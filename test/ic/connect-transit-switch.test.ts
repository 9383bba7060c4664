/**
 * connectTransitSwitch against ovn-nbctl: the router port with a free transit address, the
 * router-type switch port, and rotated gateway chassis, as `lrp-add`/`lsp-add`/
 * `lrp-set-gateway-chassis` write them; idempotent; typed refusals write nothing. The NB
 * transit switch ovn-ic would create is written by hand here (the two-AZ lab test covers
 * ovn-ic making it).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as sbModel } from '../../src/generated/sb/index.js';
import type { Tables as SbTables } from '../../src/generated/sb/rows.js';
import {
  addressesInUse,
  connectTransitSwitch,
  detectIcPitfalls,
  gatewayChassisNames,
  pickFreeAddress,
  rotateChassis,
  TransitSubnetExhaustedError,
  waitForTransitSwitch,
} from '../../src/ic/index.js';
import { connect, type OvsdbClient, Replica, ReplicaWaitTimeoutError } from '../../src/index.js';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nbPair } from '../helpers/nb-pair.js';
import { joinTransitSwitchWithNbctl } from '../helpers/transit-join-nbctl.js';

const run = promisify(execFile);

/** Numbers in [0, 1) that make pickFreeAddress draw these host offsets of a /24 (offset 0 = .1). */
const draws = (...offsets: number[]) => {
  let i = 0;
  return () => ((offsets[i++ % offsets.length] as number) + 0.5) / 254;
};

describe('transit addresses', () => {
  test('free addresses skip the used ones, the network and the broadcast address', () => {
    const used = addressesInUse([
      '00:00:00:4b:e2:9f 169.254.100.31/24',
      '0a:00:00:00:00:01 169.254.100.1/24 fe80::1/64',
    ]);
    assert.deepEqual([...used], ['169.254.100.31', '169.254.100.1', 'fe80::1']);
    assert.equal(pickFreeAddress('ts', '169.254.100.0/24', used, draws(30, 6)), '169.254.100.7/24');
    // A /30 has two host addresses; with both taken the subnet is exhausted, not looped on.
    const full = addressesInUse(['m 10.0.0.1/30', 'm 10.0.0.2/30']);
    assert.throws(
      () => pickFreeAddress('ts9', '10.0.0.0/30', full),
      (error: unknown) =>
        error instanceof TransitSubnetExhaustedError &&
        error.transitSwitch === 'ts9' &&
        error.subnet === '10.0.0.0/30',
    );
    assert.equal(
      pickFreeAddress('ts', '10.0.0.0/30', addressesInUse(['m 10.0.0.1/30']), () => 0),
      '10.0.0.2/30',
    );
    assert.match(
      pickFreeAddress('ts', 'fe80:a9fe:64::/112', new Set()),
      /^fe80:a9fe:64::[0-9a-f]{1,4}\/112$/,
    );
  });

  test('gateway lists rotate per transit switch', () => {
    assert.deepEqual(rotateChassis(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
    assert.deepEqual(rotateChassis(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
    assert.deepEqual(rotateChassis(['a', 'b', 'c'], 5), ['c', 'a', 'b']);
  });
});

describe('connectTransitSwitch: against ovn-nbctl', { timeout: 30_000 }, () => {
  const pair = nbPair();
  const remotePort = ['00:00:00:4b:e2:9f 169.254.100.31/24'];
  const spec = {
    az: 'az1',
    transitSwitch: 'ts',
    subnet: '169.254.100.0/24',
    gatewayChassis: ['gw-a', 'gw-b'],
    rotation: 1,
    mac: '00:00:00:50:ac:8c',
    random: draws(30, 44),
  };

  before(async () => {
    // What ovn-ic and `ovn-nbctl lr-add` leave on both sides before the AZ connects.
    const setup = [
      ['lr-add', 'ovn-cluster'],
      ['ls-add', 'ts', '--', 'set', 'Logical_Switch', 'ts', 'other_config:interconn-ts=ts'],
      [
        'lsp-add',
        'ts',
        'ts-az2',
        '--',
        'lsp-set-type',
        'ts-az2',
        'remote',
        '--',
        'lsp-set-addresses',
        'ts-az2',
        ...remotePort,
      ],
    ];
    for (const args of setup) {
      await pair.nbctl(...args);
      await run('ovn-nbctl', [`--db=${pair.ours.unix}`, ...args]);
    }
  });

  test('a free address, the two ports and the gateway chassis (rotated), in one transaction', async () => {
    const ops = connectTransitSwitch(pair.nb, spec);
    await pair.apply(ops);
    const lrp = pair.nb.findOne('Logical_Router_Port', 'name', 'az1-ts');
    // The first draw (.31) is the remote AZ's port: the second one is taken.
    assert.deepEqual(lrp?.networks, ['169.254.100.45/24']);
    await joinTransitSwitchWithNbctl(pair, spec.mac, '169.254.100.45/24', ['gw-b', 'gw-a']);
    await pair.assertSame();
  });

  test('again: nothing; a new rotation only fixes the gateway priorities', async () => {
    assert.deepEqual(connectTransitSwitch(pair.nb, spec), []);
    await pair.apply(connectTransitSwitch(pair.nb, { ...spec, rotation: 0 }));
    await pair.nbctl('lrp-set-gateway-chassis', 'az1-ts', 'gw-a', '100');
    await pair.nbctl('lrp-set-gateway-chassis', 'az1-ts', 'gw-b', '99');
    await pair.assertSame();
    assert.deepEqual(pair.nb.findOne('Logical_Router_Port', 'name', 'az1-ts')?.networks, [
      '169.254.100.45/24',
    ]);
  });

  test('bad input is a typed error naming the field; nothing is written', async () => {
    const refuses = (override: object, check: (error: unknown) => boolean) =>
      assert.throws(() => connectTransitSwitch(pair.nb, { ...spec, az: 'az3', ...override }), check);
    refuses({ az: '' }, (e) => e instanceof InvalidSpecError && e.field === 'az');
    refuses({ transitSwitch: 'ts7' }, (e) => e instanceof ObjectNotFoundError && e.rowName === 'ts7');
    refuses({ router: 'vpc-x' }, (e) => e instanceof ObjectNotFoundError && e.rowName === 'vpc-x');
    refuses({ subnet: '169.254.100.0/33' }, (e) => e instanceof InvalidSpecError && e.field === 'subnet');
    refuses(
      { gatewayChassis: ['gw-a', 'gw-a'] },
      (e) => e instanceof InvalidSpecError && e.field === 'gatewayChassis[1]',
    );
    refuses({ networks: '169.254.101.3/24' }, (e) => e instanceof InvalidSpecError && e.field === 'networks');
    refuses({ networks: '169.254.100.0/24' }, (e) => e instanceof InvalidSpecError && e.field === 'networks');
    refuses(
      { subnet: '169.254.100.28/30', usedAddresses: ['m 169.254.100.29/30', 'm 169.254.100.30/30'] },
      (e) => e instanceof TransitSubnetExhaustedError,
    );
    await pair.assertSame();
  });

  test('waitForTransitSwitch: at once when present, after the update that creates it, or a timeout', async () => {
    assert.equal((await waitForTransitSwitch(pair.nb, 'ts')).name, 'ts');
    const waiting = waitForTransitSwitch(pair.nb, 'ts1', { timeoutMs: 5000 });
    await run('ovn-nbctl', [
      `--db=${pair.ours.unix}`,
      'ls-add',
      'ts1',
      '--',
      'set',
      'Logical_Switch',
      'ts1',
      'other_config:interconn-ts=ts1',
    ]);
    assert.equal((await waiting).name, 'ts1');
    const progress: number[] = [];
    await assert.rejects(
      waitForTransitSwitch(pair.nb, 'ts2', {
        timeoutMs: 300,
        progressIntervalMs: 100,
        onProgress: (ms) => progress.push(ms),
      }),
      (error: unknown) => error instanceof ReplicaWaitTimeoutError && error.timeoutMs === 300,
    );
    assert.ok(progress.length >= 1, 'progress was reported while waiting');
  });

  test('a second router of the AZ on the switch is refused (23.03 pitfall), and detected when forced', async () => {
    assert.deepEqual(detectIcPitfalls(pair.nb), []);
    await run('ovn-nbctl', [`--db=${pair.ours.unix}`, 'lr-add', 'lr2']);
    assert.throws(
      () => connectTransitSwitch(pair.nb, { ...spec, az: 'az3', router: 'lr2' }),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field === 'router' && error.value === 'lr2',
    );
    await pair.apply(
      connectTransitSwitch(pair.nb, { ...spec, az: 'az3', router: 'lr2', allowSeveralRouters: true }),
    );
    assert.deepEqual(detectIcPitfalls(pair.nb), [
      { kind: 'several-routers-on-transit-switch', transitSwitch: 'ts', routers: ['lr2', 'ovn-cluster'] },
    ]);
  });
});

describe('gatewayChassisNames', { timeout: 20_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let sb: Replica<SbTables>;
  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('sb')] });
    for (const [name, host, ip] of [
      ['c1', 'az1-gw', '192.168.42.145'],
      ['c2', 'az1-gw2', '192.168.42.146'],
    ] as const) {
      await run('ovn-sbctl', [
        `--db=${server.unix}`,
        'chassis-add',
        name,
        'geneve',
        ip,
        '--',
        'set',
        'Chassis',
        name,
        `hostname=${host}`,
      ]);
    }
    client = await connect(server.unix);
    sb = await Replica.start(client, sbModel, { tables: { Chassis: true } });
  });
  after(async () => {
    await sb?.close();
    await client?.close();
    await server?.stop();
  });

  test('gw-nodes hostnames to chassis names, in order; an unknown host is named', () => {
    assert.deepEqual(gatewayChassisNames(sb, ['az1-gw2', 'az1-gw']), ['c2', 'c1']);
    assert.throws(
      () => gatewayChassisNames(sb, ['az1-gw', 'nope']),
      (error: unknown) => error instanceof ObjectNotFoundError && error.rowName === 'nope',
    );
  });
});
