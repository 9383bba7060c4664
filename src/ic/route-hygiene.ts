/**
 * Keeping learned routes sane, as Kube-OVN's controller does with auto-route: a learned route
 * overlapping a local subnet is removed and its prefix blacklisted (or ovn-ic would learn it
 * again on its next loop), and each learned route can get a priority-29500 `allow` policy so
 * that Kube-OVN's own reroute policies do not catch inter-AZ traffic (ovn-mapping.md B, D3.6).
 */
import { LogicalRouterTable, NBGlobalTable } from '../generated/nb/index.js';
import type {
  LogicalRouter,
  LogicalRouterPolicy,
  NBGlobal,
  Tables as NbTables,
} from '../generated/nb/rows.js';
import { mutateColumn, mutateRows, whereColumn } from '../model/index.js';
import { type Cidr, cidrsOverlap, parseCidr } from '../ovn/addresses.js';
import { type NbHandle, type NbTarget, planNb, requireNamed } from '../ovn/nb-lookup.js';
import { KUBE_OVN_VENDOR } from '../ovn/ownership.js';
import { addPolicyRoute } from '../ovn/policy-routes.js';
import { routerSubnets } from '../ovn/routers.js';
import { DEFAULT_VPC } from '../ovn/vpc-spec.js';
import { NbGlobalMissingError } from '../ovn/wait-for.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { learnedRoutes } from './ic-routes.js';

/** The priority of Kube-OVN's allow policies for IC routes. */
export const IC_ALLOW_PRIORITY = 29500;

const LINK_LOCAL = [parseCidr('169.254.0.0/16', 'link-local'), parseCidr('fe80::/10', 'link-local')];

/** Options of {@link resolveRouteConflicts}. */
export interface RouteConflictOptions {
  /** @default 'ovn-cluster' */
  readonly router?: string;
  /**
   * The local subnets (CIDR blocks, `v4,v6` allowed). @default the router's port networks,
   * leaving out link-local ones (transit switch ports) and peering links
   */
  readonly localCidrs?: readonly string[];
}

/** What {@link resolveRouteConflicts} found. */
export interface RouteConflicts {
  /** The conflicting learned prefixes (normalized), now blacklisted. */
  readonly conflicts: string[];
  /**
   * One transaction: the routes removed and the prefixes appended to `ic-route-blacklist`
   * (already added when the planner ran on a transaction).
   */
  readonly operations: Operation[];
}

/**
 * Finds learned routes of `router` that overlap a local subnet and plans their removal
 * together with their prefixes' addition to `ic-route-blacklist` (kept entries stay first),
 * in one transaction, so ovn-ic cannot learn them back in between. Runs on a replica (the
 * operations are returned) or a transaction (they join it).
 * @throws {@link InvalidSpecError} (`localCidrs[i]`), {@link NbGlobalMissingError},
 *   ObjectNotFoundError for the router.
 */
export function resolveRouteConflicts(target: NbTarget, options: RouteConflictOptions = {}): RouteConflicts {
  let conflicts: string[] = [];
  const operations = planNb(target, (txn) => {
    conflicts = resolveRouteConflictsIn(txn, options);
  });
  return { conflicts, operations };
}

/** Adds the removal and the blacklist to `txn`; returns the conflicting prefixes. */
function resolveRouteConflictsIn(txn: Transaction<NbTables>, options: RouteConflictOptions): string[] {
  const nb = txn.view;
  const routerName = options.router ?? DEFAULT_VPC;
  const router = requireNamed(nb, 'Logical_Router', routerName);
  const local: Cidr[] =
    options.localCidrs === undefined
      ? routerSubnets(nb, routerName)
          .map((subnet) => subnet.cidr)
          .filter((cidr) => !LINK_LOCAL.some((ll) => cidrsOverlap(ll, cidr)))
      : options.localCidrs.flatMap((text, i) =>
          text.split(',').map((part) => parseCidr(part.trim(), `localCidrs[${i}]`)),
        );
  const conflicting = learnedRoutes(nb, { router: routerName }).filter((route) => {
    const prefix = parseCidr(route.prefix, 'ip_prefix');
    return local.some((cidr) => cidrsOverlap(cidr, prefix));
  });
  if (conflicting.length === 0) return [];
  const global = nb.list('NB_Global')[0] as NBGlobal | undefined;
  if (global === undefined) throw new NbGlobalMissingError();
  const current = (global.options['ic-route-blacklist'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const conflicts = [...new Set(conflicting.map((route) => route.prefix))];
  const blacklist = [...current, ...conflicts.filter((prefix) => !current.includes(prefix))];
  txn.add([
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', router._uuid)],
      [
        mutateColumn<LogicalRouter, 'static_routes', 'delete'>(
          'static_routes',
          'delete',
          conflicting.map((route) => route.uuid as LogicalRouter['static_routes'][number]),
        ),
      ],
    ),
    mutateRows(
      NBGlobalTable,
      [whereColumn('_uuid', '==', global._uuid)],
      [
        mutateColumn<NBGlobal, 'options', 'delete'>('options', 'delete', ['ic-route-blacklist']),
        mutateColumn<NBGlobal, 'options', 'insert'>('options', 'insert', {
          'ic-route-blacklist': blacklist.join(','),
        }),
      ],
    ),
  ]);
  return conflicts;
}

/** The match of the allow policy for a prefix: `ip4.dst == 10.17.0.0/24` (host bits cleared). */
export function icAllowMatch(prefix: string): string {
  const cidr = parseCidr(prefix, 'ip_prefix');
  return `ip${cidr.family}.dst == ${cidr.networkText}`;
}

/**
 * The operations bringing `router`'s priority-29500 allow policies to its learned routes: one
 * per learned prefix (`ip4.dst == <prefix>`, or ip6, with `external_ids {origin, vendor}`),
 * and the 29500 policies of Kube-OVN's IC origins that no learned route backs removed.
 * Policies of other priorities or owners are never touched. Kube-OVN writes the prefix as
 * learned; the match here clears host bits (OVN's expression parser would mask them off
 * anyway), so that each prefix has one spelling to compare.
 */
export function syncIcAllowPolicies<Target extends NbTarget | NbHandle>(
  target: Target,
  routerName: string = DEFAULT_VPC,
): Planned<Target> {
  return planNb(target, (txn) => syncIcAllowPoliciesIn(txn, routerName));
}

function syncIcAllowPoliciesIn(txn: Transaction<NbTables>, routerName: string): void {
  const nb = txn.view;
  const router = requireNamed(nb, 'Logical_Router', routerName);
  const wanted = new Map<string, string>();
  for (const route of learnedRoutes(nb, { router: routerName })) {
    wanted.set(icAllowMatch(route.prefix), route.origin);
  }
  const stale: LogicalRouterPolicy['_uuid'][] = [];
  const kept = new Set<string>();
  for (const uuid of router.policies) {
    const policy = nb.get('Logical_Router_Policy', uuid);
    if (policy === undefined || policy.priority !== IC_ALLOW_PRIORITY) continue;
    const origin = policy.external_ids.origin;
    if (policy.external_ids.vendor !== KUBE_OVN_VENDOR || (origin !== 'connected' && origin !== 'static'))
      continue;
    // The first policy of a wanted match stays (addPolicyRoute below fixes its action or
    // origin); any other is stale.
    if (wanted.has(policy.match) && !kept.has(policy.match)) kept.add(policy.match);
    else stale.push(policy._uuid);
  }
  if (stale.length > 0)
    txn.add(
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn<LogicalRouter, 'policies', 'delete'>('policies', 'delete', stale)],
      ),
    );
  // Each call sees the removal above and the policies added before it.
  for (const [match, origin] of wanted) {
    addPolicyRoute(
      txn,
      { router: routerName, priority: IC_ALLOW_PRIORITY, match, action: 'allow', externalIds: { origin } },
      { mayExist: true },
    );
  }
}
