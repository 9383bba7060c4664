/**
 * `kubectl apply -f` (and `--prune`) for the Kube-OVN resources the helpers understand.
 *
 * Design: applyResources knows the kinds only through {@link KINDS}, one entry per kind, in
 * the order they are applied (a Subnet's router must exist before its ports can join it):
 *
 * - `parse`: one document to a typed resource, or a typed error naming the field;
 * - `check`: checks across the input's resources of the kind, before anything is sent;
 * - `units`: which resources share a transaction (by default each is alone);
 * - `plan`: adds one resource's operations to a transaction, with one line per change;
 * - `refersTo`: the resources of other kinds it names (a Subnet its Vpc): prune keeps those;
 * - `owned`: the names of the kind's Kube-OVN-owned objects in NB, what prune compares with;
 * - `prune`: adds the deletion of one owned object absent from the input.
 *
 * A new kind is one more entry (and, for its own outcome detail, one more field). Every
 * resource is also reported kind-neutrally in {@link AppliedResources.resources}.
 */

import type { Tables as NbTables } from '../generated/nb/rows.js';
import type { Operation } from '../protocol/operations.js';
import type { Transaction } from '../txn/transaction.js';
import { planVpc, type VpcPlan } from './apply-vpc.js';
import { planDeleteVpc } from './delete-vpc.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { ownedBy } from './ownership.js';
import { checkPeeringLink } from './peering.js';
import { addSubnet, deleteSubnet } from './subnets.js';
import { parseSubnet, parseVpc, type SubnetResource, type VpcResource } from './vpc-spec.js';
import { readYamlDocuments } from './yaml-documents.js';

/** The kinds {@link applyResources} applies and prunes, in the order it applies them. */
export type ResourceKindName = 'Vpc' | 'Subnet';

/** What {@link applyResources} did for one Subnet. */
export interface SubnetOutcome {
  readonly subnet: string;
  readonly vpc: string;
  /** The operations sent (empty: the switch and its ports already matched the resource). */
  readonly operations: number;
  readonly applied: boolean;
}

/** What {@link applyResources} did for one resource, whatever its kind. */
export interface ResourceOutcome {
  readonly kind: ResourceKindName;
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
   * absent from its Subnets. The scope is the whole database, as `kubectl apply --prune` over
   * all kinds: the input must hold everything Kube-OVN owns there. Foreign rows are never
   * touched. @default false
   */
  readonly prune?: boolean;
  /** The kinds prune deletes. @default every kind: `['Vpc', 'Subnet']` */
  readonly pruneKinds?: readonly ResourceKindName[];
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
  /** Every resource of the input, in the order applied. */
  readonly resources: ResourceOutcome[];
  /** What the prune deleted (empty without `prune`), Subnets before Vpcs. */
  readonly pruned: PrunedResource[];
}

interface Named {
  readonly name: string;
}

/** What a kind's `plan` and `prune` report for one resource. */
interface Planned {
  readonly operations: readonly Operation[];
  readonly changes: string[];
}

/** The input, parsed, by kind. */
type ParsedInput = ReadonlyMap<ResourceKindName, readonly Named[]>;

/** One kind (see the module comment). Methods, so an entry of a narrower resource fits the table. */
interface ResourceKind<R extends Named> {
  readonly kind: ResourceKindName;
  parse(document: unknown): R;
  check?(resources: readonly R[]): void;
  units?(resources: readonly R[]): R[][];
  plan(txn: Transaction<NbTables>, resource: R, input: ParsedInput): Planned;
  refersTo?(resource: R): Array<{ kind: ResourceKindName; name: string; field: string }>;
  owned(nb: NbReplica): string[];
  prune(txn: Transaction<NbTables>, name: string): Planned;
}

const vpcKind: ResourceKind<VpcResource> = {
  kind: 'Vpc',
  parse: parseVpc,
  // Both ends of a peering in one input: they must declare one link, checked before sending.
  check(vpcs) {
    for (const vpc of vpcs)
      vpc.vpcPeerings.forEach((peering, index) => {
        const back = vpcs
          .find((other) => other.name === peering.remoteVpc)
          ?.vpcPeerings.find((p) => p.remoteVpc === vpc.name);
        if (back !== undefined)
          checkPeeringLink(
            peering.localConnectIP,
            back.localConnectIP,
            `spec.vpcPeerings[${index}].localConnectIP`,
          );
      });
  },
  // Vpcs peering with each other go in one transaction, so both ends of a link move together.
  units(vpcs) {
    const unitOf = new Map<string, VpcResource[]>(vpcs.map((vpc) => [vpc.name, [vpc]]));
    for (const vpc of vpcs)
      for (const peering of vpc.vpcPeerings) {
        const mine = unitOf.get(vpc.name)!;
        const theirs = unitOf.get(peering.remoteVpc);
        if (theirs === undefined || theirs === mine) continue;
        mine.push(...theirs);
        for (const moved of theirs) unitOf.set(moved.name, mine);
      }
    // In input order, each unit once.
    const units = [...new Set(vpcs.map((vpc) => unitOf.get(vpc.name)!))];
    return units.map((unit) => vpcs.filter((vpc) => unit.includes(vpc)));
  },
  plan(txn, vpc, input) {
    const sameInput = (input.get('Vpc') ?? []) as readonly VpcResource[];
    return planVpc(txn, vpc, { sameInput: sameInput.filter((other) => other !== vpc) });
  },
  owned: (nb) => nb.where('Logical_Router', (router) => ownedBy(router)).map((router) => router.name),
  prune(txn, name) {
    const deletion = planDeleteVpc(txn, name, { ifExists: true });
    return { operations: deletion.operations, changes: deletion.changes };
  },
};

const subnetKind: ResourceKind<SubnetResource> = {
  kind: 'Subnet',
  parse: parseSubnet,
  plan(txn, subnet) {
    const operations = addSubnet(txn, subnet, { mayExist: true });
    return { operations, changes: operations.length > 0 ? [`subnet ${subnet.name} in ${subnet.vpc}`] : [] };
  },
  refersTo: (subnet) => [{ kind: 'Vpc', name: subnet.vpc, field: 'spec.vpc' }],
  owned: (nb) => nb.where('Logical_Switch', (ls) => ownedBy(ls)).map((ls) => ls.name),
  prune(txn, name) {
    return { operations: deleteSubnet(txn, name, { ifExists: true }), changes: [`delete switch ${name}`] };
  },
};

/** The kinds, in apply order; prune goes in the reverse order (Subnets before their Vpcs). */
const KINDS: readonly ResourceKind<Named>[] = [vpcKind, subnetKind];

/**
 * Applies every Vpc and Subnet in `input` (YAML with several `---` documents, JSON text, or
 * parsed objects; other kinds such as Pods are skipped) on `nb`, Vpcs first. Each Vpc is
 * planned by `applyVpc`'s planner, each Subnet by {@link addSubnet} with `mayExist`; the
 * same input again sends nothing. Each transaction is declarative: a lost reply or a
 * conflict plans it again.
 *
 * Transactions: each Subnet is one; each Vpc is one, except that Vpcs of the input peering
 * with each other share one, so both ends of a link change together (renumbering a peering
 * in one input converges; see docs/ovn/apply-vpc.md).
 *
 * The whole input is parsed and checked before anything is sent, so a malformed resource
 * anywhere, a name given twice, or two ends of a peering not on one link writes nothing. A
 * helper's refusal (an overlapping subnet) stops at that resource: the ones before it stay
 * applied, and the error says which field and value.
 *
 * With `prune`, every Kube-OVN-owned object of the pruned kinds that the input does not hold
 * is then deleted in one transaction (see {@link ApplyResourcesOptions.prune}); what it would
 * refuse (a Vpc a Subnet of the input names, a Vpc with a foreign switch joined) is refused
 * before anything is sent.
 *
 * With `dryRun`, nothing is sent: every resource, and the prune, is planned in one
 * transaction that is never committed, in order, so a Subnet of a Vpc created by the same
 * input is planned on the router its Vpc's plan creates.
 * @throws {@link InvalidSpecError}, `DuplicatePolicyError`, `VpcInUseError` and the helpers'
 *   typed errors.
 */
export async function applyResources(
  nb: NbHandle,
  input: string | unknown,
  options: ApplyResourcesOptions = {},
): Promise<AppliedResources> {
  const parsed = parseInput(input);
  const pruneKinds = options.prune === true ? pruneKindsOf(options) : [];
  if (pruneKinds.length > 0) checkPrune(await nb.replica(), parsed, pruneKinds);
  const txnOptions = {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.lock === undefined ? {} : { lock: options.lock }),
  };

  if (options.dryRun === true) {
    const outcome = await nb.transaction(
      (txn) => {
        const records = KINDS.flatMap((kind) =>
          (parsed.get(kind.kind) ?? []).map((resource) => planRecord(txn, kind, resource, parsed)),
        );
        return { records, pruned: planPrune(txn, parsed, pruneKinds) };
      },
      { ...txnOptions, dryRun: true },
    );
    return outcomeOf(outcome.value.records, false, outcome.value.pruned, false);
  }

  const records: PlanRecord[] = [];
  const sent = new Set<PlanRecord>();
  for (const kind of KINDS) {
    const resources = parsed.get(kind.kind) ?? [];
    const units = kind.units?.(resources) ?? resources.map((resource) => [resource]);
    for (const unit of units) {
      const outcome = await nb.transaction(
        (txn) => unit.map((resource) => planRecord(txn, kind, resource, parsed)),
        { ...txnOptions, idempotent: true },
      );
      records.push(...outcome.value);
      if (outcome.sent) for (const record of outcome.value) sent.add(record);
    }
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

/** Every document read and checked, by kind; names unique per kind. */
function parseInput(input: string | unknown): ParsedInput {
  const documents =
    typeof input === 'string' ? readYamlDocuments(input) : Array.isArray(input) ? input : [input];
  const parsed = new Map<ResourceKindName, Named[]>(KINDS.map((kind) => [kind.kind, []]));
  for (const document of documents) {
    if (typeof document !== 'object' || document === null) continue;
    const kind = KINDS.find((k) => k.kind === (document as { kind?: unknown }).kind);
    if (kind !== undefined) parsed.get(kind.kind)!.push(kind.parse(document));
  }
  for (const kind of KINDS) {
    const resources = parsed.get(kind.kind)!;
    // Two documents of one name would each undo the other (kubectl keeps only the last).
    const seen = new Set<string>();
    for (const { name } of resources) {
      if (seen.has(name)) throw new InvalidSpecError('metadata.name', name, 'appears twice in one input');
      seen.add(name);
    }
    kind.check?.(resources);
  }
  return parsed;
}

interface PlanRecord {
  readonly kind: ResourceKindName;
  readonly resource: Named;
  readonly operations: readonly Operation[];
  readonly changes: string[];
}

function planRecord(
  txn: Transaction<NbTables>,
  kind: ResourceKind<Named>,
  resource: Named,
  parsed: ParsedInput,
): PlanRecord {
  const { operations, changes } = kind.plan(txn, resource, parsed);
  return { kind: kind.kind, resource, operations, changes };
}

type PruneRecord = Omit<PrunedResource, 'applied'>;

function pruneKindsOf(options: ApplyResourcesOptions): ResourceKind<Named>[] {
  const wanted = options.pruneKinds ?? KINDS.map((kind) => kind.kind);
  for (const name of wanted)
    if (!KINDS.some((kind) => kind.kind === name))
      throw new InvalidSpecError('pruneKinds', name, `not one of ${KINDS.map((k) => k.kind).join(', ')}`);
  return KINDS.filter((kind) => wanted.includes(kind.kind));
}

/** The owned objects of `kind` the input does not hold, in NB order. */
function absentFromInput(nb: NbReplica, kind: ResourceKind<Named>, parsed: ParsedInput): string[] {
  const kept = new Set((parsed.get(kind.kind) ?? []).map((resource) => resource.name));
  return [...new Set(kind.owned(nb))].filter((name) => !kept.has(name));
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
      for (const resource of parsed.get(referrer.kind) ?? [])
        for (const ref of referrer.refersTo?.(resource) ?? [])
          if (ref.kind === kind.kind && doomed.has(ref.name))
            throw new InvalidSpecError(
              ref.field,
              ref.name,
              `${referrer.kind} ${resource.name} names ${ref.kind} ${ref.name}, which the input does not hold and prune would delete`,
            );
  }
  // Subnets the input holds are applied before the prune: not counted as blocking a Vpc here.
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
        vpc: (record.resource as SubnetResource).vpc,
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
