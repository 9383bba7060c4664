/**
 * `npm run demo:ic`: two availability zones learning each other's routes through OVN-IC.
 *
 * Starts a lab in a temp dir: IC-NB and IC-SB as 3-member raft clusters (reached through a
 * Kube-OVN `ic-db-host` list), and two AZs, each with its NB, SB, ovn-northd and ovn-ic.
 * Each AZ gets a gateway chassis, a router `ovn-cluster` with a subnet and a static route; then ovndb
 * establishes each AZ from its `ovn-ic-config` (AZ name, auto-route, the transit switch
 * `ts`, the router joined to it), prints what `ovn-ic-sbctl show` shows and the routes each
 * AZ learned, resets AZ1 as the Kube-OVN guide does, and stops every process.
 */
import { replicaUntil } from 'ovndb';
import {
  establishInterconnection,
  type Interconnection,
  icStatus,
  kubeOvnTransitSwitches,
  learnedRoutes,
  openInterconnection,
  parseIcConfig,
  renderIcStatus,
  resetInterconnection,
} from 'ovndb/ic';
import { addStaticRoute, addSubnet, createRouter } from 'ovndb/ovn';
import { type IcLab, startIcLab } from 'ovndb/testing';

const zones = [
  { subnet: '10.16.0.0/24', route: '192.168.1.0/24', via: '10.16.0.254' },
  { subnet: '10.17.0.0/24', route: '192.168.2.0/24', via: '10.17.0.254' },
];

/** Resolves once `ic` has learned every prefix in `prefixes`. */
function learned(ic: Interconnection, prefixes: string[]): Promise<true> {
  return replicaUntil(
    ic.nbReplica,
    () => {
      const have = new Set(learnedRoutes(ic.nbReplica).map((r) => r.prefix));
      return prefixes.every((p) => have.has(p)) ? true : undefined;
    },
    { what: `${ic.config.azName} learning ${prefixes.join(', ')}`, timeoutMs: 10_000 },
  );
}

async function main(lab: IcLab): Promise<void> {
  const ics: Interconnection[] = [];
  try {
    for (const [i, az] of lab.azs.entries()) {
      const zone = zones[i] as (typeof zones)[number];
      const n = i + 1;
      // A gateway node, as ovn-controller would register it (is-interconn: an IC gateway).
      await az.sbctl(
        'chassis-add',
        `gw${n}`,
        'geneve',
        `127.0.0.${n}`,
        '--',
        'set',
        'Chassis',
        `gw${n}`,
        `hostname=az${n}-gw`,
        'other_config:is-interconn=true',
      );
      const config = parseIcConfig({ data: az.configMap({ 'gw-nodes': `az${n}-gw` }) });
      console.log(
        `${config.azName}: ic-db-host ${config.icDbHosts.join(',')}, IC-NB ${config.icNbRemotes.join(',')}`,
      );
      const ic = await openInterconnection(config, { nb: az.sandbox.nbRemote, sb: az.sandbox.sbRemote });
      ics.push(ic);
      await ic.nb.transact(createRouter(ic.nbReplica, { name: 'ovn-cluster' }));
      await ic.nb.transact(
        addSubnet(ic.nbReplica, { name: `net${i + 1}`, vpc: 'ovn-cluster', cidrBlock: zone.subnet }),
      );
      await ic.nb.transact(
        addStaticRoute(ic.nbReplica, { router: 'ovn-cluster', cidr: zone.route, nextHops: zone.via }),
      );
      console.log(`  router ovn-cluster: subnet ${zone.subnet}, static route ${zone.route} via ${zone.via}`);
    }
    const [ic1, ic2] = ics as [Interconnection, Interconnection];

    console.log('\n# establishing both AZs');
    const started = Date.now();
    for (const ic of ics) {
      const report = await establishInterconnection(ic, {
        transitSwitches: kubeOvnTransitSwitches(1),
        onProgress: (p) => {
          if (p.step === 'connected')
            console.log(`  ${ic.config.azName}: joined ${p.transitSwitch} with ${p.routerPort}`);
        },
      });
      console.log(`  ${report.az}: ${report.transactions} transactions`);
    }
    // ovn-controller on each gateway would claim the router port's chassis-redirect port.
    for (const [i, az] of lab.azs.entries()) {
      await az.sbctl('--timeout=10', 'wait-until', 'Port_Binding', `cr-az${i + 1}-ts`);
      await az.sbctl('lsp-bind', `cr-az${i + 1}-ts`, `gw${i + 1}`);
    }
    await learned(ic2, ['10.16.0.0/24', '192.168.1.0/24']);
    await learned(ic1, ['10.17.0.0/24', '192.168.2.0/24']);
    console.log(
      `  both AZs learned each other's routes ${Date.now() - started} ms after the first establish`,
    );

    await replicaUntil(
      ic1.icSbReplica,
      () => {
        const status = icStatus(ic1.icSbReplica);
        return status.zones.length === 2 && status.zones.every((z) => z.gateways[0]?.ports.length === 1)
          ? true
          : undefined;
      },
      { what: 'both gateways with their transit ports in IC-SB', timeoutMs: 10_000 },
    );
    console.log('\n# ovn-ic-sbctl show, from the IC-SB replica');
    process.stdout.write(renderIcStatus(icStatus(ic1.icSbReplica)).replace(/^/gm, '  '));

    for (const ic of ics) {
      console.log(`\n# routes ${ic.config.azName} learned`);
      for (const r of learnedRoutes(ic.nbReplica, { icSb: ic.icSbReplica })) {
        console.log(
          `  ${r.prefix.padEnd(16)} via ${r.nexthop.padEnd(16)} ${r.origin.padEnd(9)} from ${r.az} on ${r.transitSwitch}`,
        );
      }
    }

    console.log('\n# resetting az1 (ovn-ic keeps running)');
    const reset = await resetInterconnection(ic1);
    console.log(
      `  NB: switches ${reset.nb.switches.join(',')}, ports ${reset.nb.routerPorts.join(',')}, ${reset.nb.learnedRoutes} learned routes; ` +
        `IC-SB: zone ${reset.icSb.zone}, ${reset.icSb.portBindings} port bindings, ${reset.icSb.routes} routes`,
    );
    await replicaUntil(ic2.nbReplica, () => (learnedRoutes(ic2.nbReplica).length === 0 ? true : undefined), {
      what: 'az2 forgetting the routes of az1',
      timeoutMs: 10_000,
    });
    console.log(`  az2 now has ${learnedRoutes(ic2.nbReplica).length} learned routes`);
  } finally {
    await Promise.all(ics.map((ic) => ic.close()));
  }
}

console.log(
  'starting the lab: IC-NB and IC-SB (3-member raft each), two AZs with NB, SB, ovn-northd and ovn-ic',
);
const lab = await startIcLab();
try {
  await main(lab);
} finally {
  await lab.stop();
  console.log('\nlab stopped');
}
