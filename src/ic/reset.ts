/**
 * Taking an AZ out of OVN-IC, as the Kube-OVN guide's manual reset, but safe with ovn-ic
 * still running: ovn-ic recreates the AZ row, its gateways and the NB transit switches every
 * loop while the AZ has a name, so the Northbound transaction clears `NB_Global.name` (ovn-ic
 * then does nothing) in the same step that removes the transit ports, switches and learned
 * routes; only then are the AZ's IC-SB rows removed.
 */

import {
  AvailabilityZoneTable,
  GatewayTable,
  PortBindingTable,
  RouteTable,
} from '../generated/ic-sb/index.js';
import { LogicalRouterTable, LogicalSwitchTable, NBGlobalTable } from '../generated/nb/index.js';
import type { LogicalRouter, LogicalRouterPort } from '../generated/nb/rows.js';
import { deleteRows, mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import type { TypedMutation } from '../model/typed-clauses.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb } from '../ovn/nb-lookup.js';
import { isIcLearned } from '../ovn/ownership.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { IC_ROUTE_OPTIONS } from './az-options.js';
import { type IcSbReplica, type IcSbTarget, planIcSb } from './ic-targets.js';

/** What a Northbound reset removes. */
export interface NbResetPlan {
  /** The operations planned (already added when the planner ran on a transaction). */
  readonly operations: Operation[];
  /** NB switches made for transit switches. */
  readonly switches: string[];
  /** Router ports joined to them (`<az>-<ts>`). */
  readonly routerPorts: string[];
  /** Learned static routes, by router. */
  readonly learnedRoutes: number;
  /** True when the AZ still had a name or `ic-route-*` options. */
  readonly globalCleared: boolean;
}

/**
 * Plans the Northbound part of a reset: `NB_Global.name` emptied and every `ic-route-*`
 * option removed; every NB switch with `other_config:interconn-ts` deleted with its ports;
 * the router ports those switches' router-type ports join (and any `<az>-<ts>` port of a
 * known transit switch name, in case the switch is already gone); and every learned route
 * on every router. One transaction; nothing when nothing is left. Runs on a replica (the
 * operations are returned in the plan) or a transaction (they join it).
 */
export function planNbReset(
  target: NbTarget,
  az: string,
  transitSwitchNames: readonly string[] = [],
): NbResetPlan {
  let plan: Omit<NbResetPlan, 'operations'> | undefined;
  const operations = planNb(target, (txn) => {
    const { operations: planned, ...summary } = nbResetPlan(txn.view, az, transitSwitchNames);
    txn.add(planned);
    plan = summary;
  });
  return { operations, ...(plan as Omit<NbResetPlan, 'operations'>) };
}

function nbResetPlan(nb: NbReplica, az: string, transitSwitchNames: readonly string[]): NbResetPlan {
  const operations: Operation[] = [];
  const global = nb.list('NB_Global')[0];
  const globalCleared =
    global !== undefined && (global.name !== '' || IC_ROUTE_OPTIONS.some((key) => key in global.options));
  if (global !== undefined && globalCleared) {
    operations.push(
      updateRows(NBGlobalTable, [whereColumn('_uuid', '==', global._uuid)], { name: '' }),
      mutateRows(
        NBGlobalTable,
        [whereColumn('_uuid', '==', global._uuid)],
        [mutateColumn('options', 'delete', [...IC_ROUTE_OPTIONS])],
      ),
    );
  }
  const switches = nb.where('Logical_Switch', (ls) => ls.other_config['interconn-ts'] !== undefined);
  const portNames = new Set<string>(transitSwitchNames.map((ts) => `${az}-${ts}`));
  for (const ls of switches) {
    portNames.add(`${az}-${ls.name}`);
    for (const uuid of ls.ports) {
      const lsp = nb.get('Logical_Switch_Port', uuid);
      const peer = lsp?.type === 'router' ? lsp.options['router-port'] : undefined;
      if (peer !== undefined) portNames.add(peer);
    }
    operations.push(deleteRows(LogicalSwitchTable, [whereColumn('_uuid', '==', ls._uuid)]));
  }
  const routerPorts: string[] = [];
  let learned = 0;
  for (const router of nb.list('Logical_Router')) {
    const ports = router.ports
      .map((uuid) => nb.get('Logical_Router_Port', uuid))
      .filter((port): port is LogicalRouterPort => port !== undefined && portNames.has(port.name));
    const routes = learnedRouteUuids(nb, router);
    const mutations: TypedMutation<LogicalRouter>[] = [];
    if (ports.length > 0)
      mutations.push(
        mutateColumn<LogicalRouter, 'ports', 'delete'>(
          'ports',
          'delete',
          ports.map((port) => port._uuid),
        ),
      );
    if (routes.length > 0)
      mutations.push(
        mutateColumn<LogicalRouter, 'static_routes', 'delete'>('static_routes', 'delete', routes),
      );
    if (mutations.length === 0) continue;
    routerPorts.push(...ports.map((port) => port.name));
    learned += routes.length;
    operations.push(mutateRows(LogicalRouterTable, [whereColumn('_uuid', '==', router._uuid)], mutations));
  }
  return {
    operations,
    switches: switches.map((ls) => ls.name).sort(),
    routerPorts: routerPorts.sort(),
    learnedRoutes: learned,
    globalCleared,
  };
}

/** What an IC-SB reset removes. */
export interface IcSbResetPlan {
  /** The operations planned (already added when the planner ran on a transaction). */
  readonly operations: Operation[];
  readonly zone: boolean;
  readonly gateways: number;
  readonly portBindings: number;
  readonly routes: number;
}

/**
 * Plans the IC-SB part of a reset: the AZ's Route, Port_Binding and Gateway rows (their
 * Encap rows go with the gateways) and its Availability_Zone row. One transaction; nothing
 * when the AZ is already gone. Runs on a replica (the operations are returned in the plan) or
 * a transaction (they join it).
 */
export function planIcSbReset(target: IcSbTarget, az: string): IcSbResetPlan {
  let plan: Omit<IcSbResetPlan, 'operations'> | undefined;
  const operations = planIcSb(target, (txn) => {
    const { operations: planned, ...summary } = icSbResetPlan(txn.view, az);
    txn.add(planned);
    plan = summary;
  });
  return { operations, ...(plan as Omit<IcSbResetPlan, 'operations'>) };
}

function icSbResetPlan(icSb: IcSbReplica, az: string): IcSbResetPlan {
  const zone = icSb.find('Availability_Zone', 'name', az)[0];
  if (zone === undefined) return { operations: [], zone: false, gateways: 0, portBindings: 0, routes: 0 };
  const inZone = whereColumn<{ availability_zone: string }, 'availability_zone', '=='>(
    'availability_zone',
    '==',
    zone._uuid,
  );
  const count = (table: 'Route' | 'Port_Binding' | 'Gateway') =>
    icSb.where(table, (row) => row.availability_zone === zone._uuid).length;
  return {
    operations: [
      deleteRows(RouteTable, [inZone]),
      deleteRows(PortBindingTable, [inZone]),
      deleteRows(GatewayTable, [inZone]),
      deleteRows(AvailabilityZoneTable, [whereColumn('_uuid', '==', zone._uuid)]),
    ],
    zone: true,
    gateways: count('Gateway'),
    portBindings: count('Port_Binding'),
    routes: count('Route'),
  };
}

/** A router's learned routes (non-root rows: the server removes them once no router lists them). */
function learnedRouteUuids(nb: NbReplica, router: LogicalRouter): LogicalRouter['static_routes'][number][] {
  return router.static_routes.filter((uuid) => {
    const route = nb.get('Logical_Router_Static_Route', uuid);
    return route !== undefined && isIcLearned(route);
  });
}

/**
 * Removes every learned route from every router: the cleanup OVN 23.03 needs after an AZ's
 * last transit port is gone, when ovn-ic leaves the routes it learned behind. Runs on a
 * replica (the operations are returned) or a transaction (they join it).
 */
export function planLearnedRouteCleanup<Target extends NbTarget | NbHandle>(target: Target): Planned<Target> {
  return planNb(target, (txn) => txn.add(learnedRouteCleanupOps(txn.view)));
}

function learnedRouteCleanupOps(nb: NbReplica): Operation[] {
  const ops: Operation[] = [];
  for (const router of nb.list('Logical_Router')) {
    const routes = learnedRouteUuids(nb, router);
    if (routes.length > 0)
      ops.push(
        mutateRows(
          LogicalRouterTable,
          [whereColumn('_uuid', '==', router._uuid)],
          [mutateColumn('static_routes', 'delete', routes)],
        ),
      );
  }
  return ops;
}
