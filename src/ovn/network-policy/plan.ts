/**
 * The planner: brings the Northbound database to what the policies translate to, by diffs
 * (one mutate per port group or address set that changed, ACLs by identity), so that a pod
 * or namespace label change touches only the rows it affects. It removes only rows this
 * translation owns: a policy's address sets (`external_ids:np=<ns>/<npName>/<direction>`),
 * its port group's ACLs (`external_ids:parent=<port group>`, vendor kube-ovn), and, with
 * `prune`, the port groups (`external_ids:np`) of policies no longer given.
 */
import type { AddressSet } from '../../generated/nb/index.js';
import type { Tables as NbTables } from '../../generated/nb/rows.js';
import type { Operation } from '../../protocol/operations.js';
import type { Transaction } from '../../txn/transaction.js';
import { type AclSpec, setAcls } from '../acls.js';
import { deleteAddressSet, setAddressSet } from '../address-sets.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  unverifiedNb,
} from '../nb-lookup.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { ownedBy } from '../ownership.js';
import { setPortGroup } from '../port-groups.js';
import { NetworkPolicyConflictError } from './conflict-error.js';
import { planDeleteNetworkPolicy } from './delete-policy.js';
import { type KubernetesObjects, type PodResource, parseKubernetesObjects } from './k8s-objects.js';
import { podPortName } from './names.js';
import { createPodPorts, missingPodPorts } from './pod-ports.js';
import { type DesiredNetworkPolicy, translateNetworkPolicies } from './translate.js';

/** Options of {@link planNetworkPolicies}. */
export interface PlanNetworkPoliciesOptions {
  /**
   * Also remove the port groups (with their ACLs) and address sets of policies this input no
   * longer holds: every Port_Group with `external_ids:np` and vendor kube-ovn whose policy is
   * not given. Without it, only the given policies' rows are touched. @default false
   */
  readonly prune?: boolean;
}

/** What the plan does for one policy. */
export interface NetworkPolicyPlan {
  /** `<namespace>/<name>` (for a pruned policy, its port group's `external_ids:np`). */
  readonly policy: string;
  readonly portGroup: string;
  /** This policy's share of the transaction (empty: its rows already match). */
  readonly operations: Operation[];
  /** One line per change, for people. */
  readonly changes: string[];
}

/** What {@link applyNetworkPolicies} did. */
export interface NetworkPoliciesOutcome {
  readonly policies: NetworkPolicyPlan[];
  /** Every operation of the one transaction. */
  readonly operations: Operation[];
  /** True when the operations were sent (not a dry run, and something to do). */
  readonly applied: boolean;
}

/** Options of {@link applyNetworkPolicies}. */
export interface ApplyNetworkPoliciesOptions extends PlanNetworkPoliciesOptions {
  /** Plan only: return the operations without sending them. @default false */
  readonly dryRun?: boolean;
  /** Aborts the reconcile (before the commit, or while it is on the wire). */
  readonly signal?: AbortSignal;
  /** Commit only while this lock is held (see `applyVpc`). */
  readonly lock?: string;
}

function toObjects(input: string | unknown | KubernetesObjects): KubernetesObjects {
  if (
    typeof input === 'object' &&
    input !== null &&
    !Array.isArray(input) &&
    Array.isArray((input as KubernetesObjects).networkPolicies) &&
    Array.isArray((input as KubernetesObjects).pods) &&
    Array.isArray((input as KubernetesObjects).namespaces)
  )
    return input as KubernetesObjects;
  return parseKubernetesObjects(input);
}

/**
 * Checks what would make the plan fail half-way, before it adds anything: port groups of
 * another owner or policy, pods whose switch port lives elsewhere or cannot be created.
 * Returns the pods whose switch port is missing.
 */
function precheck(nb: NbReplica, policies: readonly DesiredNetworkPolicy[]): PodResource[] {
  for (const policy of policies) {
    const group = findNamed(nb, 'Port_Group', policy.portGroup);
    if (group === undefined) continue;
    if (!ownedBy(group))
      throw new NetworkPolicyConflictError('port-group', policy.portGroup, [
        `NetworkPolicy ${policy.policy}`,
        `a Port_Group of vendor ${group.external_ids.vendor ?? '(none)'}`,
      ]);
    const np = group.external_ids.np;
    if (np !== policy.portGroupExternalIds.np)
      throw new NetworkPolicyConflictError('port-group', policy.portGroup, [
        `NetworkPolicy ${policy.policy}`,
        np === undefined ? 'a Port_Group of no NetworkPolicy' : `NetworkPolicy ${np} (its external_ids:np)`,
      ]);
  }
  return missingPodPorts(
    nb,
    policies.flatMap((policy) => policy.pods),
  );
}

function portGroupChange(view: NbReplica, policy: DesiredNetworkPolicy): string {
  // For people only: read unverified (setPortGroup verifies what its mutate rests on).
  const nb = unverifiedNb(view);
  const group = findNamed(nb, 'Port_Group', policy.portGroup);
  if (group === undefined) return `create port group ${policy.portGroup} (${policy.pods.length} ports)`;
  const members = new Set<string>(group.ports);
  let kept = 0;
  for (const pod of policy.pods) {
    const port = findNamed(nb, 'Logical_Switch_Port', podPortName(pod.namespace, pod.name));
    if (port !== undefined && members.has(port._uuid)) kept++;
  }
  return `port group ${policy.portGroup}: +${policy.pods.length - kept} -${members.size - kept} ports`;
}

function addressSetChange(view: NbReplica, name: string, addresses: readonly string[]): string {
  const row = findNamed(unverifiedNb(view), 'Address_Set', name); // for people only: unverified
  if (row === undefined) return `create address set ${name} (${addresses.length} addresses)`;
  const stored = new Set(row.addresses);
  const added = addresses.filter((a) => !stored.has(a)).length;
  return `address set ${name}: +${added} -${row.addresses.length - (addresses.length - added)}`;
}

/** The address sets of policy key `np` (`<ns>/<npName>`) this translation owns, by name. */
function ownedSets(sets: ReadonlyMap<string, AddressSet[]>, np: string): AddressSet[] {
  return [...(sets.get(`${np}/ingress`) ?? []), ...(sets.get(`${np}/egress`) ?? [])];
}

function planIn(
  txn: Transaction<NbTables>,
  policies: readonly DesiredNetworkPolicy[],
  options: PlanNetworkPoliciesOptions,
): NetworkPolicyPlan[] {
  const view = txn.view;
  const missingPods = new Set(precheck(view, policies));
  const sets = new Map<string, AddressSet[]>();
  for (const row of view.where('Address_Set', (r) => r.external_ids.np !== undefined && ownedBy(r))) {
    const np = row.external_ids.np as string;
    const list = sets.get(np);
    if (list === undefined) sets.set(np, [row]);
    else list.push(row);
  }
  const created = createPodPorts(txn, [...missingPods]).flatMap((creation) => creation.operations);
  const plans: NetworkPolicyPlan[] = [];
  for (const policy of policies) {
    const operations: Operation[] = [];
    const changes: string[] = [];
    for (const pod of policy.pods) {
      if (!missingPods.delete(pod)) continue;
      if (created.length > 0) operations.push(...created.splice(0));
      changes.push(
        `create switch port ${podPortName(pod.namespace, pod.name)} on ${pod.logicalSwitch} (${pod.ips.join(', ')})`,
      );
    }
    const ports = policy.pods.map((pod) => podPortName(pod.namespace, pod.name));
    const groupChange = portGroupChange(view, policy);
    const groupOps = setPortGroup(
      txn,
      { name: policy.portGroup, ports, externalIds: policy.portGroupExternalIds },
      { field: `NetworkPolicy ${policy.policy}: port group` },
    );
    if (groupOps.length > 0) changes.push(groupChange);
    operations.push(...groupOps);
    const wantedSets = new Set<string>();
    for (const set of policy.addressSets) {
      wantedSets.add(set.name);
      const change = addressSetChange(view, set.name, set.addresses);
      const ops = setAddressSet(txn, set, {
        field: `NetworkPolicy ${policy.policy}: address set ${set.name}`,
      });
      if (ops.length > 0) changes.push(change);
      operations.push(...ops);
    }
    const aclOps = setAcls(txn, { portGroup: policy.portGroup }, policy.acls as readonly AclSpec[], {
      owner: policy.aclOwner,
      field: `NetworkPolicy ${policy.policy}: acls`,
    });
    if (aclOps.length > 0)
      changes.push(
        `ACLs of ${policy.portGroup}: ${aclOps.length} operations (${policy.acls.length} ACLs wanted)`,
      );
    operations.push(...aclOps);
    for (const row of ownedSets(sets, policy.portGroupExternalIds.np as string)) {
      if (wantedSets.has(row.name)) continue;
      operations.push(...deleteAddressSet(txn, row.name, { ifExists: true }));
      changes.push(`remove address set ${row.name}`);
    }
    plans.push({ policy: policy.policy, portGroup: policy.portGroup, operations, changes });
  }
  if (options.prune === true) {
    const kept = new Set(policies.map((p) => p.portGroupExternalIds.np));
    for (const group of view.where('Port_Group', (g) => g.external_ids.np !== undefined && ownedBy(g))) {
      const np = group.external_ids.np as string;
      if (kept.has(np)) continue;
      const { operations, changes } = planDeleteNetworkPolicy(txn, np, { ifExists: true });
      plans.push({ policy: np, portGroup: group.name, operations, changes });
    }
  }
  return plans;
}

/**
 * Plans the policies of `objects` on `target`: a replica (each plan's operations are returned,
 * for one transaction) or a transaction in progress (they join it). For each policy: the
 * switch ports `<pod>.<namespace>` of its pods created when missing (on the pod's
 * `ovn.kubernetes.io/logical_switch`, with its MAC and IPs), its port group, its address sets
 * and its ACLs, each brought to the translation by diff; its address sets no rule needs any
 * more removed. Policies whose rows already match plan nothing.
 * @throws {@link InvalidSpecError} (bad objects, a pod without MAC whose port must be created),
 *   {@link NetworkPolicyConflictError}, and the helpers' typed errors (a switch that does not
 *   exist: `ObjectNotFoundError`).
 */
export function planNetworkPolicies(
  target: NbTarget,
  objects: KubernetesObjects | string | unknown,
  options: PlanNetworkPoliciesOptions = {},
): NetworkPolicyPlan[] {
  const policies = translateNetworkPolicies(toObjects(objects));
  let plans: NetworkPolicyPlan[] = [];
  planNb(target, (txn) => {
    plans = planIn(txn, policies, options);
  });
  return plans;
}

/**
 * Reconciles the Northbound database with the NetworkPolicies of `input` (YAML or JSON text,
 * parsed objects, or {@link KubernetesObjects}) in ONE transaction on `nb`, and resolves with
 * what it did. Applying the same input again sends nothing (`applied: false`). Declarative:
 * when the reply is lost in a failover or another writer changed a row it read, it is planned
 * again on fresh rows.
 *
 * @example
 * ```ts fragment
 * const outcome = await applyNetworkPolicies(nb, yamlText);
 * for (const plan of outcome.policies) console.log(plan.policy, plan.changes);
 * ```
 */
export async function applyNetworkPolicies(
  nb: NbHandle,
  input: string | unknown | KubernetesObjects,
  options: ApplyNetworkPoliciesOptions = {},
): Promise<NetworkPoliciesOutcome> {
  const policies = translateNetworkPolicies(toObjects(input));
  let plans: NetworkPolicyPlan[] = [];
  const outcome = await nb.transaction(
    (txn) => {
      plans = planIn(txn, policies, options);
    },
    {
      idempotent: true,
      ...(options.dryRun === true ? { dryRun: true } : {}),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.lock === undefined ? {} : { lock: options.lock }),
    },
  );
  return { policies: plans, operations: [...outcome.operations], applied: outcome.sent };
}
