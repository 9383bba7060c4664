/**
 * Known OVN 23.03 interconnection problems an AZ's Northbound state can show (ovn-mapping.md,
 * section F): several routers of the AZ on one transit switch (ovn-ic then re-creates the
 * AZ's IC-SB routes every loop and only one router's routes survive), and learned routes left
 * behind after the AZ's last transit port is gone.
 */
import { type NbTarget, nbReader } from '../ovn/nb-lookup.js';
import { isIcLearned } from '../ovn/ownership.js';

/** One problem found. */
export type IcPitfall =
  | {
      readonly kind: 'several-routers-on-transit-switch';
      readonly transitSwitch: string;
      /** The routers joined to it through router-type ports. */
      readonly routers: readonly string[];
    }
  | {
      readonly kind: 'stale-learned-routes';
      /** Learned routes while no router of the AZ is joined to any transit switch. */
      readonly routes: number;
    };

/**
 * The routers joined to each NB transit switch (`other_config:interconn-ts`), by switch name,
 * read from a replica or a transaction's view.
 */
export function routersOnTransitSwitches(target: NbTarget): Map<string, string[]> {
  const nb = nbReader(target);
  const routerOfPort = new Map<string, string>();
  for (const router of nb.list('Logical_Router')) {
    for (const uuid of router.ports) {
      const port = nb.get('Logical_Router_Port', uuid);
      if (port !== undefined) routerOfPort.set(port.name, router.name);
    }
  }
  const joined = new Map<string, string[]>();
  for (const ls of nb.where('Logical_Switch', (row) => row.other_config['interconn-ts'] !== undefined)) {
    const routers = new Set<string>();
    for (const uuid of ls.ports) {
      const lsp = nb.get('Logical_Switch_Port', uuid);
      const peer = lsp?.type === 'router' ? lsp.options['router-port'] : undefined;
      const router = peer === undefined ? undefined : routerOfPort.get(peer);
      if (router !== undefined) routers.add(router);
    }
    joined.set(ls.name, [...routers].sort());
  }
  return joined;
}

/**
 * The 23.03 pitfalls the AZ's Northbound state shows now (a replica, or a transaction's view
 * as its body leaves it); empty when none.
 */
export function detectIcPitfalls(target: NbTarget): IcPitfall[] {
  const nb = nbReader(target);
  const pitfalls: IcPitfall[] = [];
  const joined = routersOnTransitSwitches(nb);
  for (const [transitSwitch, routers] of joined) {
    if (routers.length > 1)
      pitfalls.push({ kind: 'several-routers-on-transit-switch', transitSwitch, routers });
  }
  const anyJoined = [...joined.values()].some((routers) => routers.length > 0);
  if (!anyJoined) {
    // Only routes a router lists: a transaction's view still shows the ones it removed (the
    // server collects them at commit).
    const listed = new Set<string>(nb.list('Logical_Router').flatMap((router) => router.static_routes));
    const routes = nb.where(
      'Logical_Router_Static_Route',
      (row) => isIcLearned(row) && listed.has(row._uuid),
    ).length;
    if (routes > 0) pitfalls.push({ kind: 'stale-learned-routes', routes });
  }
  return pitfalls;
}
