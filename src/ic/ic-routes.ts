/**
 * Routes exchanged through OVN-IC, as typed objects: those advertised into IC-SB `Route` (by
 * any AZ's ovn-ic), and those this AZ's ovn-ic learned into NB static routes
 * (`external_ids:ic-learned-route`), plus a change stream of the learned ones.
 *
 * ovn-ic 23.03 copies prefixes verbatim, host bits included (a connected route advertises
 * `10.11.0.1/24`): every route here carries the stored text in `storedPrefix` and the
 * normalized network in `prefix`.
 */

import type { ChangeStreamOptions } from '../cache/change-stream.js';
import type { Replica } from '../cache/replica.js';
import type { Route } from '../generated/ic-sb/rows.js';
import type { LogicalRouterStaticRoute, Tables as NbTables } from '../generated/nb/rows.js';
import { parseCidr } from '../ovn/addresses.js';
import { type NbReplica, type NbTarget, nbReader } from '../ovn/nb-lookup.js';
import { isIcLearned } from '../ovn/ownership.js';
import { storedRouteCidr } from '../ovn/static-routes.js';
import { type IcSbReplica, type IcSbTarget, icSbReader } from './ic-targets.js';

/** A route in IC-SB, advertised by an AZ on a transit switch. */
export interface AdvertisedRoute {
  readonly uuid: string;
  /** The advertising AZ's name. */
  readonly az: string;
  readonly transitSwitch: string;
  /** `""`: the main table. */
  readonly routeTable: string;
  /** The prefix, host bits cleared: `10.11.0.0/24`. */
  readonly prefix: string;
  /** The prefix as stored: `10.11.0.1/24` for a connected route. */
  readonly storedPrefix: string;
  /** The advertising router's address on the transit switch. */
  readonly nexthop: string;
  /** `connected` (a router port's network) or `static` (a static route). */
  readonly origin: string;
}

/** A static route ovn-ic learned into this AZ's NB. */
export interface LearnedRoute {
  readonly uuid: string;
  /** The router holding it (undefined while no router lists it, e.g. during its removal). */
  readonly router: string | undefined;
  readonly prefix: string;
  readonly storedPrefix: string;
  readonly nexthop: string;
  readonly routeTable: string;
  /** `options:origin`: `connected` or `static` at the advertising side. */
  readonly origin: string;
  /** The IC-SB Route it was learned from (`external_ids:ic-learned-route`). */
  readonly icRoute: string;
  /** Where it came from, when an IC-SB replica was given and still holds that Route. */
  readonly az?: string;
  readonly transitSwitch?: string;
}

/** Which advertised routes to list. */
export interface AdvertisedRouteFilter {
  readonly az?: string;
  readonly transitSwitch?: string;
}

/**
 * A stored route prefix with host bits cleared: `10.11.0.1/24` as `10.11.0.0/24`, a bare host
 * address as `/32` or `/128`; text that is no prefix is returned as it is.
 */
export function normalizeRoutePrefix(stored: string): string {
  try {
    return parseCidr(storedRouteCidr(stored), 'ip_prefix').networkText;
  } catch {
    return stored;
  }
}

function advertised(icSb: IcSbReplica, route: Route): AdvertisedRoute {
  return {
    uuid: route._uuid,
    az: icSb.get('Availability_Zone', route.availability_zone)?.name ?? '',
    transitSwitch: route.transit_switch,
    routeTable: route.route_table,
    prefix: normalizeRoutePrefix(route.ip_prefix),
    storedPrefix: route.ip_prefix,
    nexthop: route.nexthop,
    origin: route.origin,
  };
}

/**
 * IC-SB routes (every AZ's, or those the filter names), ordered by AZ, switch, table, prefix;
 * read from a replica or a transaction's view.
 */
export function advertisedRoutes(target: IcSbTarget, filter: AdvertisedRouteFilter = {}): AdvertisedRoute[] {
  const icSb = icSbReader(target);
  const routes = icSb
    .list('Route')
    .map((route) => advertised(icSb, route))
    .filter(
      (r) =>
        (filter.az === undefined || r.az === filter.az) &&
        (filter.transitSwitch === undefined || r.transitSwitch === filter.transitSwitch),
    );
  const key = (r: AdvertisedRoute) =>
    [r.az, r.transitSwitch, r.routeTable, r.prefix, r.nexthop].join('\u0000');
  return routes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Options of {@link learnedRoutes}. */
export interface LearnedRouteOptions {
  /** Only this router's. */
  readonly router?: string;
  /** Fills in `az` and `transitSwitch` from the IC-SB Route each was learned from (a replica or a transaction). */
  readonly icSb?: IcSbTarget;
}

function routerOfRoutes(nb: NbReplica): Map<string, string> {
  const owners = new Map<string, string>();
  for (const router of nb.list('Logical_Router')) {
    for (const uuid of router.static_routes) owners.set(uuid, router.name);
  }
  return owners;
}

function learned(
  row: LogicalRouterStaticRoute,
  router: string | undefined,
  icSb?: IcSbReplica,
): LearnedRoute {
  const icRoute = row.external_ids['ic-learned-route'] ?? '';
  const source = icSb === undefined || icRoute === '' ? undefined : icSb.get('Route', icRoute);
  return {
    uuid: row._uuid,
    router,
    prefix: normalizeRoutePrefix(row.ip_prefix),
    storedPrefix: row.ip_prefix,
    nexthop: row.nexthop,
    routeTable: row.route_table,
    origin: row.options.origin ?? '',
    icRoute,
    ...(source === undefined || icSb === undefined
      ? {}
      : {
          az: icSb.get('Availability_Zone', source.availability_zone)?.name ?? '',
          transitSwitch: source.transit_switch,
        }),
  };
}

/**
 * NB static routes learned through OVN-IC, ordered by router, table and prefix; read from a
 * replica or a transaction's view.
 */
export function learnedRoutes(target: NbTarget, options: LearnedRouteOptions = {}): LearnedRoute[] {
  const nb = nbReader(target);
  const icSb = options.icSb === undefined ? undefined : icSbReader(options.icSb);
  const owners = routerOfRoutes(nb);
  const routes = nb
    .where('Logical_Router_Static_Route', (row) => isIcLearned(row))
    .map((row) => learned(row, owners.get(row._uuid), icSb))
    .filter((r) => options.router === undefined || r.router === options.router);
  const key = (r: LearnedRoute) => [r.router ?? '', r.routeTable, r.prefix, r.nexthop].join('\u0000');
  return routes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A learned route appeared, changed or was withdrawn. */
export interface LearnedRouteChange {
  readonly kind: 'learned' | 'changed' | 'withdrawn';
  readonly route: LearnedRoute;
  /** True for routes present when the stream's replica first synced. */
  readonly initial: boolean;
}

/**
 * The learned routes as they come and go, from the replica's lossless change stream: every
 * learned route already present (`initial`), then each one ovn-ic adds, changes or withdraws,
 * in commit order. Ends when `options.signal` aborts or the replica closes.
 */
export async function* learnedRouteChanges(
  nb: Replica<NbTables>,
  // A replica, not a transaction: the stream outlives any transaction body.
  options: ChangeStreamOptions & { readonly icSb?: IcSbReplica } = {},
): AsyncGenerator<LearnedRouteChange> {
  const stream = nb.changes(options);
  const icSb = options.icSb;
  // Routers are found when a route is seen; a withdrawn route's router is the one last known.
  const known = new Map<string, string | undefined>();
  const owner = (uuid: string): string | undefined => {
    for (const router of nb.list('Logical_Router'))
      if (router.static_routes.includes(uuid as never)) return router.name;
    return known.get(uuid);
  };
  for (const route of learnedRoutes(nb, options)) {
    known.set(route.uuid, route.router);
    yield { kind: 'learned', route, initial: true };
  }
  for await (const change of stream) {
    if (change.table !== 'Logical_Router_Static_Route') continue;
    const before = change.kind === 'insert' ? undefined : (change.old as LogicalRouterStaticRoute);
    const after = change.kind === 'delete' ? undefined : (change.new as LogicalRouterStaticRoute);
    const was = before !== undefined && isIcLearned(before);
    const is = after !== undefined && isIcLearned(after);
    if (!was && !is) continue;
    if (is && after !== undefined) {
      const router = owner(after._uuid);
      known.set(after._uuid, router);
      yield {
        kind: was ? 'changed' : 'learned',
        route: learned(after, router, icSb),
        initial: false,
      };
    } else if (before !== undefined) {
      const router = known.get(before._uuid);
      known.delete(before._uuid);
      yield { kind: 'withdrawn', route: learned(before, router, icSb), initial: false };
    }
  }
}
