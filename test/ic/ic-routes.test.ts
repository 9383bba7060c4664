/**
 * Route helpers of OVN-IC on hand-made state (the two-AZ lab test covers ovn-ic making it):
 * learned routes listed with normalized prefixes; the guide's manual route, route conflicts
 * and the 29500 allow policies against ovn-nbctl; the reset planners leave nothing of the AZ.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { model as icSbModel } from '../../src/generated/ic-sb/index.js';
import type { Tables as IcSbTables } from '../../src/generated/ic-sb/rows.js';
import { model as nbModel } from '../../src/generated/nb/index.js';
import {
  addManualIcRoute,
  advertisedRoutes,
  detectIcPitfalls,
  icAllowMatch,
  icStatus,
  learnedRouteChanges,
  learnedRoutes,
  planIcSbReset,
  planLearnedRouteCleanup,
  planNbReset,
  remoteTransitPorts,
  resolveRouteConflicts,
  syncIcAllowPolicies,
} from '../../src/ic/index.js';
import {
  connect,
  OperationAddedTwiceError,
  type OvsdbClient,
  op,
  Replica,
  runTransaction,
} from '../../src/index.js';
import { InvalidSpecError, ObjectNotFoundError } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nbPair } from '../helpers/nb-pair.js';

const run = promisify(execFile);
const LEARNED_FROM = '11111111-2222-3333-4444-555555555555';

/** ovn-nbctl arguments making a route as ovn-ic learns it (host bits kept, origin, ic-learned-route). */
const learnedRouteArgs = (prefix: string, nexthop: string, origin: string) => [
  '--id=@r',
  'create',
  'Logical_Router_Static_Route',
  `ip_prefix="${prefix}"`,
  `nexthop="${nexthop}"`,
  `options:origin=${origin}`,
  `external_ids:ic-learned-route=${LEARNED_FROM}`,
  '--',
  'add',
  'Logical_Router',
  'ovn-cluster',
  'static_routes',
  '@r',
];

describe('OVN-IC routes in the Northbound database: against ovn-nbctl', { timeout: 30_000 }, () => {
  const pair = nbPair();
  // State ovn-ic would make, written the same way on both sides.
  const both = async (...args: string[]) => {
    await pair.nbctl(...args);
    await run('ovn-nbctl', [`--db=${pair.ours.unix}`, ...args]);
  };
  const uuidOf = (table: string, condition: string) =>
    pair.nbctl('--bare', '--columns=_uuid', 'find', table, condition);

  before(async () => {
    await both('lr-add', 'ovn-cluster');
    await both('lrp-add', 'ovn-cluster', 'ovn-cluster-join', '0a:00:00:00:00:01', '10.16.0.1/16');
    await both('lrp-add', 'ovn-cluster', 'az1-ts', '0a:00:00:00:00:02', '169.254.100.79/24');
    await both('ls-add', 'ts', '--', 'set', 'Logical_Switch', 'ts', 'other_config:interconn-ts=ts');
    await both(
      'lsp-add',
      'ts',
      'ts-az1',
      '--',
      'lsp-set-type',
      'ts-az1',
      'router',
      '--',
      'lsp-set-options',
      'ts-az1',
      'router-port=az1-ts',
    );
    await both(
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
      '00:00:00:4B:E2:9F 169.254.100.31/24',
    );
    await both(...learnedRouteArgs('10.17.0.1/24', '169.254.100.31', 'connected'));
    await both(...learnedRouteArgs('192.168.2.0/24', '169.254.100.31', 'static'));
    await both(...learnedRouteArgs('10.16.5.0/24', '169.254.100.31', 'static'));
  });

  test('learned routes: typed, prefixes normalized, stored text kept', () => {
    assert.deepEqual(
      learnedRoutes(pair.nb).map((r) => [r.router, r.prefix, r.storedPrefix, r.nexthop, r.origin, r.icRoute]),
      [
        ['ovn-cluster', '10.16.5.0/24', '10.16.5.0/24', '169.254.100.31', 'static', LEARNED_FROM],
        ['ovn-cluster', '10.17.0.0/24', '10.17.0.1/24', '169.254.100.31', 'connected', LEARNED_FROM],
        ['ovn-cluster', '192.168.2.0/24', '192.168.2.0/24', '169.254.100.31', 'static', LEARNED_FROM],
      ],
    );
  });

  test("the guide's manual route: the remote AZ's address on the transit switch", async () => {
    assert.deepEqual(remoteTransitPorts(pair.nb, 'ts'), [
      { port: 'ts-az2', az: 'az2', transitSwitch: 'ts', mac: '00:00:00:4B:E2:9F', ips: ['169.254.100.31'] },
    ]);
    await pair.apply(addManualIcRoute(pair.nb, { cidr: '10.18.0.0/24', remoteAz: 'az2' }));
    await pair.nbctl('--policy=dst-ip', 'lr-route-add', 'ovn-cluster', '10.18.0.0/24', '169.254.100.31');
    const route = await uuidOf('Logical_Router_Static_Route', 'ip_prefix="10.18.0.0/24"');
    await pair.nbctl('set', 'Logical_Router_Static_Route', route, 'external_ids:vendor=kube-ovn');
    await pair.assertSame();
    assert.throws(
      () => addManualIcRoute(pair.nb, { cidr: '10.19.0.0/24', remoteAz: 'az9' }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.rowName === 'ts-az9',
    );
    assert.throws(
      () => addManualIcRoute(pair.nb, { cidr: 'fd00:19::/64', remoteAz: 'az2' }),
      (error: unknown) => error instanceof InvalidSpecError && error.field === 'remoteAz',
    );
    assert.throws(
      () => addManualIcRoute(pair.nb, { cidr: '10.19.0.0/24', remoteAz: 'az2', transitSwitch: 'ts5' }),
      ObjectNotFoundError,
    );
  });

  test('allow policies at 29500 for the learned routes, prefixes without host bits', async () => {
    assert.equal(icAllowMatch('10.17.0.1/24'), 'ip4.dst == 10.17.0.0/24');
    await pair.apply(syncIcAllowPolicies(pair.nb));
    for (const [prefix, origin] of [
      ['10.16.5.0/24', 'static'],
      ['10.17.0.0/24', 'connected'],
      ['192.168.2.0/24', 'static'],
    ]) {
      await pair.nbctl('lr-policy-add', 'ovn-cluster', '29500', `ip4.dst == ${prefix}`, 'allow');
      const uuid = await uuidOf('Logical_Router_Policy', `match="ip4.dst == ${prefix}"`);
      await pair.nbctl(
        'set',
        'Logical_Router_Policy',
        uuid,
        `external_ids:origin=${origin}`,
        'external_ids:vendor=kube-ovn',
      );
    }
    await pair.assertSame();
    assert.deepEqual(syncIcAllowPolicies(pair.nb), [], 'in step');
  });

  test('a learned route overlapping a local subnet: removed, blacklisted and its allow policy gone, in one transaction', async () => {
    assert.deepEqual(
      resolveRouteConflicts(pair.nb).conflicts,
      ['10.16.5.0/24'],
      'inside 10.16.0.0/16 of ovn-cluster-join; the transit port is left out',
    );
    // Planned on the replica, the allow policies cannot see the route go: nothing to change.
    assert.deepEqual(syncIcAllowPolicies(pair.nb), []);
    const outcome = await runTransaction(
      pair.client,
      nbModel,
      (txn) => {
        const resolved = resolveRouteConflicts(txn);
        assert.throws(() => txn.add(resolved.operations), OperationAddedTwiceError);
        // Kube-OVN's next step, in the same transaction: it sees the route gone.
        assert.equal(syncIcAllowPolicies(txn).length, 1);
        assert.deepEqual(syncIcAllowPolicies(txn), [], 'in step with the transaction');
        return resolved.conflicts;
      },
      { replica: pair.replica },
    );
    assert.deepEqual(outcome.value, ['10.16.5.0/24']);
    await pair.nbctl('lr-route-del', 'ovn-cluster', '10.16.5.0/24');
    await pair.nbctl('set', 'NB_Global', '.', 'options:ic-route-blacklist="10.16.5.0/24"');
    await pair.nbctl('lr-policy-del', 'ovn-cluster', '29500', 'ip4.dst == 10.16.5.0/24');
    await pair.assertSame();
    assert.deepEqual(resolveRouteConflicts(pair.nb).operations, []);
    assert.deepEqual(syncIcAllowPolicies(pair.nb), []);
  });

  test('learned route cleanup and the Northbound reset leave nothing of OVN-IC', async () => {
    const stream = learnedRouteChanges(pair.nb);
    const initial = [await stream.next(), await stream.next()].map((r) => r.value?.route.prefix);
    assert.deepEqual(initial, ['10.17.0.0/24', '192.168.2.0/24']);
    await pair.apply(planLearnedRouteCleanup(pair.nb));
    const withdrawn = [await stream.next(), await stream.next()].map((r) => [
      r.value?.kind,
      r.value?.route.router,
    ]);
    assert.deepEqual(withdrawn, [
      ['withdrawn', 'ovn-cluster'],
      ['withdrawn', 'ovn-cluster'],
    ]);
    await stream.return(undefined);
    // The mirror of the cleanup on theirs, then one learned route again on both for the reset.
    await pair.nbctl('lr-route-del', 'ovn-cluster', '10.17.0.0/24');
    await pair.nbctl('lr-route-del', 'ovn-cluster', '192.168.2.0/24');
    await pair.assertSame();
    await both(...learnedRouteArgs('10.17.0.1/24', '169.254.100.31', 'connected'));
    await pair.nbctl('set', 'NB_Global', '.', 'name=az1', 'options:ic-route-adv=true');
    await pair.client.transact('OVN_Northbound', [
      {
        op: 'mutate',
        table: 'NB_Global',
        where: [],
        mutations: [['options', 'insert', ['map', [['ic-route-adv', 'true']]]]],
      },
      { op: 'update', table: 'NB_Global', where: [], row: { name: 'az1' } },
    ]);
    const plan = planNbReset(pair.nb, 'az1', ['ts', 'ts1']);
    assert.deepEqual(
      [plan.switches, plan.routerPorts, plan.learnedRoutes, plan.globalCleared],
      [['ts'], ['az1-ts'], 1, true],
    );
    await pair.apply(plan.operations);
    await pair.nbctl('set', 'NB_Global', '.', 'name=""');
    await pair.nbctl('remove', 'NB_Global', '.', 'options', 'ic-route-adv', 'ic-route-blacklist');
    await pair.nbctl(
      'ls-del',
      'ts',
      '--',
      'lrp-del',
      'az1-ts',
      '--',
      'lr-route-del',
      'ovn-cluster',
      '10.17.0.0/24',
    );
    await pair.assertSame();
    assert.deepEqual(planNbReset(pair.nb, 'az1', ['ts']).operations, [], 'a second reset sends nothing');
    // A learned route with no transit port left: 23.03 leaves such routes behind.
    await run('ovn-nbctl', [
      `--db=${pair.ours.unix}`,
      ...learnedRouteArgs('10.20.0.0/24', '169.254.100.31', 'static'),
    ]);
    assert.deepEqual(detectIcPitfalls(pair.nb), [{ kind: 'stale-learned-routes', routes: 1 }]);
    // The cleanup planned in a transaction: the pitfall is gone from its view.
    await runTransaction(
      pair.client,
      nbModel,
      (txn) => {
        assert.equal(planLearnedRouteCleanup(txn).length, 1);
        assert.deepEqual(detectIcPitfalls(txn), []);
      },
      { replica: pair.replica, dryRun: true },
    );
  });
});

describe('OVN-IC routes in IC-SB, and the IC-SB reset', { timeout: 20_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let icSb: Replica<IcSbTables>;
  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('ic-sb')] });
    client = await connect(server.unix);
    icSb = await Replica.start(client, icSbModel);
    const route = (az: string, prefix: string, origin: string) =>
      op.insert('Route', {
        transit_switch: 'ts',
        availability_zone: ['named-uuid', az],
        route_table: '',
        ip_prefix: prefix,
        nexthop: az === 'az1' ? '169.254.100.79' : '169.254.100.31',
        origin,
      });
    await client.transact('OVN_IC_Southbound', [
      op.insert('Availability_Zone', { name: 'az1' }, { uuidName: 'az1' }),
      op.insert('Availability_Zone', { name: 'az2' }, { uuidName: 'az2' }),
      op.insert('Encap', { type: 'geneve', ip: '192.168.42.145', gateway_name: 'gw1' }, { uuidName: 'e1' }),
      op.insert('Gateway', {
        name: 'gw1',
        availability_zone: ['named-uuid', 'az1'],
        hostname: 'az1-gw',
        encaps: ['named-uuid', 'e1'],
      }),
      op.insert('Port_Binding', {
        logical_port: 'ts-az1',
        transit_switch: 'ts',
        availability_zone: ['named-uuid', 'az1'],
        tunnel_key: 1,
        gateway: 'gw1',
        address: '0a:00:00:00:00:02 169.254.100.79/24',
      }),
      op.insert('Port_Binding', {
        logical_port: 'ts-az2',
        transit_switch: 'ts',
        availability_zone: ['named-uuid', 'az2'],
        tunnel_key: 2,
        gateway: '',
        address: '00:00:00:4b:e2:9f 169.254.100.31/24',
      }),
      route('az1', '10.16.0.1/16', 'connected'),
      route('az1', '192.168.1.0/24', 'static'),
      route('az2', '10.17.0.1/24', 'connected'),
    ]);
  });
  after(async () => {
    await icSb?.close();
    await client?.close();
    await server?.stop();
  });

  test('advertised routes, all and by AZ', () => {
    assert.deepEqual(
      advertisedRoutes(icSb).map((r) => [
        r.az,
        r.transitSwitch,
        r.prefix,
        r.storedPrefix,
        r.nexthop,
        r.origin,
      ]),
      [
        ['az1', 'ts', '10.16.0.0/16', '10.16.0.1/16', '169.254.100.79', 'connected'],
        ['az1', 'ts', '192.168.1.0/24', '192.168.1.0/24', '169.254.100.79', 'static'],
        ['az2', 'ts', '10.17.0.0/24', '10.17.0.1/24', '169.254.100.31', 'connected'],
      ],
    );
    assert.deepEqual(advertisedRoutes(icSb, { az: 'az2' }).length, 1);
  });

  test('in a transaction, the reads after the IC-SB reset see the AZ gone; the replica does not', async () => {
    const outcome = await runTransaction(
      client,
      icSbModel,
      (txn) => {
        const plan = planIcSbReset(txn, 'az1');
        assert.deepEqual([plan.zone, plan.gateways, plan.portBindings, plan.routes], [true, 1, 1, 2]);
        assert.deepEqual(
          advertisedRoutes(txn).map((r) => r.az),
          ['az2'],
        );
        assert.deepEqual(
          icStatus(txn).zones.map((zone) => zone.name),
          ['az2'],
        );
        assert.deepEqual(planIcSbReset(txn, 'az1').operations, [], 'planned again: nothing left');
        return plan.operations;
      },
      { replica: icSb, dryRun: true },
    );
    assert.deepEqual(outcome.operations, outcome.value);
    assert.equal(advertisedRoutes(icSb).length, 3, 'nothing was sent');
  });

  test("the AZ's rows go in one transaction; the other AZ's stay", async () => {
    const plan = planIcSbReset(icSb, 'az1');
    assert.deepEqual([plan.zone, plan.gateways, plan.portBindings, plan.routes], [true, 1, 1, 2]);
    await client.transact('OVN_IC_Southbound', plan.operations);
    assert.deepEqual(
      icSb.list('Availability_Zone').map((z) => z.name),
      ['az2'],
    );
    assert.equal(icSb.count('Gateway') + icSb.count('Encap'), 0, 'the gateway went, and its encap with it');
    assert.deepEqual(
      icSb.list('Port_Binding').map((pb) => pb.logical_port),
      ['ts-az2'],
    );
    assert.deepEqual(
      advertisedRoutes(icSb).map((r) => r.az),
      ['az2'],
    );
    assert.deepEqual(planIcSbReset(icSb, 'az1').operations, []);
  });
});
