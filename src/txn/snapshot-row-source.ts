/**
 * Transactions that read from a replica: `get` is a map look-up and `select` evaluates its
 * conditions on the rows in memory with ovsdb-server's rules, synchronously. The reads are
 * still verified at commit, so a read that the server has since changed makes the transaction
 * retry with the replica's newer rows.
 */
import type { Replica } from '../cache/replica.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { encodeConditions, type TypedCondition } from '../model/typed-clauses.js';
import type { Uuid } from '../model/uuid.js';
import { descriptorOf } from './descriptor-of.js';
import { rowCondition, rowMatches } from './row-match.js';
import type { RowSource, TableNameOf } from './row-source.js';
import type { SnapshotReader } from './transaction-view.js';

/** A {@link RowSource} answered from replica `replica`: a consistent snapshot (`snapshot: true`). */
export function snapshotRowSource<T extends object>(
  replica: SnapshotReader,
  model: DatabaseModel<T>,
): RowSource<T> {
  return {
    snapshot: true,
    get<K extends TableNameOf<T>>(table: K, uuid: Uuid<K>) {
      return replica.get(table, uuid) as T[K] | undefined;
    },
    select<K extends TableNameOf<T>>(table: K, where: ReadonlyArray<TypedCondition<T[K]>>) {
      const rows = replica.rows(table) as IterableIterator<T[K]>;
      if (where.length === 0) return [...rows];
      const descriptor = descriptorOf(model, table);
      const condition = rowCondition(descriptor, encodeConditions(descriptor, where));
      const out: T[K][] = [];
      for (const row of rows)
        if (rowMatches(descriptor, row as Record<string, unknown>, condition)) out.push(row);
      return out;
    },
  };
}

/**
 * A {@link RowSource} answered from `replica`:
 * `runTransaction(..., { rowSource: replicaRowSource(r) })` reads rows from memory,
 * synchronously, and still verifies them at commit, so a read that the server has since changed
 * makes the transaction retry with the replica's newer rows. (`replica: r` does the same and
 * also gives the body `txn.view`.)
 */
export function replicaRowSource<T extends object>(replica: Replica<T>): RowSource<T> {
  return snapshotRowSource(replica as unknown as SnapshotReader, replica.model);
}
