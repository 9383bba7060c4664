/**
 * Deleting one NetworkPolicy's rows: its port group (its ACLs go with it, strong references)
 * and its address sets, found by the marks the translation writes (`external_ids:np`, vendor
 * kube-ovn). Rows of another owner are never touched.
 */
import type { Operation } from '../../protocol/operations.js';
import type { Planned } from '../../txn/plan.js';
import { deleteAddressSet } from '../address-sets.js';
import { type NbHandle, type NbTarget, planNb } from '../nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from '../ovn-errors.js';
import { ownedBy } from '../ownership.js';
import { deletePortGroup } from '../port-groups.js';
import type { IfExistsOption } from '../routers.js';
import { policyKey } from './names.js';

/** What {@link planDeleteNetworkPolicy} deletes. */
export interface NetworkPolicyDeletion {
  /** The policy's key in its rows' `external_ids:np` (`<namespace>/<npName>`). */
  readonly policy: string;
  /** False: no row of the policy was found (and nothing is deleted). */
  readonly found: boolean;
  readonly operations: Operation[];
  /** One line per row deleted, for people. */
  readonly changes: string[];
}

/** `<namespace>/<name>` as its rows' `external_ids:np` name it. */
function keyOf(policy: string): string {
  const slash = typeof policy === 'string' ? policy.indexOf('/') : -1;
  if (slash <= 0 || slash === policy.length - 1)
    throw new InvalidSpecError('policy', policy, 'must be <namespace>/<name>');
  return policyKey(policy.slice(0, slash), policy.slice(slash + 1));
}

/**
 * Plans the deletion of NetworkPolicy `policy` (`<namespace>/<name>`) on `target` (a replica:
 * the operations are returned; a transaction: they join it): its Kube-OVN port group (with its
 * ACLs) and its address sets of both directions.
 * @throws {@link ObjectNotFoundError} when the policy has no row and `ifExists` is not set;
 *   {@link InvalidSpecError} for a `policy` that is not `<namespace>/<name>`.
 */
export function planDeleteNetworkPolicy(
  target: NbTarget,
  policy: string,
  options: IfExistsOption = {},
): NetworkPolicyDeletion {
  const key = keyOf(policy);
  const changes: string[] = [];
  let found = false;
  const operations = planNb(target, (txn) => {
    const nb = txn.view;
    const groups = nb.where('Port_Group', (g) => g.external_ids.np === key && ownedBy(g));
    const directions = new Set([`${key}/ingress`, `${key}/egress`]);
    const sets = nb.where(
      'Address_Set',
      (set) => set.external_ids.np !== undefined && directions.has(set.external_ids.np) && ownedBy(set),
    );
    found = groups.length > 0 || sets.length > 0;
    if (!found) {
      if (options.ifExists === true) return;
      throw new ObjectNotFoundError('Port_Group', `of NetworkPolicy ${policy} (external_ids:np=${key})`);
    }
    for (const group of groups) {
      deletePortGroup(txn, group.name, { ifExists: true });
      changes.push(`remove port group ${group.name} with its ACLs`);
    }
    for (const set of sets) {
      deleteAddressSet(txn, set.name, { ifExists: true });
      changes.push(`remove address set ${set.name}`);
    }
  });
  return { policy: key, found, operations, changes };
}

/**
 * Deletes NetworkPolicy `policy` (`<namespace>/<name>`): see {@link planDeleteNetworkPolicy}.
 * On a handle it commits its own transaction.
 */
export function deleteNetworkPolicy<Target extends NbTarget | NbHandle>(
  target: Target,
  policy: string,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    planDeleteNetworkPolicy(txn, policy, options);
  });
}
