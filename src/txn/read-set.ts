/**
 * What a transaction read, as first seen, and the verify `wait`s that prove at commit that it
 * has not changed since. Two kinds of reads:
 *
 * - a row: the columns read of it are compared by value (a row read again keeps its first
 *   value, and later reads only widen the columns); a row read with no column, that it still
 *   exists; a row read as absent, that it still does not;
 * - an index look-up through the transaction's view: the set of rows the key selects is
 *   compared, so a row that starts (or stops) matching is a conflict too.
 *
 * Values, not `_version`: ovsdb-server generates a row's `_version` on each member of a raft
 * cluster by itself, so a version read on one member means nothing on the next one after a
 * failover.
 */

import { entryOf, newMap } from '../entry-of.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { waitRows } from '../model/typed-ops.js';
import { CLEAR } from '../model/write-markers.js';
import type { Condition } from '../protocol/conditions.js';
import type { WaitOperation } from '../protocol/operations.js';
import { TimedOutError } from '../protocol/server-errors.js';
import { fromServerRows } from '../protocol/validation.js';
import { descriptorOf } from './descriptor-of.js';
import { uuidCondition } from './row-source.js';

/** The table and row (or index look-up) a verify `wait` is about. */
export interface VerifiedRow {
  /** Table name. */
  readonly table: string;
  /** Row UUID; empty for an index look-up. */
  readonly uuid: string;
  /** For an index look-up: the index and key, e.g. `name == "r1"`. */
  readonly lookup?: string;
}

/** One row read: what its verify `wait` compares. */
export interface ColumnsEntry {
  readonly table: string;
  readonly uuid: string;
  /** The row as first read, or undefined when it was read as absent. */
  readonly row: Readonly<Record<string, unknown>> | undefined;
  readonly columns: Set<string>;
}

interface LookupEntry {
  readonly table: string;
  readonly where: Condition[];
  /** The rows the look-up found, in any order. */
  readonly uuids: readonly string[];
  /** The index and key, for people; made only when a conflict names the look-up. */
  readonly text: () => string;
}

/** The verify waits of a transaction, in order, with what each one is about. */
export interface VerifyPlan {
  /** One `wait` per read, each with `timeout: 0`: to run before the body's operations. */
  readonly operations: WaitOperation[];
  /** What `operations[index]` verifies (described only when asked: on a conflict). */
  readonly about: (index: number) => VerifiedRow | undefined;
}

/** Records reads for one attempt of a transaction. */
export class ReadSet {
  /** Rows read, by table then UUID (no key string built per read), in the order first read. */
  private readonly columns = new Map<string, Map<string, ColumnsEntry>>();
  /** Every entry of {@link columns}, in the order first read: the order of the waits. */
  private readonly entries: ColumnsEntry[] = [];
  private readonly lookups = new Map<string, LookupEntry>();
  /** False once a read came from a source that is not one consistent snapshot (a server `select`). */
  private snapshotOnly = true;

  constructor(private readonly model: DatabaseModel<Record<string, unknown>>) {}

  /**
   * Records that `uuid` of `table` was read as `row` (undefined: absent), verifying `columns`
   * (all declared columns when undefined). `snapshot` tells whether the read came from a
   * replica, which is one consistent snapshot.
   */
  record(
    table: string,
    uuid: string,
    row: unknown,
    columns: ReadonlyArray<string> | undefined,
    snapshot: boolean,
  ): void {
    const descriptor = descriptorOf(this.model, table);
    if (!snapshot) this.snapshotOnly = false;
    const wanted = columns ?? descriptor.columnNames;
    const entry = this.entryOf(table, uuid, row as Readonly<Record<string, unknown>> | undefined);
    for (const column of wanted) entry.columns.add(column);
  }

  /**
   * Records that row `uuid` of `table` was read (from a replica) as `row` (undefined: absent),
   * with `column` read of it when given: at commit it must still exist (or not), with that
   * column's value as read.
   */
  recordRead(
    table: string,
    uuid: string,
    row: Readonly<Record<string, unknown>> | undefined,
    column?: string,
  ): ColumnsEntry {
    const entry = this.entryOf(table, uuid, row);
    if (column !== undefined) entry.columns.add(column);
    return entry;
  }

  /**
   * The entry of row `uuid` of `table`, made with `row` (as first read) when there is none yet:
   * a later read keeps the first value. A reader may keep it and add the columns it reads to
   * `entry.columns` itself, as {@link recordRead} would.
   */
  private entryOf(
    table: string,
    uuid: string,
    row: Readonly<Record<string, unknown>> | undefined,
  ): ColumnsEntry {
    const byUuid = entryOf(this.columns, table, newMap<string, ColumnsEntry>);
    let entry = byUuid.get(uuid);
    if (entry === undefined) {
      entry = { table, uuid, row, columns: new Set() };
      byUuid.set(uuid, entry);
      this.entries.push(entry);
    }
    return entry;
  }

  /**
   * Records that look-up `where` (described by `text`) on `table` found the rows `uuids`; a
   * look-up with the same conditions keeps the first.
   */
  recordLookup(table: string, where: Condition[], uuids: readonly string[], text: () => string): void {
    const key = `${table}\u0000${JSON.stringify(where)}`;
    if (!this.lookups.has(key)) this.lookups.set(key, { table, where, uuids, text });
  }

  /** True when every read so far came from one consistent snapshot (a replica). */
  get snapshot(): boolean {
    return this.snapshotOnly;
  }

  /** The verify waits for every read recorded. */
  plan(): VerifyPlan {
    const operations: WaitOperation[] = [];
    const entries = this.entries;
    for (const entry of entries) operations.push(this.columnsWait(entry));
    const lookups = [...this.lookups.values()];
    for (const entry of lookups) {
      operations.push({
        op: 'wait',
        table: entry.table,
        where: entry.where,
        columns: ['_uuid'],
        until: '==',
        rows: entry.uuids.map((uuid) => ({ _uuid: ['uuid', uuid] })),
        timeout: 0,
      });
    }
    const about = (index: number): VerifiedRow | undefined => {
      const row = entries[index];
      if (row !== undefined) return { table: row.table, uuid: row.uuid };
      const lookup = lookups[index - entries.length];
      return lookup === undefined ? undefined : { table: lookup.table, uuid: '', lookup: lookup.text() };
    };
    return { operations, about };
  }

  private columnsWait(entry: ColumnsEntry): WaitOperation {
    const descriptor = descriptorOf(this.model, entry.table);
    const where = [uuidCondition(entry.uuid)];
    // Absent: no row may match `_uuid == uuid`.
    if (entry.row === undefined) return waitRows(descriptor, where, [], '==', [], 0);
    const columns = [...entry.columns];
    const expected: Record<string, unknown> = {};
    for (const column of columns) {
      const value = entry.row[column];
      // The codec leaves an empty optional column out of a decoded row: it was read as empty.
      expected[column] = value === undefined ? CLEAR : value;
    }
    // The row's own UUID and the values the server gave it: nothing for the schema check to find.
    return fromServerRows(waitRows(descriptor, where, columns as never[], '==', [expected as never], 0));
  }
}

/**
 * What wait number `index` of `plan` verified, when `error` is the server saying that wait (a
 * `wait` with `timeout: 0` that did not hold) timed out; undefined for any other error.
 */
export function conflictOf(plan: VerifyPlan, error: unknown): VerifiedRow | undefined {
  if (!(error instanceof TimedOutError) || error.operationIndex === undefined) return undefined;
  return plan.about(error.operationIndex);
}
