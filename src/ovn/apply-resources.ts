/**
 * `kubectl apply -f` (and `--prune`) for the Kube-OVN and Kubernetes resources the helpers
 * understand: Vpc, Subnet (with its security fields), Pod, NetworkPolicy, SecurityGroup, and
 * Namespaces for their labels.
 *
 * Design: applyResources knows the kinds only through {@link KINDS}, one entry per kind
 * (src/ovn/resource-kinds/), in the order they are applied (a Subnet's router must exist
 * before its ports can join it, a pod's switch before its port, a pod's port before the groups
 * that hold it):
 *
 * - `parse`: one document to a typed resource, or a typed error naming the field;
 * - `check`: checks across the input, before anything is sent;
 * - `checkAgainst`: checks against the database as it is, before anything is sent;
 * - `units`: which resources share a transaction (by default each is alone);
 * - `plan` (or `planUnit`, for a kind planned a unit at once): adds the operations to a
 *   transaction, with one line per change;
 * - `refersTo`: the resources of other kinds it names (a Subnet its Vpc): prune keeps those;
 * - `owned`: the Kube-OVN-owned objects in NB, what prune compares with (through `ownedKey`);
 * - `prune`: adds the deletion of one owned object absent from the input (a kind with
 *   `prunedByDefault: false` only when `pruneKinds` names it).
 *
 * A new kind is one more entry (and, for its own outcome detail, one more field). Every
 * resource is also reported kind-neutrally in {@link AppliedResources.resources}.
 */

import type { Tables as NbTables } from '../generated/nb/rows.js';
import { isJsonObject } from '../protocol/json-members.js';
import type { Operation } from '../protocol/operations.js';
import type { Transaction } from '../txn/transaction.js';
import { TransactionAbortedError } from '../txn/txn-errors.js';
import type { VpcPlan } from './apply-vpc.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb } from './nb-lookup.js';
import { type NamespaceResource, parseNamespace } from './network-policy/k8s-objects.js';
import { InvalidSpecError } from './ovn-errors.js';
import {
  type Named,
  type ParsedInput,
  type PlannedResource,
  type ResourceKind,
  type ResourceKindName,
  resourcesOf,
} from './resource-kinds/kind.js';
import { networkPolicyKind } from './resource-kinds/network-policy.js';
import { podKind } from './resource-kinds/pod.js';
import { securityGroupKind } from './resource-kinds/security-group.js';
import { type AppliedSubnetResource, subnetKind } from './resource-kinds/subnet.js';
import { vpcKind } from './resource-kinds/vpc.js';
import { readYamlDocuments } from './yaml-documents.js';

export type { ResourceKindName } from './resource-kinds/kind.js';

/** What {@link applyResources} did for one Subnet. */
export interface SubnetOutcome {
  readonly subnet: string;
  readonly vpc: string;
  /** The operations sent (empty: the switch, its ports and its security already matched). */
  readonly operations: number;
  readonly applied: boolean;
}

/** What {@link applyResources} did for one resource, whatever its kind. */
export interface ResourceOutcome {
  readonly kind: ResourceKindName;
  /** Its `metadata.name`; `<namespace>/<name>` for a Pod or a NetworkPolicy. */
  readonly name: string;
  /** How many operations it planned (0: it already matched). */
  readonly operations: number;
  /** One line per change, for people. */
  readonly changes: string[];
  /** True when its transaction was sent. */
  readonly applied: boolean;
}

/** One Kube-OVN object the prune deletes (or, in a dry run, would delete). */
export interface PrunedResource {
  readonly kind: ResourceKindName;
  readonly name: string;
  /** What goes with it, one line each (`delete router vpc-3`, ...). */
  readonly changes: string[];
  /** True when the prune's transaction was sent. */
  readonly applied: boolean;
}

/** Options of {@link applyResources}. */
export interface ApplyResourcesOptions {
  /** Plan only: send nothing, and report what would be sent (and pruned). @default false */
  readonly dryRun?: boolean;
  /**
   * After applying, delete every Kube-OVN-owned object (`external_ids:vendor=kube-ovn`) of
   * the pruned kinds that the input does not hold: routers absent from its Vpcs, switches
   * absent from its Subnets, ... (see docs/ovn/apply-vpc.md for each kind). The scope is the
   * whole database, as `kubectl apply --prune` over all kinds: the input must hold everything
   * Kube-OVN owns there. Foreign rows are never touched. @default false
   */
  readonly prune?: boolean;
  /**
   * The kinds prune deletes. @default every kind but `Pod`: `['Vpc', 'Subnet', 'NetworkPolicy',
   * 'SecurityGroup']` (pods' ports follow the pods' lifecycle, not the input's)
   */
  readonly pruneKinds?: readonly ResourceKindName[];
  /**
   * The join subnet (comma list) that private Subnets accept traffic from.
   * @default '100.64.0.0/16,fd00:100:64::/112' (Kube-OVN's)
   */
  readonly joinCidr?: string;
  /** Aborts between and during the transactions. */
  readonly signal?: AbortSignal;
  /** Commit each transaction only while this lock is held (see `applyVpc`). */
  readonly lock?: string;
}

/** What {@link applyResources} did, resource by resource. */
export interface AppliedResources {
  /** Each Vpc's plan, as `applyVpc` reports it. */
  readonly vpcs: VpcPlan[];
  readonly subnets: SubnetOutcome[];
  /** Every resource of the input (Namespaces aside: they only label), in the order applied. */
  readonly resources: ResourceOutcome[];
  /** What the prune deleted (empty without `prune`), in reverse apply order: Subnets before Vpcs. */
  readonly pruned: PrunedResource[];
}

/** The kinds, in apply order; prune goes in the reverse order (Subnets before their Vpcs). */
const KINDS: readonly ResourceKind<Named>[] = [
  vpcKind,
  subnetKind,
  podKind,
  networkPolicyKind,
  securityGroupKind,
];

/**
 * Applies every Vpc, Subnet, Pod, NetworkPolicy and SecurityGroup in `input` (YAML with several
 * `---` documents, JSON text, or parsed objects; `kind: List` items are read; Namespaces are
 * read for their labels; other kinds are skipped) on `nb`, in that order. Each Vpc is planned
 * by `applyVpc`'s planner; each Subnet by `addSubnet` with `mayExist` and then
 * `planSubnetSecurity` in the same transaction (declarative: a Subnet without security fields
 * removes what they wrote); the Pods' missing switch ports by `createPodPorts`; the
 * NetworkPolicies by `planNetworkPolicies` with the input's Namespaces and Pods; each
 * SecurityGroup by `planSecurityGroup` with the input's pods naming it as members. The same
 * input again sends nothing. Each transaction is declarative: a lost reply or a conflict plans
 * it again.
 *
 * Transactions: each Subnet is one; each Vpc is one, except that Vpcs of the input peering
 * with each other share one, so both ends of a link change together (renumbering a peering
 * in one input converges; see docs/ovn/apply-vpc.md); all Pods are one, all NetworkPolicies
 * one, all SecurityGroups one.
 *
 * The whole input is parsed and checked before anything is sent, so a malformed resource
 * anywhere, a name given twice, two ends of a peering not on one link, a pod on a switch or in
 * a security group that neither the input nor the database holds writes nothing. A helper's
 * refusal (an overlapping subnet) stops at that resource: the ones before it stay applied,
 * and the error says which field and value.
 *
 * With `prune`, every Kube-OVN-owned object of the pruned kinds that the input does not hold
 * is then deleted in one transaction (see {@link ApplyResourcesOptions.prune}); what it would
 * refuse (a Vpc a Subnet of the input names, a Vpc with a foreign switch joined, a security
 * group a pod of the input names) is refused before anything is sent.
 *
 * With `dryRun`, nothing is sent: every resource, and the prune, is planned in one
 * transaction that is never committed, in order, so a Subnet of a Vpc created by the same
 * input is planned on the router its Vpc's plan creates.
 * @throws {@link InvalidSpecError}, `DuplicatePolicyError`, `VpcInUseError`,
 *   `NetworkPolicyConflictError` and the helpers' typed errors.
 */
export async function applyResources(
  nb: NbHandle,
  input: string | unknown,
  options: ApplyResourcesOptions = {},
): Promise<AppliedResources> {
  const parsed = parseInput(input, options);
  const pruneKinds = options.prune === true ? pruneKindsOf(options) : [];
  const checks = KINDS.filter((kind) => kind.checkAgainst !== undefined);
  if (pruneKinds.length > 0 || checks.some((kind) => resourcesOf(parsed, kind.kind).length > 0)) {
    const replica = await nb.replica();
    for (const kind of checks) kind.checkAgainst?.(replica, resourcesOf(parsed, kind.kind), parsed);
    if (pruneKinds.length > 0) checkPrune(replica, parsed, pruneKinds);
  }
  const txnOptions = {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.lock === undefined ? {} : { lock: options.lock }),
  };

  if (options.dryRun === true) {
    // Planned on the replica, as the no-op check below is: a transaction that is never sent
    // has no verify waits to build, so what it reads is not recorded for them.
    const replica = await nb.replica();
    if (options.signal?.aborted === true) throw new TransactionAbortedError(0, options.signal.reason);
    let records: PlanRecord[] = [];
    let pruned: PruneRecord[] = [];
    planNb(replica, (txn) => {
      records = KINDS.flatMap((kind) =>
        unitsOf(kind, parsed).flatMap((unit) => planUnit(txn, kind, unit, parsed)),
      );
      pruned = planPrune(txn, parsed, pruneKinds);
    });
    return outcomeOf(records, false, pruned, false);
  }

  const records: PlanRecord[] = [];
  const sent = new Set<PlanRecord>();
  const replica = await nb.replica();
  const units = KINDS.flatMap((kind) => unitsOf(kind, parsed).map((unit) => ({ kind, unit })));
  // The check pays when most units are unchanged (a resync); a lone unit goes to its
  // transaction at once, which sends nothing either when it writes nothing (it read only the
  // replica): planning a change twice would cost more than recording the reads of a no-op.
  const checkFirst = units.length > 1;
  for (const { kind, unit } of units) {
    // Planned on the replica as it is first, recording nothing: what a transaction would
    // read now. Nothing to change (a resync's usual case): no transaction at all.
    if (checkFirst && options.signal?.aborted !== true) {
      const unchanged = planUnchanged(replica, kind, unit, parsed);
      if (unchanged !== undefined) {
        records.push(...unchanged);
        continue;
      }
    }
    const outcome = await nb.transaction((txn) => planUnit(txn, kind, unit, parsed), {
      ...txnOptions,
      idempotent: true,
    });
    records.push(...outcome.value);
    if (outcome.sent) for (const record of outcome.value) sent.add(record);
  }
  let pruned: PruneRecord[] = [];
  let pruneSent = false;
  if (pruneKinds.length > 0) {
    const outcome = await nb.transaction((txn) => planPrune(txn, parsed, pruneKinds), {
      ...txnOptions,
      idempotent: true,
    });
    pruned = outcome.value;
    pruneSent = outcome.sent;
  }
  return outcomeOf(records, sent, pruned, pruneSent);
}

/** The documents of `input`, the items of a `kind: List` (`PodList`, ...) in its place. */
function documentsOf(input: string | unknown): unknown[] {
  const documents =
    typeof input === 'string' ? readYamlDocuments(input) : Array.isArray(input) ? input : [input];
  return documents.flatMap((document) => {
    if (!isJsonObject(document) || typeof document.kind !== 'string' || !document.kind.endsWith('List'))
      return [document];
    if (!Array.isArray(document.items))
      throw new InvalidSpecError(`${document.kind}: items`, document.items, 'must be a list');
    return documentsOf(document.items);
  });
}

/** Every document read and checked, by kind; names unique per kind. */
function parseInput(input: string | unknown, options: ApplyResourcesOptions): ParsedInput {
  const resources = new Map<ResourceKindName, Named[]>(KINDS.map((kind) => [kind.kind, []]));
  const namespaces: NamespaceResource[] = [];
  for (const document of documentsOf(input)) {
    if (!isJsonObject(document)) continue;
    if (document.kind === 'Namespace') {
      namespaces.push(parseNamespace(document));
      continue;
    }
    const kind = KINDS.find((k) => k.kind === document.kind);
    if (kind !== undefined) resources.get(kind.kind)!.push(kind.parse(document));
  }
  const parsed: ParsedInput = {
    resources,
    namespaces,
    ...(options.joinCidr === undefined ? {} : { joinCidr: options.joinCidr }),
  };
  const seenNamespaces = new Set<string>();
  for (const { name } of namespaces) {
    if (seenNamespaces.has(name))
      throw new InvalidSpecError(`Namespace ${name}: metadata.name`, name, 'appears twice in one input');
    seenNamespaces.add(name);
  }
  for (const kind of KINDS) {
    const ofKind = resources.get(kind.kind)!;
    // Two documents of one name would each undo the other (kubectl keeps only the last).
    const seen = new Set<string>();
    for (const { name } of ofKind) {
      if (seen.has(name))
        throw new InvalidSpecError(
          kind.nameField?.(name) ?? 'metadata.name',
          name,
          'appears twice in one input',
        );
      seen.add(name);
    }
  }
  for (const kind of KINDS) kind.check?.(resourcesOf(parsed, kind.kind), parsed);
  return parsed;
}

interface PlanRecord {
  readonly kind: ResourceKindName;
  readonly resource: Named;
  readonly operations: readonly Operation[];
  readonly changes: string[];
}

/** The kind's resources of the input, by transaction. */
function unitsOf(kind: ResourceKind<Named>, parsed: ParsedInput): Named[][] {
  const resources = resourcesOf(parsed, kind.kind);
  if (resources.length === 0) return [];
  return kind.units?.(resources) ?? resources.map((resource) => [resource]);
}

function planUnit(
  txn: Transaction<NbTables>,
  kind: ResourceKind<Named>,
  unit: readonly Named[],
  parsed: ParsedInput,
): PlanRecord[] {
  const planned: PlannedResource[] =
    kind.planUnit?.(txn, unit, parsed) ?? unit.map((resource) => kind.plan!(txn, resource, parsed));
  return unit.map((resource, i) => ({ kind: kind.kind, resource, ...planned[i]! }));
}

/** The unit's records when planning it on `replica` changes nothing; undefined otherwise. */
function planUnchanged(
  replica: NbReplica,
  kind: ResourceKind<Named>,
  unit: readonly Named[],
  parsed: ParsedInput,
): PlanRecord[] | undefined {
  let records: PlanRecord[] = [];
  const operations = planNb(replica, (txn) => {
    records = planUnit(txn, kind, unit, parsed);
  });
  return operations.length === 0 ? records : undefined;
}

type PruneRecord = Omit<PrunedResource, 'applied'>;

function pruneKindsOf(options: ApplyResourcesOptions): ResourceKind<Named>[] {
  const wanted =
    options.pruneKinds ?? KINDS.filter((kind) => kind.prunedByDefault !== false).map((kind) => kind.kind);
  for (const name of wanted)
    if (!KINDS.some((kind) => kind.kind === name))
      throw new InvalidSpecError('pruneKinds', name, `not one of ${KINDS.map((k) => k.kind).join(', ')}`);
  return KINDS.filter((kind) => wanted.includes(kind.kind));
}

/** The owned objects of `kind` the input does not hold, in the kind's prune order. */
function absentFromInput(nb: NbReplica, kind: ResourceKind<Named>, parsed: ParsedInput): string[] {
  const kept = new Set(
    resourcesOf(parsed, kind.kind).map((resource) => kind.ownedKey?.(resource) ?? resource.name),
  );
  return [...new Set(kind.owned(nb, parsed))].filter((name) => !kept.has(name));
}

/**
 * Refuses, before anything is sent, a prune that would delete what the input still names
 * (the Vpc of one of its Subnets), then plans the prune on the replica as it is, so that what
 * the prune itself refuses (a foreign switch on a Vpc) is refused now too.
 */
function checkPrune(nb: NbReplica, parsed: ParsedInput, pruneKinds: readonly ResourceKind<Named>[]): void {
  for (const kind of pruneKinds) {
    const doomed = new Set(absentFromInput(nb, kind, parsed));
    for (const referrer of KINDS)
      for (const resource of resourcesOf(parsed, referrer.kind))
        for (const ref of referrer.refersTo?.(resource) ?? [])
          if (ref.kind === kind.kind && doomed.has(ref.name))
            throw new InvalidSpecError(
              ref.field,
              ref.name,
              `${referrer.kind} ${resource.name} names ${ref.kind} ${ref.name}, which the input does not hold and prune would delete`,
            );
  }
  // Resources the input holds are applied before the prune: not counted as blocking here.
  planPrune(nb, parsed, pruneKinds);
}

/** Deletes, in reverse apply order, each owned object of the pruned kinds absent from the input. */
function planPrune(
  target: NbTarget,
  parsed: ParsedInput,
  pruneKinds: readonly ResourceKind<Named>[],
): PruneRecord[] {
  if (pruneKinds.length === 0) return [];
  const records: PruneRecord[] = [];
  planNb(target, (txn) => {
    for (const kind of [...pruneKinds].reverse())
      for (const name of absentFromInput(txn.view, kind, parsed)) {
        const { changes } = kind.prune(txn, name);
        records.push({ kind: kind.kind, name, changes });
      }
  });
  return records;
}

function outcomeOf(
  records: readonly PlanRecord[],
  sent: ReadonlySet<PlanRecord> | false,
  pruned: readonly PruneRecord[],
  pruneSent: boolean,
): AppliedResources {
  const applied = (record: PlanRecord) => sent !== false && sent.has(record);
  return {
    vpcs: records
      .filter((record) => record.kind === 'Vpc')
      .map((record) => ({
        vpc: record.resource.name,
        operations: [...record.operations],
        changes: record.changes,
        applied: applied(record),
      })),
    subnets: records
      .filter((record) => record.kind === 'Subnet')
      .map((record) => ({
        subnet: record.resource.name,
        vpc: (record.resource as AppliedSubnetResource).vpc,
        operations: record.operations.length,
        applied: applied(record),
      })),
    resources: records.map((record) => ({
      kind: record.kind,
      name: record.resource.name,
      operations: record.operations.length,
      changes: record.changes,
      applied: applied(record),
    })),
    pruned: pruned.map((record) => ({ ...record, applied: pruneSent })),
  };
}
