/**
 * What the OVN helpers read and where their operations go, and finding NB rows by name, with
 * the checks ovn-nbctl makes: a name two rows share is an error, not a guess.
 */
import type { DatabaseHandle } from '../database/database-handle.js';
import { entryOf, newMap } from '../entry-of.js';
import { model as nbModel } from '../generated/nb/model.js';
import type { Tables as NbTables } from '../generated/nb/rows.js';
import { whereColumn } from '../model/typed-clauses.js';
import { deleteRows } from '../model/typed-ops.js';
import type { Operation } from '../protocol/operations.js';
import {
  type Planned,
  type PlanTarget,
  planOn,
  type ReplicaReader,
  readerOf,
  unverifiedReaderOf,
} from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { DuplicateNameError, InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';

/**
 * What the helpers read of the OVN Northbound database: a `Replica` of the generated
 * `ovndb/nb` model fits as it is, and so does a transaction's view.
 */
export type NbReplica = ReplicaReader<NbTables>;

/**
 * What an OVN helper runs on: a replica of the Northbound database (the helper returns the
 * operations for you to send) or a transaction in progress on it (the helper adds its
 * operations to the transaction and sees what was written before it in the same body; it
 * returns them too, already added). The helpers that write also take an {@link NbHandle}: they
 * then commit their own transaction on it and resolve with its operations.
 */
export type NbTarget = PlanTarget<NbTables>;

/**
 * An open OVN Northbound database with its model: a `Session` opened with the `ovndb/nb`
 * model, or `database(client, model)`. What `applyVpc` and `applyResources` write through.
 */
export type NbHandle = DatabaseHandle<NbTables>;

/**
 * Runs helper body `body` on `target` (see {@link NbTarget}) and returns the operations it
 * added; on a handle, in a transaction of its own, committed (a promise of them).
 */
export function planNb<Target extends NbTarget | NbHandle>(
  target: Target,
  body: (txn: Transaction<NbTables>) => void,
): Planned<Target> {
  return planOn(target, nbModel, body);
}

/** What `target` reads: a transaction's view, or the replica itself. */
export function nbReader(target: NbTarget): NbReplica {
  return readerOf(target);
}

/**
 * What `nb` reads without verifying it at commit (see `TransactionView.unverified`): for
 * planners whose relative mutates compose with concurrent changes of what they read.
 */
export function unverifiedNb(nb: NbReplica): NbReplica {
  return unverifiedReaderOf<NbTables>(nb);
}

/** NB tables whose rows have a `name` column. */
export type NamedTable = {
  [K in keyof NbTables & string]: NbTables[K] extends { readonly name: string } ? K : never;
}[keyof NbTables & string];

/** What can add an index: a replica, or a transaction's view of one. */
interface IndexAdder {
  ensureIndex(table: string, spec: { readonly name: string; readonly columns: readonly string[] }): boolean;
}

/** The index on `name` findNamed looks rows up with (named as a schema index on the column is). */
const NAME_INDEX = { name: 'name', columns: ['name'] } as const;

/**
 * True when `nb` has an index `name` on `table`: the schema's (router and switch ports, ...),
 * or one added on the replica on first use (routers and switches have none in the schema, so
 * OVN allows two with one name; the index keeps both).
 */
function hasNameIndex(nb: NbReplica, table: string): boolean {
  return entryOf(entryOf(nameIndexes, nb, newMap<string, boolean>), table, (t) => addNameIndex(nb, t));
}

/**
 * What {@link hasNameIndex} said, by reader and table: an index, once there, stays for the
 * reader's life (and a reader that cannot take one never can), so a plan that looks up many
 * names asks once per table.
 */
const nameIndexes = new WeakMap<object, Map<string, boolean>>();

function addNameIndex(nb: NbReplica, table: string): boolean {
  const adder = nb as unknown as Partial<IndexAdder>;
  if (typeof adder.ensureIndex === 'function') {
    try {
      adder.ensureIndex(table, NAME_INDEX);
      return true;
    } catch {
      // A reader that cannot take indexes: scan.
    }
  }
  return nb.indexes(table as NamedTable).includes('name');
}

/**
 * The row of `table` named `name`, or undefined. Looks it up by an index on `name`: the
 * table's schema index when it has one (router and switch ports, ...), otherwise one added to
 * the replica on first use (routers and switches); scans only a reader that takes no index.
 * @throws {@link DuplicateNameError} when several rows carry the name.
 */
export function findNamed<K extends NamedTable>(
  target: NbTarget,
  table: K,
  name: string,
): NbTables[K] | undefined {
  const nb = nbReader(target);
  const rows: NbTables[K][] = hasNameIndex(nb, table)
    ? (nb as ReplicaReader<Record<string, NbTables[K]>>).find(table, 'name', name) // K is generic: looked up untyped
    : nb.where(table, (row) => (row as { name: string }).name === name);
  if (rows.length > 1) {
    throw new DuplicateNameError(
      table,
      name,
      rows.map((row) => (row as { _uuid: string })._uuid),
    );
  }
  return rows[0];
}

/**
 * The operation deleting the row of `table` named `name`; none when there is no such row and
 * `ifExists` holds.
 * @throws {@link InvalidSpecError} for a name that is not a non-empty string;
 *   {@link ObjectNotFoundError} when there is no such row (without `ifExists`).
 */
export function deleteNamedOps<K extends NamedTable>(
  target: NbTarget,
  table: K,
  name: unknown,
  ifExists: boolean,
): Operation[] {
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError('name', name, 'a name is a non-empty string');
  const row = findNamed(target, table, name);
  if (row === undefined) {
    if (ifExists) return [];
    throw new ObjectNotFoundError(table, name);
  }
  const uuid = (row as { _uuid: string })._uuid;
  return [
    deleteRows(nbModel.tables[table] as never, [
      whereColumn<{ _uuid: string }, '_uuid', '=='>('_uuid', '==', uuid) as never,
    ]),
  ];
}

/**
 * The row of `table` named `name`.
 * @throws {@link ObjectNotFoundError} when there is none; {@link DuplicateNameError} when several.
 */
export function requireNamed<K extends NamedTable>(target: NbTarget, table: K, name: string): NbTables[K] {
  const row = findNamed(target, table, name);
  if (row === undefined) throw new ObjectNotFoundError(table, name);
  return row;
}
