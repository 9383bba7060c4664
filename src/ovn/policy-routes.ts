/**
 * Policy routes of a logical router (Kube-OVN `Vpc.spec.policyRoutes`), built as operations.
 *
 * A policy's identity is (priority, match) within its router, as in ovn-nbctl. Reroute next
 * hops go to `nexthops` (several = ECMP); the deprecated `nexthop` column is never written.
 */
import { TableNotReplicatedError } from '../cache/replica-events.js';
import type { LogicalRouterPolicy, LogicalRouterPolicyAction } from '../generated/nb/index.js';
import { LogicalRouterPolicyTable, LogicalRouterTable } from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { insertRow, mutateRows, updateRows } from '../model/typed-ops.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { parseIp } from './addresses.js';
import type { MatchOptions } from './expr/index.js';
import { tokenize } from './expr/lexer.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb, requireNamed } from './nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';
import { checkRouterMatch, ROUTER_MATCH } from './router-match.js';
import { nextUuidName } from './uuid-names.js';

/** The highest priority OVN accepts for a Logical_Router_Policy. */
export const MAX_POLICY_PRIORITY = 32767;

const ACTIONS: readonly string[] = ['allow', 'drop', 'reroute'];

/** A policy route to add. */
export interface PolicyRouteSpec {
  /** The Logical_Router name (the VPC). */
  readonly router: string;
  /** 0..32767; higher is evaluated first. */
  readonly priority: number;
  /**
   * An OVN match expression (`ip4.src == 10.0.0.0/24`), stored as given; refused when OVN's
   * parser would refuse it (see docs/ovn-expressions.md).
   */
  readonly match: string;
  readonly action: LogicalRouterPolicyAction;
  /** Reroute only: one next hop, a comma list or a list (several = ECMP), one family. */
  readonly nextHops?: string | readonly string[];
  /** Written on new rows (and merged into a kept row's); `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link addPolicyRoute}. */
export interface AddPolicyRouteOptions {
  /**
   * When policies with the same priority and match exist: keep the first with the same action
   * and next hops (merging `externalIds` into it), remove the others, insert if none was kept,
   * instead of throwing {@link ObjectExistsError}.
   */
  readonly mayExist?: boolean;
  /** Position in `spec.policyRoutes`: errors then name `policyRoutes[<index>].<field>`. */
  readonly index?: number;
}

/** Which policies to delete. */
export interface PolicyRouteSelector {
  readonly router: string;
  readonly priority: number;
  /** Only the policy with this match; every policy of the priority when omitted. */
  readonly match?: string;
}

/** Options of {@link deletePolicyRoute}. */
export interface DeletePolicyRouteOptions {
  /** No policy matches: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
  /** Position in `spec.policyRoutes`: errors then name `policyRoutes[<index>].<field>`. */
  readonly index?: number;
}

function fieldName(index: number | undefined, field: string): string {
  return index === undefined ? field : `policyRoutes[${index}].${field}`;
}

function checkPriority(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_POLICY_PRIORITY)
    throw new InvalidSpecError(field, value, `the priority is an integer from 0 to ${MAX_POLICY_PRIORITY}`);
  return value;
}

/**
 * What a match on a router's pipeline may refer to: no port group (ovn-northd gives port groups
 * to switches only, so `@name` never resolves there), and the address sets `nb` holds, their
 * addresses checked like constants. A set it does not hold is not refused: one created after
 * the policy makes it work from then on (and a port group's `<name>_ip4` is ovn-northd's).
 */
function routerPipeline(nb: NbReplica, match: string): MatchOptions {
  const options = ROUTER_MATCH;
  if (!match.includes('$')) return options;
  // The sets the match names, each by the schema's index on name: no scan of the table.
  const addressSets = new Map<string, readonly string[]>();
  try {
    for (const token of tokenize(match)) {
      if (token.kind !== 'address-set' || addressSets.has(token.name)) continue;
      const row = nb.findOne('Address_Set', 'name', token.name);
      if (row !== undefined) addressSets.set(token.name, row.addresses);
    }
  } catch (error) {
    // A replica of some tables only: the sets are then unknown, not missing.
    if (error instanceof TableNotReplicatedError) return options;
    throw error;
  }
  return { ...options, addressSets };
}

function checkNonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidSpecError(field, value, 'the match is a non-empty OVN expression');
  return value;
}

/**
 * A match to write: one OVN's parser refuses would be copied by ovn-northd into a flow that
 * ovn-controller never installs, so the policy would silently do nothing.
 */
function checkPolicyMatch(nb: NbReplica, value: unknown, field: string): string {
  const text = checkNonEmpty(value, field);
  return checkRouterMatch(text, field, routerPipeline(nb, text));
}

/** Canonical, de-duplicated next hops, all of one family; empty when none are given. */
function parseNextHops(value: string | readonly string[] | undefined, field: string): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];
  const hops: string[] = [];
  let family: number | undefined;
  for (const item of items) {
    const text = typeof item === 'string' ? item.trim() : item;
    // Kube-OVN's spec leaves nextHopIP empty for allow/drop: an empty item is "no next hop".
    if (text === '' && items.length === 1) return [];
    const ip = parseIp(text as string, field);
    if (family !== undefined && ip.family !== family)
      throw new InvalidSpecError(field, value, 'the next hops are not all of one address family');
    family = ip.family;
    if (!hops.includes(ip.text)) hops.push(ip.text);
  }
  return hops;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function canonicalHops(row: LogicalRouterPolicy): string[] {
  const stored = row.nexthops.length > 0 ? row.nexthops : row.nexthop !== undefined ? [row.nexthop] : [];
  return stored.map((hop) => {
    try {
      return parseIp(hop, 'nexthops').text;
    } catch {
      return hop;
    }
  });
}

function policiesOf(
  nb: NbReplica,
  policies: readonly string[],
  priority: number,
  match: string | undefined,
): LogicalRouterPolicy[] {
  const out: LogicalRouterPolicy[] = [];
  for (const uuid of policies) {
    const row = nb.get('Logical_Router_Policy', uuid);
    if (row !== undefined && row.priority === priority && (match === undefined || row.match === match))
      out.push(row);
  }
  return out;
}

/**
 * Operations adding a policy route to a router. Reads `nb`, sends nothing.
 * @throws {@link InvalidSpecError} for a bad priority, match (one OVN's parser refuses: its
 *   `cause` is the {@link InvalidMatchError}), action or next hop, a reroute
 *   without next hop or next hops for another action; {@link ObjectNotFoundError} for a missing
 *   router; {@link ObjectExistsError} when the (priority, match) exists and `mayExist` is not set.
 */
export function addPolicyRoute<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: PolicyRouteSpec,
  options: AddPolicyRouteOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addPolicyRouteOps(txn.view, spec, options)));
}

function addPolicyRouteOps(
  nb: NbReplica,
  spec: PolicyRouteSpec,
  options: AddPolicyRouteOptions = {},
): Operation[] {
  const { index } = options;
  const priority = checkPriority(spec.priority, fieldName(index, 'priority'));
  const match = checkPolicyMatch(nb, spec.match, fieldName(index, 'match'));
  if (!ACTIONS.includes(spec.action))
    throw new InvalidSpecError(
      fieldName(index, 'action'),
      spec.action,
      'the action is allow, drop or reroute',
    );
  const hops = parseNextHops(spec.nextHops, fieldName(index, 'nextHopIP'));
  if (spec.action === 'reroute' && hops.length === 0)
    throw new InvalidSpecError(fieldName(index, 'nextHopIP'), spec.nextHops, 'a reroute needs a next hop');
  if (spec.action !== 'reroute' && hops.length > 0)
    throw new InvalidSpecError(
      fieldName(index, 'nextHopIP'),
      spec.nextHops,
      `action ${spec.action} takes no next hop`,
    );
  const router = requireNamed(nb, 'Logical_Router', spec.router);
  const externalIds = { vendor: KUBE_OVN_VENDOR, ...spec.externalIds };

  const existing = policiesOf(nb, router.policies, priority, match);
  if (existing.length > 0 && options.mayExist !== true)
    throw new ObjectExistsError(
      'Logical_Router_Policy',
      `${spec.router} priority ${priority} match ${match}`,
    );

  const ops: Operation[] = [];
  const kept = existing.find((row) => row.action === spec.action && sameSet(canonicalHops(row), hops));
  const stale = existing.filter((row) => row !== kept);
  if (kept === undefined) {
    const inserted = insertRow(
      LogicalRouterPolicyTable,
      { priority, match, action: spec.action, nexthops: hops, external_ids: externalIds },
      { uuidName: nextUuidName('policy') },
    );
    // The generated model is the 23.03 schema, which lacks bfd_sessions: add it on the wire.
    if (nb.has('Logical_Router_Policy', 'bfd_sessions')) inserted.operation.row.bfd_sessions = ['set', []];
    ops.push(
      inserted.operation,
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn('policies', 'insert', [inserted.ref])],
      ),
    );
  } else {
    const merged: Record<string, string> = { ...kept.external_ids, ...externalIds };
    const changed = Object.keys(merged).some((key) => kept.external_ids[key] !== merged[key]);
    if (changed)
      ops.push(
        updateRows(LogicalRouterPolicyTable, [whereColumn('_uuid', '==', kept._uuid)], {
          external_ids: merged,
        }),
      );
  }
  if (stale.length > 0) {
    ops.push(
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [
          mutateColumn(
            'policies',
            'delete',
            stale.map((row) => row._uuid),
          ),
        ],
      ),
    );
  }
  return ops;
}

/**
 * Operations deleting the router's policies of `priority` (and `match`, when given). The match
 * is compared as text, not parsed, so a policy with a match OVN refuses can be deleted.
 * @throws {@link InvalidSpecError} for a bad priority or an empty match; {@link ObjectNotFoundError} for a
 *   missing router, or no matching policy without `ifExists`.
 */
export function deletePolicyRoute<Target extends NbTarget | NbHandle>(
  target: Target,
  selector: PolicyRouteSelector,
  options: DeletePolicyRouteOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deletePolicyRouteOps(txn.view, selector, options)));
}

function deletePolicyRouteOps(
  nb: NbReplica,
  selector: PolicyRouteSelector,
  options: DeletePolicyRouteOptions = {},
): Operation[] {
  const { index } = options;
  const priority = checkPriority(selector.priority, fieldName(index, 'priority'));
  // Not parsed: a policy written with a bad match (by another tool) must stay deletable.
  const match =
    selector.match === undefined ? undefined : checkNonEmpty(selector.match, fieldName(index, 'match'));
  const router = requireNamed(nb, 'Logical_Router', selector.router);
  const rows = policiesOf(nb, router.policies, priority, match);
  if (rows.length === 0) {
    if (options.ifExists === true) return [];
    const what = `${selector.router} priority ${priority}${match === undefined ? '' : ` match ${match}`}`;
    throw new ObjectNotFoundError('Logical_Router_Policy', what);
  }
  return [
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', router._uuid)],
      [
        mutateColumn(
          'policies',
          'delete',
          rows.map((row) => row._uuid),
        ),
      ],
    ),
  ];
}
