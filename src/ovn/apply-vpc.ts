/**
 * `applyVpc`: the declarative reconcile of one Kube-OVN Vpc. It diffs the spec against the
 * replica and sends everything in **one** transaction: the router (created when missing),
 * its peering ports, static routes and policy routes. Applying the same spec again sends
 * nothing. It removes only rows it owns (`external_ids:vendor`), never rows other tools wrote
 * and never routes OVN-IC learned.
 *
 * The plan is a transaction body: each helper it calls reads the replica as the earlier steps
 * left it (a router created by the plan has its ports and routes added in the same body).
 */
import type { Tables as NbTables } from '../generated/nb/rows.js';
import type { Operation } from '../protocol/operations.js';
import type { Transaction } from '../txn/transaction.js';
import { parseCidr } from './addresses.js';
import { findNamed, type NbHandle, type NbTarget, planNb, requireNamed } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { isIcLearned, ownedBy } from './ownership.js';
import { peeringPortNames, peerVpc, unpeerVpc } from './peering.js';
import { addPolicyRoute, deletePolicyRoute } from './policy-routes.js';
import { createRouter } from './routers.js';
import {
  addStaticRoute,
  deleteStaticRoute,
  normalizeRoutePolicy,
  routePrefixText,
  storedPrefixKey,
  storedRouteCidr,
} from './static-routes.js';
import { checkPolicyRouteIdentities, parseResources, parseVpc, type VpcResource } from './vpc-spec.js';

/** Options of {@link applyVpc}. */
export interface ApplyVpcOptions {
  /** Plan only: return the operations without sending them. @default false */
  dryRun?: boolean;
  /** Aborts the reconcile (before the commit, or while it is on the wire). */
  signal?: AbortSignal;
  /**
   * Commit only while this lock is held (an `assert` goes with the transaction; without the
   * lock nothing is sent and the call rejects with `LockNotHeldError`): a controller that
   * lost its leadership cannot write.
   */
  lock?: string;
}

/** What a plan does. */
export interface VpcPlan {
  readonly vpc: string;
  /** The operations of the one transaction (empty: the database already matches the spec). */
  readonly operations: Operation[];
  /** One line per change, for people. */
  readonly changes: string[];
  /** True when the operations were sent (not a dry run, and something to do). */
  readonly applied: boolean;
}

/**
 * Plans the reconcile of `spec` (a Vpc resource, its YAML or JSON text, or a parsed
 * {@link VpcResource}) on `target`: a replica (the operations are returned) or a transaction
 * in progress (they join it, and later steps of the same body see them). Throws a typed error,
 * before planning anything, on bad input (`DuplicatePolicyError` for two policy routes of one
 * priority and match).
 */
export function planVpc(
  target: NbTarget,
  spec: VpcResource | string | object,
  options: PlanVpcOptions = {},
): Omit<VpcPlan, 'applied'> {
  const vpc = toVpc(spec);
  const changes: string[] = [];
  const operations = planNb(target, (txn) => planVpcIn(txn, vpc, changes, options.sameInput));
  return { vpc: vpc.name, operations, changes };
}

/** Options of {@link planVpc}. */
export interface PlanVpcOptions {
  /**
   * The other Vpcs of the same input, planned in the same transaction (the list may hold this
   * Vpc too: pass one array, unchanged, for every Vpc of an input, and it is indexed once). A
   * peering with one of them is checked against what its spec declares, not against its port in NB (which the
   * same transaction rewrites): both ends of a link can be renumbered at once.
   */
  readonly sameInput?: readonly VpcResource[];
}

// The Vpcs of an input by name (the first of a name), worked out once per input, not once per
// Vpc planned; worked out again when the list's length changed.
const byNameOf = new WeakMap<readonly VpcResource[], { length: number; map: Map<string, VpcResource> }>();

function vpcsByName(vpcs: readonly VpcResource[]): ReadonlyMap<string, VpcResource> {
  const found = byNameOf.get(vpcs);
  if (found !== undefined && found.length === vpcs.length) return found.map;
  const map = new Map<string, VpcResource>();
  for (const vpc of vpcs) if (!map.has(vpc.name)) map.set(vpc.name, vpc);
  byNameOf.set(vpcs, { length: vpcs.length, map });
  return map;
}

function planVpcIn(
  txn: Transaction<NbTables>,
  vpc: VpcResource,
  changes: string[],
  sameInput: readonly VpcResource[] = [],
): void {
  const view = txn.view;
  const routerSpec = {
    name: vpc.name,
    hasPeerings: vpc.vpcPeerings.length > 0,
    enableExternal: vpc.enableExternal,
  };
  if (findNamed(txn, 'Logical_Router', vpc.name) === undefined) {
    createRouter(txn, routerSpec);
    changes.push(`create router ${vpc.name}`);
  } else if (createRouter(txn, routerSpec, { mayExist: true }).length > 0) {
    changes.push(`update options of router ${vpc.name}`);
  }
  // The router before its ports and routes change: what the spec is compared with.
  const router = requireNamed(txn, 'Logical_Router', vpc.name);

  // Peerings: every spec peering present (idempotent); owned peering ports the spec no longer lists, gone.
  const wantedPorts = new Set<string>();
  for (const peering of vpc.vpcPeerings) {
    wantedPorts.add(peeringPortNames(vpc.name, peering.remoteVpc).local);
    const remote = vpcsByName(sameInput).get(peering.remoteVpc);
    const ops = peerVpc(
      txn,
      { vpc: vpc.name, remoteVpc: peering.remoteVpc, localConnectIP: peering.localConnectIP },
      remote === undefined
        ? {}
        : {
            remoteDeclared: {
              connectIP: remote.vpcPeerings.find((back) => back.remoteVpc === vpc.name)?.localConnectIP,
            },
          },
    );
    if (ops.length > 0)
      changes.push(`peer ${vpc.name} with ${peering.remoteVpc} (${peering.localConnectIP})`);
  }
  for (const uuid of router.ports) {
    const port = view.get('Logical_Router_Port', uuid);
    if (port === undefined || port.peer === undefined || !ownedBy(port) || wantedPorts.has(port.name))
      continue;
    const prefix = `${vpc.name}-`;
    if (!port.name.startsWith(prefix)) continue;
    const remoteVpc = port.name.slice(prefix.length);
    unpeerVpc(txn, { vpc: vpc.name, remoteVpc }, { ifExists: true });
    changes.push(`unpeer ${vpc.name} from ${remoteVpc}`);
  }

  // Static routes: one ECMP group per identity (route table, policy, prefix).
  const groups = new Map<
    string,
    { cidr: string; policy: 'dst-ip' | 'src-ip'; routeTable: string; hops: string[]; index: number }
  >();
  vpc.staticRoutes.forEach((route, index) => {
    const policy = normalizeRoutePolicy(route.policy, `spec.staticRoutes[${index}].policy`);
    const prefix = routePrefixText(parseCidr(route.cidr, `spec.staticRoutes[${index}].cidr`));
    const routeTable = route.routeTable ?? '';
    const key = `${routeTable}|${policy}|${prefix}`;
    const group = groups.get(key) ?? { cidr: route.cidr, policy, routeTable, hops: [], index };
    group.hops.push(
      ...route.nextHopIP
        .split(',')
        .map((hop) => hop.trim())
        .filter((hop) => hop !== ''),
    );
    groups.set(key, group);
  });
  for (const group of groups.values()) {
    const ops = addStaticRoute(
      txn,
      {
        router: vpc.name,
        cidr: group.cidr,
        nextHops: group.hops,
        policy: group.policy,
        routeTable: group.routeTable,
      },
      { mayExist: true, index: group.index },
    );
    if (ops.length > 0)
      changes.push(
        `route ${group.policy} ${group.cidr} via ${group.hops.join(',')}${group.routeTable ? ` table ${group.routeTable}` : ''}`,
      );
  }
  const seenRoutes = new Set<string>();
  for (const uuid of router.static_routes) {
    const row = view.get('Logical_Router_Static_Route', uuid);
    if (row === undefined || !ownedBy(row) || isIcLearned(row)) continue;
    const policy = normalizeRoutePolicy(row.policy);
    const cidr = storedRouteCidr(row.ip_prefix);
    const key = `${row.route_table}|${policy}|${storedPrefixKey(row.ip_prefix)}`;
    if (groups.has(key) || seenRoutes.has(key)) continue;
    seenRoutes.add(key);
    deleteStaticRoute(
      txn,
      { router: vpc.name, cidr, policy, routeTable: row.route_table },
      { ifExists: true },
    );
    changes.push(
      `remove route ${policy} ${row.ip_prefix}${row.route_table ? ` table ${row.route_table}` : ''}`,
    );
  }

  // Policy routes: identity (priority, match).
  const wantedPolicies = new Set<string>();
  vpc.policyRoutes.forEach((policy, index) => {
    wantedPolicies.add(`${policy.priority}|${policy.match}`);
    const ops = addPolicyRoute(
      txn,
      {
        router: vpc.name,
        priority: policy.priority,
        match: policy.match,
        action: policy.action,
        ...(policy.nextHopIP !== undefined ? { nextHops: policy.nextHopIP } : {}),
      },
      { mayExist: true, index },
    );
    if (ops.length > 0) changes.push(`policy ${policy.priority} ${policy.match} ${policy.action}`);
  });
  for (const uuid of router.policies) {
    const row = view.get('Logical_Router_Policy', uuid);
    if (row === undefined || !ownedBy(row) || wantedPolicies.has(`${row.priority}|${row.match}`)) continue;
    deletePolicyRoute(
      txn,
      { router: vpc.name, priority: row.priority, match: row.match },
      { ifExists: true },
    );
    changes.push(`remove policy ${row.priority} ${row.match}`);
  }
}

/**
 * Reconciles the Northbound database with `spec` in one transaction on `nb` (a session or a
 * connection's database handle, reading its replica) and resolves with the plan. Applying the
 * same spec again sends nothing (`applied: false`). With `dryRun`, only plans. The reconcile
 * is declarative: when the commit's reply is lost in a failover, or another writer changed a
 * row it read, it is planned again on fresh rows, so it is never applied twice.
 *
 * @example
 * ```ts fragment
 * const plan = await applyVpc(nb, yamlText);
 * console.log(plan.changes);
 * ```
 */
export async function applyVpc(
  nb: NbHandle,
  spec: VpcResource | string | object,
  options: ApplyVpcOptions = {},
): Promise<VpcPlan> {
  const vpc = toVpc(spec);
  let changes: string[] = [];
  const outcome = await nb.transaction(
    (txn) => {
      changes = [];
      planVpcIn(txn, vpc, changes);
    },
    {
      idempotent: true,
      ...(options.dryRun === true ? { dryRun: true } : {}),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.lock === undefined ? {} : { lock: options.lock }),
    },
  );
  return { vpc: vpc.name, operations: [...outcome.operations], changes, applied: outcome.sent };
}

function toVpc(spec: VpcResource | string | object): VpcResource {
  if (typeof spec === 'string') {
    const { vpcs } = parseResources(spec);
    if (vpcs.length !== 1)
      throw new InvalidSpecError('kind', 'Vpc', `expected one Vpc resource, found ${vpcs.length}`);
    return vpcs[0] as VpcResource;
  }
  if ('staticRoutes' in spec && 'vpcPeerings' in spec && 'policyRoutes' in spec && !('spec' in spec)) {
    // Built by hand, not by parseVpc: the one check across entries is made here.
    checkPolicyRouteIdentities((spec as VpcResource).policyRoutes);
    return spec as VpcResource;
  }
  return parseVpc(spec);
}
