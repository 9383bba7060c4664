/**
 * Static routes of a logical router (Kube-OVN `Vpc.spec.staticRoutes`), built as operations.
 *
 * A route's identity is (route_table, policy, ip_prefix), with an empty `policy` read as
 * `dst-ip` (ovn-nbctl leaves it empty, Kube-OVN writes `dst-ip`; northd treats both alike).
 * One call with N next hops is one ECMP group: like Kube-OVN's AddLogicalRouterStaticRoute, the
 * rows for missing next hops are inserted and the rows of the same identity with other next hops
 * removed. Routes OVN-IC learned (`external_ids:ic-learned-route`) are never read as part of a
 * group, so they are never changed or removed.
 */
import type { BFD, LogicalRouter, LogicalRouterStaticRoute } from '../generated/nb/index.js';
import { BFDTable, LogicalRouterStaticRouteTable, LogicalRouterTable } from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { deleteRows, insertRow, mutateRows, updateRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { NamedRef } from '../model/write-markers.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type Cidr, cidrContains, type IpFamily, parseCidr, parseIp } from './addresses.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb, requireNamed } from './nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { isIcLearned, KUBE_OVN_VENDOR, ownedBy } from './ownership.js';
import { nextUuidName } from './uuid-names.js';

/** The `policy` values accepted: OVN's own, and the Kube-OVN CRD's. */
export type StaticRoutePolicyInput = 'dst-ip' | 'src-ip' | 'policyDst' | 'policySrc';

/** The next hop that drops matching packets instead of forwarding them. */
export const DISCARD_NEXT_HOP = 'discard';

/** A static route (or ECMP group) to add. */
export interface StaticRouteSpec {
  /** The Logical_Router name (the VPC). */
  readonly router: string;
  /** The destination (dst-ip) or source (src-ip) prefix; stored with its host bits cleared. */
  readonly cidr: string;
  /** One next hop, a comma list, or a list: several make an ECMP group. `discard` drops. */
  readonly nextHops: string | readonly string[];
  /** Default `dst-ip` (`policyDst`). */
  readonly policy?: StaticRoutePolicyInput;
  /** The route table; default `""`, the main table. */
  readonly routeTable?: string;
  /** The router port to send through (`output_port`); must be a port of the router. */
  readonly outputPort?: string;
  /**
   * Watch each next hop with BFD: a BFD row (logical_port = `outputPort` or the router port whose
   * network holds the next hop, dst_ip = the next hop) is created or reused, set as the route's
   * `bfd`, and `options:ecmp_symmetric_reply=true` written as Kube-OVN does.
   */
  readonly bfd?: boolean;
  /** Written on new rows; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link addStaticRoute}. */
export interface AddStaticRouteOptions {
  /**
   * When routes of the same identity exist: reconcile the group to the requested next hops
   * (insert missing, remove others) instead of throwing {@link ObjectExistsError}.
   */
  readonly mayExist?: boolean;
  /** Position in `spec.staticRoutes`: errors then name `staticRoutes[<index>].<field>`. */
  readonly index?: number;
}

/** Which static routes to delete. */
export interface StaticRouteSelector {
  readonly router: string;
  readonly cidr: string;
  /** Default `dst-ip` (an empty stored policy counts as dst-ip). */
  readonly policy?: StaticRoutePolicyInput;
  /** Default `""`, the main table. */
  readonly routeTable?: string;
  /** Only the route with this next hop; all next hops of the identity when omitted. */
  readonly nextHop?: string;
}

/** Options of {@link deleteStaticRoute}. */
export interface DeleteStaticRouteOptions {
  /** No route matches: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
  /** Position in `spec.staticRoutes`: errors then name `staticRoutes[<index>].<field>`. */
  readonly index?: number;
}

function fieldName(index: number | undefined, field: string): string {
  return index === undefined ? field : `staticRoutes[${index}].${field}`;
}

/**
 * The OVN policy for a Kube-OVN or OVN policy value (`undefined` and `""` mean dst-ip).
 * @throws {@link InvalidSpecError} for any other value.
 */
export function normalizeRoutePolicy(value: string | undefined, field = 'policy'): 'dst-ip' | 'src-ip' {
  if (value === undefined || value === '' || value === 'dst-ip' || value === 'policyDst') return 'dst-ip';
  if (value === 'src-ip' || value === 'policySrc') return 'src-ip';
  throw new InvalidSpecError(field, value, 'the policy is dst-ip (policyDst) or src-ip (policySrc)');
}

/**
 * The text ovn-nbctl stores as `ip_prefix`: the network with host bits cleared, and a bare
 * address for a host route (/32, /128).
 */
export function routePrefixText(cidr: Cidr): string {
  return cidr.prefix === (cidr.family === 4 ? 32 : 128) ? cidr.network : cidr.networkText;
}

/** A stored `ip_prefix` as a CIDR: ovn-nbctl stores host routes as bare addresses. */
export function storedRouteCidr(text: string): string {
  return text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
}

/** A stored prefix normalized for comparison (stored ones may keep host bits or lack `/len`). */
export function storedPrefixKey(text: string): string {
  try {
    return routePrefixText(parseCidr(storedRouteCidr(text), 'ip_prefix'));
  } catch {
    return text;
  }
}

/** A stored next hop normalized for comparison. */
function storedNextHopKey(text: string): string {
  if (text === DISCARD_NEXT_HOP) return text;
  try {
    return parseIp(text, 'nexthop').text;
  } catch {
    return text;
  }
}

function parseNextHops(value: string | readonly string[], family: IpFamily, field: string): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  const hops: string[] = [];
  for (const item of items) {
    const text = typeof item === 'string' ? item.trim() : '';
    if (text === '') throw new InvalidSpecError(field, value, 'a next hop is empty');
    let hop = DISCARD_NEXT_HOP;
    if (text !== DISCARD_NEXT_HOP) {
      const ip = parseIp(text, field);
      if (ip.family !== family)
        throw new InvalidSpecError(field, value, `next hop ${text} is not IPv${family} like the cidr`);
      hop = ip.text;
    }
    if (!hops.includes(hop)) hops.push(hop);
  }
  if (hops.length === 0) throw new InvalidSpecError(field, value, 'no next hop given');
  if (hops.length > 1 && hops.includes(DISCARD_NEXT_HOP))
    throw new InvalidSpecError(field, value, 'discard cannot be part of an ECMP group');
  return hops;
}

function requireRouteTable(value: string | undefined, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new InvalidSpecError(field, value, 'not a string');
  return value;
}

/** The router's non-learned routes of one identity. */
function routesOfIdentity(
  nb: NbReplica,
  router: LogicalRouter,
  table: string,
  policy: 'dst-ip' | 'src-ip',
  prefix: string,
): LogicalRouterStaticRoute[] {
  const out: LogicalRouterStaticRoute[] = [];
  for (const uuid of router.static_routes) {
    const row = nb.get('Logical_Router_Static_Route', uuid);
    if (row === undefined || isIcLearned(row)) continue;
    if (row.route_table !== table || (row.policy ?? 'dst-ip') !== policy) continue;
    if (storedPrefixKey(row.ip_prefix) === prefix) out.push(row);
  }
  return out;
}

/** The name of the router port whose network holds `hop`, or undefined. */
function portFacing(nb: NbReplica, router: LogicalRouter, hop: string): string | undefined {
  const ip = parseIp(hop, 'nexthop');
  for (const uuid of router.ports) {
    const port = nb.get('Logical_Router_Port', uuid);
    if (port === undefined) continue;
    for (const network of port.networks) {
      try {
        if (cidrContains(parseCidr(network, 'networks'), ip)) return port.name;
      } catch {
        // A malformed stored network faces nothing.
      }
    }
  }
  return undefined;
}

function identityText(router: string, policy: string, prefix: string, table: string): string {
  return `${router} ${policy} ${prefix} (route table "${table}")`;
}

/**
 * Operations removing `routes` from `router`, and the BFD rows (of `vendor`) that only they used.
 */
function removalOps(
  nb: NbReplica,
  router: LogicalRouter,
  routes: readonly LogicalRouterStaticRoute[],
  vendor: string,
): Operation[] {
  if (routes.length === 0) return [];
  const ops: Operation[] = [
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', router._uuid)],
      [
        mutateColumn(
          'static_routes',
          'delete',
          routes.map((r) => r._uuid),
        ),
      ],
    ),
  ];
  const removed = new Set<string>(routes.map((r) => r._uuid));
  const candidates = new Set<string>();
  for (const r of routes) if (r.bfd !== undefined) candidates.add(r.bfd);
  if (candidates.size === 0) return ops;
  // BFD is a root table: it outlives its routes unless deleted, but only once no other route uses it.
  for (const other of nb.rows('Logical_Router_Static_Route')) {
    if (!removed.has(other._uuid) && other.bfd !== undefined) candidates.delete(other.bfd);
  }
  for (const uuid of candidates) {
    const bfd = nb.get('BFD', uuid);
    if (bfd !== undefined && ownedBy(bfd, vendor))
      ops.push(deleteRows(BFDTable, [whereColumn('_uuid', '==', bfd._uuid)]));
  }
  return ops;
}

/**
 * Operations adding a static route, or an ECMP group (one route per next hop), to a router.
 * Reads `nb`, sends nothing.
 * @throws {@link InvalidSpecError} for a bad cidr, next hop, policy or route table;
 *   {@link ObjectNotFoundError} for a missing router or output port;
 *   {@link ObjectExistsError} when routes of the identity exist and `mayExist` is not set.
 */
export function addStaticRoute<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: StaticRouteSpec,
  options: AddStaticRouteOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addStaticRouteOps(txn.view, spec, options)));
}

function addStaticRouteOps(
  nb: NbReplica,
  spec: StaticRouteSpec,
  options: AddStaticRouteOptions = {},
): Operation[] {
  const { index } = options;
  const cidr = parseCidr(spec.cidr, fieldName(index, 'cidr'));
  const prefix = routePrefixText(cidr);
  const policy = normalizeRoutePolicy(spec.policy, fieldName(index, 'policy'));
  const table = requireRouteTable(spec.routeTable, fieldName(index, 'routeTable'));
  const hops = parseNextHops(spec.nextHops, cidr.family, fieldName(index, 'nextHopIP'));
  const router = requireNamed(nb, 'Logical_Router', spec.router);
  if (spec.outputPort !== undefined) {
    const port = router.ports
      .map((uuid) => nb.get('Logical_Router_Port', uuid))
      .find((p) => p?.name === spec.outputPort);
    if (port === undefined) throw new ObjectNotFoundError('Logical_Router_Port', spec.outputPort);
  }
  const externalIds = { vendor: KUBE_OVN_VENDOR, ...spec.externalIds };
  const vendor = externalIds.vendor;
  // The BFD port of each next hop, resolved before anything is built so a refusal writes nothing.
  const bfdPorts = new Map<string, string>();
  if (spec.bfd === true) {
    for (const hop of hops) {
      if (hop === DISCARD_NEXT_HOP)
        throw new InvalidSpecError(
          fieldName(index, 'nextHopIP'),
          hop,
          'a discard route has no peer to watch with BFD',
        );
      const port = spec.outputPort ?? portFacing(nb, router, hop);
      if (port === undefined)
        throw new InvalidSpecError(
          fieldName(index, 'nextHopIP'),
          hop,
          `no port of router ${spec.router} has a network holding it; give outputPort for BFD`,
        );
      bfdPorts.set(hop, port);
    }
  }
  const existing = routesOfIdentity(nb, router, table, policy, prefix);
  if (existing.length > 0 && options.mayExist !== true)
    throw new ObjectExistsError(
      'Logical_Router_Static_Route',
      identityText(spec.router, policy, prefix, table),
    );

  const ops: Operation[] = [];
  const bfdRef = new Map<string, Uuid<'BFD'> | NamedRef<'BFD'>>();
  for (const [hop, port] of bfdPorts) {
    const found = nb.where(
      'BFD',
      (b: BFD) => b.logical_port === port && storedNextHopKey(b.dst_ip) === hop,
    )[0];
    if (found !== undefined) {
      bfdRef.set(hop, found._uuid);
      continue;
    }
    const inserted = insertRow(
      BFDTable,
      { logical_port: port, dst_ip: hop, external_ids: { vendor } },
      { uuidName: nextUuidName('bfd') },
    );
    ops.push(inserted.operation);
    bfdRef.set(hop, inserted.ref);
  }

  const kept = new Map<string, LogicalRouterStaticRoute>();
  const stale: LogicalRouterStaticRoute[] = [];
  for (const row of existing) {
    const hop = storedNextHopKey(row.nexthop);
    if (hops.includes(hop) && !kept.has(hop)) kept.set(hop, row);
    else stale.push(row);
  }
  const added: NamedRef<'Logical_Router_Static_Route'>[] = [];
  for (const hop of hops) {
    const ref = bfdRef.get(hop);
    const row = kept.get(hop);
    if (row !== undefined) {
      // Kept rows only gain what was asked for (output port, BFD); the rest stays the owner's.
      const portChange = spec.outputPort !== undefined && row.output_port !== spec.outputPort;
      const bfdChange = ref !== undefined && (row.bfd !== ref || row.options.ecmp_symmetric_reply !== 'true');
      if (portChange || bfdChange) {
        ops.push(
          updateRows(LogicalRouterStaticRouteTable, [whereColumn('_uuid', '==', row._uuid)], {
            ...(portChange ? { output_port: spec.outputPort } : {}),
            ...(ref !== undefined
              ? { bfd: ref, options: { ...row.options, ecmp_symmetric_reply: 'true' } }
              : {}),
          }),
        );
      }
      continue;
    }
    const inserted = insertRow(
      LogicalRouterStaticRouteTable,
      {
        ip_prefix: prefix,
        nexthop: hop,
        policy,
        route_table: table,
        external_ids: externalIds,
        ...(spec.outputPort !== undefined ? { output_port: spec.outputPort } : {}),
        ...(ref !== undefined ? { bfd: ref, options: { ecmp_symmetric_reply: 'true' } } : {}),
      },
      { uuidName: nextUuidName('route') },
    );
    ops.push(inserted.operation);
    added.push(inserted.ref);
  }
  if (added.length > 0) {
    ops.push(
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn('static_routes', 'insert', added)],
      ),
    );
  }
  ops.push(...removalOps(nb, router, stale, vendor));
  return ops;
}

/**
 * Operations deleting the static routes of one identity (or only the one with `nextHop`), and
 * the Kube-OVN-owned BFD rows no remaining route uses. Learned IC routes are never deleted.
 * @throws {@link InvalidSpecError} for a bad cidr, next hop or policy;
 *   {@link ObjectNotFoundError} for a missing router, or no matching route without `ifExists`.
 */
export function deleteStaticRoute<Target extends NbTarget | NbHandle>(
  target: Target,
  selector: StaticRouteSelector,
  options: DeleteStaticRouteOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteStaticRouteOps(txn.view, selector, options)));
}

function deleteStaticRouteOps(
  nb: NbReplica,
  selector: StaticRouteSelector,
  options: DeleteStaticRouteOptions = {},
): Operation[] {
  const { index } = options;
  const cidr = parseCidr(selector.cidr, fieldName(index, 'cidr'));
  const prefix = routePrefixText(cidr);
  const policy = normalizeRoutePolicy(selector.policy, fieldName(index, 'policy'));
  const table = requireRouteTable(selector.routeTable, fieldName(index, 'routeTable'));
  const hop =
    selector.nextHop === undefined
      ? undefined
      : parseNextHops(selector.nextHop, cidr.family, fieldName(index, 'nextHopIP'))[0];
  const router = requireNamed(nb, 'Logical_Router', selector.router);
  const routes = routesOfIdentity(nb, router, table, policy, prefix).filter(
    (row) => hop === undefined || storedNextHopKey(row.nexthop) === hop,
  );
  if (routes.length === 0) {
    if (options.ifExists === true) return [];
    const what = identityText(selector.router, policy, prefix, table);
    throw new ObjectNotFoundError(
      'Logical_Router_Static_Route',
      hop === undefined ? what : `${what} via ${hop}`,
    );
  }
  return removalOps(nb, router, routes, KUBE_OVN_VENDOR);
}
