/**
 * The rows a transaction read, as first seen, and the verify `wait`s that prove at commit that
 * they have not changed since. One entry per row: a row read again keeps its first value (if
 * it changed in between, the verify fails and the attempt is retried, as it should), and
 * later reads only widen the set of verified columns.
 */
import type { DatabaseModel } from '../model/descriptor.js';
import { waitRows } from '../model/typed-ops.js';
import { CLEAR } from '../model/write-markers.js';
import type { WaitOperation } from '../protocol/operations.js';
import { TimedOutError } from '../protocol/server-errors.js';
import { descriptorOf } from './descriptor-of.js';
import { uuidCondition } from './row-source.js';

/** The table and row a verify `wait` is about. */
export interface VerifiedRow {
  /** Table name. */
  readonly table: string;
  /** Row UUID. */
  readonly uuid: string;
}

interface ReadEntry extends VerifiedRow {
  /** The row as first read, or undefined when it was read as absent. */
  readonly row: Readonly<Record<string, unknown>> | undefined;
  /** Columns to verify; unused for an absent row. */
  readonly columns: Set<string>;
}

/** The verify `wait`s of a transaction, in order, with the row each one is about. */
export interface VerifyPlan {
  /** One `wait` per row read, each with `timeout: 0`: to run before the body's operations. */
  readonly operations: WaitOperation[];
  /** `rows[i]` is what `operations[i]` verifies. */
  readonly rows: VerifiedRow[];
}

/** Records reads for one attempt of a transaction. */
export class ReadSet {
  private readonly entries = new Map<string, ReadEntry>();

  constructor(private readonly model: DatabaseModel<Record<string, unknown>>) {}

  /**
   * Records that `uuid` of `table` was read as `row` (undefined: absent), verifying `columns`
   * (all declared columns when undefined).
   */
  record(table: string, uuid: string, row: unknown, columns?: ReadonlyArray<string>): void {
    const descriptor = descriptorOf(this.model, table);
    const key = `${table}\u0000${uuid}`;
    const entry = this.entries.get(key);
    const wanted = columns ?? descriptor.columnNames;
    if (entry === undefined) {
      this.entries.set(key, {
        table,
        uuid,
        row: row as Readonly<Record<string, unknown>> | undefined,
        columns: new Set(wanted),
      });
    } else {
      for (const column of wanted) entry.columns.add(column);
    }
  }

  /** The verify waits for every row recorded. */
  plan(): VerifyPlan {
    const operations: WaitOperation[] = [];
    const rows: VerifiedRow[] = [];
    for (const entry of this.entries.values()) {
      operations.push(this.waitFor(entry));
      rows.push({ table: entry.table, uuid: entry.uuid });
    }
    return { operations, rows };
  }

  private waitFor(entry: ReadEntry): WaitOperation {
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
    return waitRows(descriptor, where, columns as never[], '==', [expected as never], 0);
  }
}

/**
 * The row whose verify failed, when `error` is the server saying that wait number `index` of
 * `plan` (a `wait` with `timeout: 0` that did not hold) timed out; undefined for any other error.
 */
export function conflictOf(plan: VerifyPlan, error: unknown): VerifiedRow | undefined {
  if (!(error instanceof TimedOutError) || error.operationIndex === undefined) return undefined;
  return plan.rows[error.operationIndex];
}
