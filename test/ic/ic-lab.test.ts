/**
 * OVN-IC end to end on a real two-AZ lab: IC-NB and IC-SB are 3-member raft clusters reached
 * through an `ic-db-host` list, each AZ has its NB, SB, ovn-northd and ovn-ic. The library
 * establishes both AZs from their ovn-ic-config; routes advertised in one AZ are learned in
 * the other (the times are printed); the IC-SB leader is killed under a pending write; the
 * reset leaves nothing of the AZ, also over several ovn-ic loops; and a change of AZ name is
 * applied as the guide's delete-then-apply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  advertisedRoutes,
  connectTransitSwitch,
  establishInterconnection,
  type Interconnection,
  icStatus,
  kubeOvnTransitSwitches,
  learnedRoutes,
  openInterconnection,
  parseIcConfig,
  reconfigureInterconnection,
  renderIcStatus,
  resetInterconnection,
} from '../../src/ic/index.js';
import { FailoverBudgetExceededError, replicaUntil } from '../../src/index.js';
import {
  addStaticRoute,
  addSubnet,
  createRouter,
  deleteStaticRoute,
  ObjectNotFoundError,
} from '../../src/ovn/index.js';
import { type IcLab, startIcLab } from '../../src/testing/index.js';

/** Each AZ's own subnet and static route, which the other AZ must learn. */
const LOCAL = [
  { subnet: '10.16.0.0/24', route: '192.168.1.0/24', via: '10.16.0.254' },
  { subnet: '10.17.0.0/24', route: '192.168.2.0/24', via: '10.17.0.254' },
];

describe('OVN-IC on a two-AZ lab with 3-member IC databases', { timeout: 240_000 }, () => {
  let lab: IcLab;
  const ics: Interconnection[] = [];
  const timings: string[] = [];

  /** Resolves once `ic` has learned `prefixes` (normalized), with the time it took. */
  const learned = async (ic: Interconnection, prefixes: string[], timeoutMs = 5000): Promise<number> => {
    const started = Date.now();
    await replicaUntil(
      ic.nbReplica,
      () => {
        const have = new Set(learnedRoutes(ic.nbReplica).map((r) => r.prefix));
        return prefixes.every((p) => have.has(p)) ? true : undefined;
      },
      { what: `${ic.config.azName} learning ${prefixes.join(', ')}`, timeoutMs },
    );
    return Date.now() - started;
  };
  /** `ovn-ic-sbctl list Route` as comparable tuples. */
  const toolRoutes = async () => {
    const text = await lab.icsbctl(
      '--format=csv',
      '--data=bare',
      '--no-headings',
      '--columns=ip_prefix,nexthop,origin,transit_switch',
      'list',
      'Route',
    );
    return text
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(',').join(' '))
      .sort();
  };

  before(async () => {
    lab = await startIcLab({ electionTimerMs: 500 });
    for (const [i, az] of lab.azs.entries()) {
      const ic = await openInterconnection(parseIcConfig(az.configMap()), {
        nb: az.sandbox.nbRemote,
        sb: az.sandbox.sbRemote,
        session: { reconnect: { failoverBudgetMs: 20_000 } },
      });
      ics.push(ic);
      const local = LOCAL[i] as (typeof LOCAL)[number];
      await ic.nb.transact(createRouter(ic.nbReplica, { name: 'ovn-cluster' }));
      await ic.nb.transact(
        addSubnet(ic.nbReplica, { name: `net${i + 1}`, vpc: 'ovn-cluster', cidrBlock: local.subnet }),
      );
      await ic.nb.transact(
        addStaticRoute(ic.nbReplica, { router: 'ovn-cluster', cidr: local.route, nextHops: local.via }),
      );
    }
  });
  after(async () => {
    console.log(`OVN-IC lab timings:\n  ${timings.join('\n  ')}`);
    await Promise.all(ics.map((ic) => ic.close()));
    await lab?.stop();
  });

  test('both AZs established from their ovn-ic-config; each learns the other within 5 s', async () => {
    const [ic1, ic2] = ics as [Interconnection, Interconnection];
    const first = await establishInterconnection(ic1, { transitSwitches: kubeOvnTransitSwitches(1) });
    assert.deepEqual(first.routerPorts, { ts: 'az1-ts' });
    const started = Date.now();
    await establishInterconnection(ic2);
    const toAz2 = await learned(ic2, ['10.16.0.0/24', '192.168.1.0/24']);
    const toAz1 = await learned(ic1, ['10.17.0.0/24', '192.168.2.0/24']);
    timings.push(`AZ1 -> AZ2 learned ${toAz2} ms after AZ2 joined (${Date.now() - started} ms in all)`);
    timings.push(`AZ2 -> AZ1 learned within ${toAz1} ms more`);
    // The learned routes point at the other AZ's transit address and name their origin. Their
    // AZ and transit switch come from IC-SB's Route rows, which this client's IC-SB replica may
    // see a moment after ovn-ic wrote the routes into its NB: wait for them.
    const fromAz1 = await replicaUntil(
      ic2.icSbReplica,
      () => {
        const routes = learnedRoutes(ic2.nbReplica, { icSb: ic2.icSbReplica });
        return routes.every((r) => r.az !== undefined) ? routes : undefined;
      },
      { what: "AZ2's IC-SB replica holding the Route rows of what it learned", timeoutMs: 5000 },
    );
    const az1Address = ic1.nbReplica
      .findOne('Logical_Router_Port', 'name', 'az1-ts')
      ?.networks[0]?.split('/')[0];
    assert.deepEqual(
      fromAz1.map((r) => [r.nexthop, r.az, r.transitSwitch]),
      fromAz1.map(() => [az1Address, 'az1', 'ts']),
    );
    assert.deepEqual(fromAz1.map((r) => [r.prefix, r.origin]).sort(), [
      ['10.16.0.0/24', 'connected'],
      ['192.168.1.0/24', 'static'],
    ]);
    // A second establish sends nothing.
    assert.equal((await establishInterconnection(ic2)).transactions, 0);
  });

  test("icStatus is what ovn-ic-sbctl show prints; advertised routes are ovn-ic-sbctl's", async () => {
    const [ic1] = ics as [Interconnection];
    assert.equal(renderIcStatus(icStatus(ic1.icSbReplica)), await lab.icsbctl('show'));
    const ours = advertisedRoutes(ic1.icSbReplica)
      .map((r) => [r.storedPrefix, r.nexthop, r.origin, r.transitSwitch].join(' '))
      .sort();
    assert.deepEqual(ours, await toolRoutes());
  });

  test('kill -9 of the IC-SB leader: the session is on the new leader within 2 s; a write made meanwhile lands once', async () => {
    const [ic1] = ics as [Interconnection];
    const leader = await lab.icSb.leaderIndex();
    const ready = new Promise<number>((resolve) => {
      const killedAt = Date.now();
      ic1.icSb.once('ready', () => resolve(Date.now() - killedAt));
    });
    await lab.icSb.kill(leader, 'SIGKILL');
    // Issued while the session has no leader: queued, then sent once.
    const probe = ic1.icSb.transact([
      { op: 'insert', table: 'Availability_Zone', row: { name: 'outage-probe' } },
    ]);
    const reconnectMs = await ready;
    await probe;
    timings.push(`IC-SB leader killed: session ready on the new leader after ${reconnectMs} ms`);
    assert.ok(reconnectMs < 2000, `reconnected after ${reconnectMs} ms`);
    const probeRows = await lab.icsbctl(
      '--bare',
      '--columns=_uuid',
      'find',
      'Availability_Zone',
      'name=outage-probe',
    );
    assert.equal(
      probeRows
        .trim()
        .split('\n')
        .filter((l) => l !== '').length,
      1,
      'applied exactly once',
    );
    await ic1.icSb.transact([
      { op: 'delete', table: 'Availability_Zone', where: [['name', '==', 'outage-probe']] },
    ]);
    await lab.icSb.restart(leader);
    // Both ovn-ic are back on the IC-SB leader: a new route of each AZ is advertised again
    // (how soon is ovn-ic's own reconnect backoff, up to 8 s), and withdrawn.
    const probes = ['192.168.50.0/24', '192.168.51.0/24'];
    const advertised = (ic: Interconnection, prefix: string) =>
      advertisedRoutes(ic.icSbReplica).some((r) => r.prefix === prefix);
    for (const [i, ic] of ics.entries()) {
      const prefix = probes[i] as string;
      await ic.nb.transact(
        addStaticRoute(ic.nbReplica, { router: 'ovn-cluster', cidr: prefix, nextHops: LOCAL[i]!.via }),
      );
      await replicaUntil(ic.icSbReplica, () => (advertised(ic, prefix) ? true : undefined), {
        what: `ovn-ic of ${ic.config.azName} advertising ${prefix} after the failover`,
        timeoutMs: 30_000,
      });
      await ic.nb.transact(deleteStaticRoute(ic.nbReplica, { router: 'ovn-cluster', cidr: prefix }));
    }
    // Every replica has seen both withdrawals before it is compared with the tool.
    for (const ic of ics) {
      await replicaUntil(ic.icSbReplica, () => (probes.some((p) => advertised(ic, p)) ? undefined : true), {
        what: `${ic.config.azName}'s IC-SB replica without the probe routes`,
        timeoutMs: 30_000,
      });
    }
    const ours = advertisedRoutes(ic1.icSbReplica)
      .map((r) => [r.storedPrefix, r.nexthop, r.origin, r.transitSwitch].join(' '))
      .sort();
    assert.deepEqual(ours, await toolRoutes());
  });

  test('reset with ovn-ic running: nothing of AZ1 is left, and nothing comes back', async () => {
    const [ic1, ic2] = ics as [Interconnection, Interconnection];
    const report = await resetInterconnection(ic1);
    assert.equal(report.nb.globalCleared, true);
    assert.deepEqual(report.nb.switches, ['ts']);
    assert.deepEqual(report.nb.routerPorts, ['az1-ts']);
    assert.equal(report.icSb.zone, true);
    const leftovers = async () => ({
      zones: (await lab.icsbctl('--bare', '--columns=name', 'list', 'Availability_Zone'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .sort(),
      bindings: (await lab.icsbctl('--bare', '--columns=logical_port', 'list', 'Port_Binding'))
        .split('\n')
        .filter((l) => l.trim() !== ''),
      az1Routes: (await toolRoutes()).filter(
        (r) => r.includes(' 169.254.100.') && !r.startsWith('10.17') && !r.startsWith('192.168.2'),
      ),
      nbName: (await lab.azs[0]!.nbctl('get', 'NB_Global', '.', 'name')).trim(),
      nbSwitches: (
        await lab.azs[0]!.nbctl(
          '--bare',
          '--columns=name',
          'find',
          'Logical_Switch',
          'other_config:interconn-ts=ts',
        )
      ).trim(),
      nbTsPorts: (
        await lab.azs[0]!.nbctl('--bare', '--columns=name', 'find', 'Logical_Router_Port', 'name=az1-ts')
      ).trim(),
      learned: (
        await lab.azs[0]!.nbctl(
          '--bare',
          '--columns=_uuid',
          'find',
          'Logical_Router_Static_Route',
          'external_ids:ic-learned-route!=""',
        )
      ).trim(),
    });
    const expected = {
      zones: ['az2'],
      bindings: ['ts-az2'],
      az1Routes: [],
      nbName: '""',
      nbSwitches: '',
      nbTsPorts: '',
      learned: '',
    };
    assert.deepEqual(await leftovers(), expected);
    // Make ovn-ic in AZ1 run its loop several times (each NB change wakes it), then look again.
    for (let i = 0; i < 4; i++) {
      await lab.azs[0]!.nbctl('--wait=sb', 'set', 'NB_Global', '.', `external_ids:reset-probe=${i}`);
    }
    await lab.azs[1]!.nbctl('--wait=sb', 'sync');
    assert.deepEqual(await leftovers(), expected);
    assert.notEqual(lab.azs[0]!.icPid, undefined, 'ovn-ic of AZ1 still runs');
    // AZ2 forgets what it had learned from AZ1.
    await replicaUntil(
      ic2.nbReplica,
      () => (learnedRoutes(ic2.nbReplica).some((r) => r.prefix === '10.16.0.0/24') ? undefined : true),
      { what: 'AZ2 withdrawing the routes of AZ1', timeoutMs: 5000 },
    );
    assert.deepEqual((await resetInterconnection(ic1)).icSb.zone, false, 'a second reset finds nothing');
  });

  test('reconfigure under a new AZ name: the old one stays gone, the new one exchanges routes', async () => {
    const [ic1, ic2] = ics as [Interconnection, Interconnection];
    const next = parseIcConfig(lab.azs[0]!.configMap({ 'az-name': 'az9' }));
    const result = await reconfigureInterconnection(ic1, next);
    assert.ok(result.established);
    assert.deepEqual(result.established.routerPorts, { ts: 'az9-ts' });
    await learned(ic2, ['10.16.0.0/24', '192.168.1.0/24']);
    const zones = (await lab.icsbctl('--bare', '--columns=name', 'list', 'Availability_Zone'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .sort();
    assert.deepEqual(zones, ['az2', 'az9']);
    assert.ok(learnedRoutes(ic2.nbReplica, { icSb: ic2.icSbReplica }).every((r) => r.az === 'az9'));
  });

  test('bad input: an unknown transit switch, an unreachable ic-db-host', async () => {
    const [ic1] = ics as [Interconnection];
    assert.throws(
      () =>
        connectTransitSwitch(ic1.nbReplica, {
          az: 'az9',
          transitSwitch: 'ts7',
          subnet: '169.254.107.0/24',
          gatewayChassis: [],
        }),
      (error: unknown) => error instanceof ObjectNotFoundError && error.rowName === 'ts7',
    );
    const unreachable = parseIcConfig(
      lab.azs[0]!.configMap({ 'ic-db-host': '127.0.0.9', 'ic-nb-port': '9' }),
    );
    await assert.rejects(
      openInterconnection(unreachable, {
        nb: lab.azs[0]!.sandbox.nbRemote,
        sb: lab.azs[0]!.sandbox.sbRemote,
        session: { reconnect: { failoverBudgetMs: 1500 } },
      }),
      (error: unknown) =>
        error instanceof FailoverBudgetExceededError && error.database === 'OVN_IC_Northbound',
    );
  });
});
