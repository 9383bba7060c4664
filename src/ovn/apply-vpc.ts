/**
 * `applyVpc`: the declarative reconcile of one Kube-OVN Vpc. It diffs the spec against the
 * replica and sends everything in **one** transaction: the router (created when missing),
 * its peering ports, static routes and policy routes. Applying the same spec again sends
 * nothing. It removes only rows it owns (`external_ids:vendor`), never rows other tools wrote
 * and never routes OVN-IC learned.
 *
 * A router created by the plan does not exist yet when the other helpers read the replica,
 * so the planner gives it a client-chosen UUID and lets them read through a view that shows
 * it (the operations that follow refer to it by that UUID, which the insert makes true inside
 * the transaction).
 */
import { randomUUID } from 'node:crypto';
import type { LogicalRouter, Tables as NbTables } from '../generated/nb/rows.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { parseCidr } from './addresses.js';
import { findNamed, type NbReplica } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { isIcLearned, KUBE_OVN_VENDOR, ownedBy } from './ownership.js';
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
import { parseResources, parseVpc, type VpcResource } from './vpc-spec.js';

/** Something that runs one transaction on OVN_Northbound: a `Session`, or a client bound to the database. */
export interface NbWriter {
  transact(operations: readonly Operation[]): Promise<OperationResult[]>;
}

/** Options of {@link planVpc} and {@link applyVpc}. */
export interface ApplyVpcOptions {
  /** Plan only: return the operations without sending them. @default false */
  dryRun?: boolean;
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

/** Reads through to the replica, plus one router the plan is about to create. */
function withPlannedRouter(nb: NbReplica, router: LogicalRouter): NbReplica {
  const isRouters = (table: string) => table === 'Logical_Router';
  return {
    get: ((table: string, uuid: string) =>
      isRouters(table) && uuid === router._uuid ? router : nb.get(table as never, uuid)) as NbReplica['get'],
    list: ((table: string) =>
      isRouters(table)
        ? [...nb.list('Logical_Router'), router]
        : nb.list(table as never)) as NbReplica['list'],
    rows: ((table: string) =>
      isRouters(table)
        ? [...nb.list('Logical_Router'), router][Symbol.iterator]()
        : nb.rows(table as never)) as NbReplica['rows'],
    count: ((table: string) => nb.count(table as never) + (isRouters(table) ? 1 : 0)) as NbReplica['count'],
    where: ((table: string, predicate: (row: unknown) => boolean) => {
      const rows = nb.where(table as never, predicate as never) as unknown[];
      return isRouters(table) && predicate(router) ? [...rows, router] : rows;
    }) as NbReplica['where'],
    find: nb.find.bind(nb),
    findOne: nb.findOne.bind(nb),
    indexes: nb.indexes.bind(nb),
    has: nb.has.bind(nb),
  };
}

/**
 * Plans the reconcile of `spec` (a Vpc resource, its YAML or JSON text, or a parsed
 * {@link VpcResource}) against the replica. Throws a typed error, before planning anything,
 * on bad input.
 */
export function planVpc(nb: NbReplica, spec: VpcResource | string | object): Omit<VpcPlan, 'applied'> {
  const vpc = toVpc(spec);
  const operations: Operation[] = [];
  const changes: string[] = [];
  let view = nb;
  let router = findNamed(nb, 'Logical_Router', vpc.name);
  const routerSpec = {
    name: vpc.name,
    hasPeerings: vpc.vpcPeerings.length > 0,
    enableExternal: vpc.enableExternal,
  };
  if (router === undefined) {
    const uuid = randomUUID();
    const [insert] = createRouter(nb, routerSpec);
    operations.push({ ...(insert as Extract<Operation, { op: 'insert' }>), uuid });
    const planned = plannedRouter(uuid, insert as Extract<Operation, { op: 'insert' }>);
    view = withPlannedRouter(nb, planned);
    router = planned;
    changes.push(`create router ${vpc.name}`);
  } else {
    const update = createRouter(nb, routerSpec, { mayExist: true });
    if (update.length > 0) changes.push(`update options of router ${vpc.name}`);
    operations.push(...update);
  }

  // Peerings: every spec peering present (idempotent); owned peering ports the spec no longer lists, gone.
  const wantedPorts = new Set<string>();
  for (const peering of vpc.vpcPeerings) {
    wantedPorts.add(peeringPortNames(vpc.name, peering.remoteVpc).local);
    const ops = peerVpc(view, {
      vpc: vpc.name,
      remoteVpc: peering.remoteVpc,
      localConnectIP: peering.localConnectIP,
    });
    if (ops.length > 0)
      changes.push(`peer ${vpc.name} with ${peering.remoteVpc} (${peering.localConnectIP})`);
    operations.push(...ops);
  }
  for (const uuid of router.ports) {
    const port = view.get('Logical_Router_Port', uuid);
    if (port === undefined || port.peer === undefined || !ownedBy(port) || wantedPorts.has(port.name))
      continue;
    const prefix = `${vpc.name}-`;
    if (!port.name.startsWith(prefix)) continue;
    const remoteVpc = port.name.slice(prefix.length);
    operations.push(...unpeerVpc(view, { vpc: vpc.name, remoteVpc }, { ifExists: true }));
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
      view,
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
    operations.push(...ops);
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
    operations.push(
      ...deleteStaticRoute(
        view,
        { router: vpc.name, cidr, policy, routeTable: row.route_table },
        { ifExists: true },
      ),
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
      view,
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
    operations.push(...ops);
  });
  for (const uuid of router.policies) {
    const row = view.get('Logical_Router_Policy', uuid);
    if (row === undefined || !ownedBy(row) || wantedPolicies.has(`${row.priority}|${row.match}`)) continue;
    operations.push(
      ...deletePolicyRoute(
        view,
        { router: vpc.name, priority: row.priority, match: row.match },
        { ifExists: true },
      ),
    );
    changes.push(`remove policy ${row.priority} ${row.match}`);
  }
  return { vpc: vpc.name, operations, changes };
}

/**
 * Reconciles the database with `spec` in one transaction and resolves with the plan. Applying
 * the same spec again sends nothing (`applied: false`). With `dryRun`, only plans.
 *
 * @example
 * ```ts
 * const nb = await Replica.start(client, model);
 * await applyVpc({ transact: (ops) => client.transact('OVN_Northbound', ops) }, nb, yamlText);
 * ```
 */
export async function applyVpc(
  writer: NbWriter,
  nb: NbReplica,
  spec: VpcResource | string | object,
  options: ApplyVpcOptions = {},
): Promise<VpcPlan> {
  const plan = planVpc(nb, spec);
  if (options.dryRun === true || plan.operations.length === 0) return { ...plan, applied: false };
  await writer.transact(plan.operations);
  return { ...plan, applied: true };
}

function toVpc(spec: VpcResource | string | object): VpcResource {
  if (typeof spec === 'string') {
    const { vpcs } = parseResources(spec);
    if (vpcs.length !== 1)
      throw new InvalidSpecError('kind', 'Vpc', `expected one Vpc resource, found ${vpcs.length}`);
    return vpcs[0] as VpcResource;
  }
  if ('staticRoutes' in spec && 'vpcPeerings' in spec && 'policyRoutes' in spec && !('spec' in spec)) {
    return spec as VpcResource;
  }
  return parseVpc(spec);
}

function plannedRouter(uuid: string, insert: Extract<Operation, { op: 'insert' }>): LogicalRouter {
  const row = insert.row as Record<string, unknown>;
  const map = (value: unknown): Record<string, string> =>
    Array.isArray(value) && value[0] === 'map' ? Object.fromEntries(value[1] as Array<[string, string]>) : {};
  return {
    _uuid: uuid as LogicalRouter['_uuid'],
    _version: uuid as LogicalRouter['_version'],
    name: String(row.name),
    options: map(row.options),
    external_ids: map(row.external_ids ?? ['map', [['vendor', KUBE_OVN_VENDOR]]]),
    ports: [],
    static_routes: [],
    policies: [],
    nat: [],
    load_balancer: [],
    load_balancer_group: [],
  } satisfies LogicalRouter as NbTables['Logical_Router'];
}
