/**
 * What `applyResources` knows of one kind of resource (see the module comment of
 * apply-resources.ts): parsing, checks before anything is sent, transactions, planning,
 * references across kinds, and the prune.
 */
import type { Tables as NbTables } from '../../generated/nb/rows.js';
import type { Operation } from '../../protocol/operations.js';
import type { Transaction } from '../../txn/transaction.js';
import type { NbReplica } from '../nb-lookup.js';
import type { NamespaceResource } from '../network-policy/k8s-objects.js';

/** The kinds `applyResources` applies and prunes, in the order it applies them. */
export type ResourceKindName = 'Vpc' | 'Subnet' | 'Pod' | 'NetworkPolicy' | 'SecurityGroup';

/** A parsed resource: its name is unique within its kind (`<namespace>/<name>` when namespaced). */
export interface Named {
  readonly name: string;
}

/** What a kind's `plan` and `prune` report for one resource. */
export interface PlannedResource {
  readonly operations: readonly Operation[];
  readonly changes: string[];
}

/** The input, parsed: the resources by kind, and the context objects no kind applies. */
export interface ParsedInput {
  readonly resources: ReadonlyMap<ResourceKindName, readonly Named[]>;
  /** The Namespaces (their labels), read by the NetworkPolicy translation. */
  readonly namespaces: readonly NamespaceResource[];
  /** The join subnet private Subnets accept traffic from (`applyResources`' `joinCidr`). */
  readonly joinCidr?: string;
}

/** The resources of `kind` in `input`, as that kind parsed them. */
export function resourcesOf<R extends Named>(input: ParsedInput, kind: ResourceKindName): readonly R[] {
  return (input.resources.get(kind) ?? []) as readonly R[];
}

/** A resource of another kind that a resource names (a Subnet its Vpc): prune keeps it. */
export interface ResourceReference {
  readonly kind: ResourceKindName;
  readonly name: string;
  /** Where the resource names it. */
  readonly field: string;
}

/** One kind. Methods, so that an entry of a narrower resource fits the table. */
export interface ResourceKind<R extends Named> {
  readonly kind: ResourceKindName;
  /** False: pruned only when `pruneKinds` names the kind. @default true */
  readonly prunedByDefault?: boolean;
  /** One document to a typed resource, or a typed error naming the field. */
  parse(document: unknown): R;
  /** The field a duplicate name is reported on. @default `metadata.name` */
  nameField?(name: string): string;
  /** Checks across the input, before anything is sent. */
  check?(resources: readonly R[], input: ParsedInput): void;
  /** Checks against the database as it is, before anything is sent. */
  checkAgainst?(nb: NbReplica, resources: readonly R[], input: ParsedInput): void;
  /** Which resources share a transaction. @default each alone */
  units?(resources: readonly R[]): R[][];
  /** Adds one resource's operations to `txn`. */
  plan?(txn: Transaction<NbTables>, resource: R, input: ParsedInput): PlannedResource;
  /** Adds a whole unit's operations to `txn`, one result per resource, in order (else `plan` each). */
  planUnit?(txn: Transaction<NbTables>, unit: readonly R[], input: ParsedInput): PlannedResource[];
  /** The resources of other kinds it names. */
  refersTo?(resource: R): ResourceReference[];
  /** What `owned` calls the resource. @default its name */
  ownedKey?(resource: R): string;
  /** The kind's Kube-OVN-owned objects in NB, what prune compares the input with, in prune order. */
  owned(nb: NbReplica, input: ParsedInput): string[];
  /** Adds the deletion of one owned object absent from the input. */
  prune(txn: Transaction<NbTables>, name: string): PlannedResource;
}

/** Operations summed up for people: `insert ACL x3, mutate Logical_Switch`. */
export function summarizeOperations(operations: readonly Operation[]): string {
  const counts = new Map<string, number>();
  for (const operation of operations) {
    const key = `${operation.op} ${'table' in operation ? operation.table : ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => (n === 1 ? key : `${key} x${n}`)).join(', ');
}
