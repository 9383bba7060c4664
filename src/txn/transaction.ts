/**
 * One attempt of an optimistic transaction: typed reads that are recorded for verification,
 * and typed writes collected, in order, as wire operations. Nothing is sent from here; the
 * runner (run-transaction.ts) commits what an attempt collected, or throws it away and starts
 * a fresh attempt.
 */
import type { DatabaseModel } from '../model/descriptor.js';
import type { ColumnOf, TypedCondition, TypedMutation } from '../model/typed-clauses.js';
import { deleteRows, insertRow, mutateRows, updateRows, waitRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import { NamedRef, type RowWrite } from '../model/write-markers.js';
import type { UuidString } from '../protocol/notation.js';
import { type Operation, op } from '../protocol/operations.js';
import { descriptorOf } from './descriptor-of.js';
import { ReadSet, type VerifyPlan } from './read-set.js';
import { type RowSource, type TableNameOf, uuidCondition } from './row-source.js';
import { TransactionFinishedError } from './txn-errors.js';

/** A column that a verify may compare: a declared column (`_uuid` and `_version` are not). */
export type VerifiableColumn<Row> = Exclude<ColumnOf<Row>, '_uuid' | '_version'>;

/** Options of {@link Transaction.get} and {@link Transaction.select}. */
export interface ReadOptions<Row> {
  /**
   * Which columns of the rows read to verify at commit; `false` verifies nothing (the read
   * cannot cause a retry). Fewer columns mean fewer retries caused by changes the body does
   * not care about. @default every declared column
   */
  verify?: ReadonlyArray<VerifiableColumn<Row>> | false;
}

/** Options of {@link Transaction.insert}. */
export interface TxnInsertOptions {
  /**
   * The `uuid-name` of the new row, the key of its UUID in the outcome's `inserted`.
   * @default a generated name, `ovndb_row<n>`
   */
  uuidName?: string;
  /** The new row's UUID, chosen by the client (Open vSwitch extension). */
  uuid?: UuidString;
}

/**
 * The rows an update, mutate or delete applies to: one row by UUID, one row inserted earlier
 * in the same transaction by its {@link NamedRef}, or every row matching typed conditions.
 */
export type RowTarget<K extends string, Row> = Uuid<K> | NamedRef<K> | ReadonlyArray<TypedCondition<Row>>;

/**
 * One attempt of a transaction over the database with tables map `T`, handed to the body of
 * `runTransaction`. Reads are recorded and verified at commit; writes are typed by the model
 * and built with the typed operation builders (src/model/typed-ops.ts), so a wrong column or
 * value fails here, naming table and column. Valid only while its body runs.
 */
export class Transaction<T extends object> {
  /** Which attempt this is, from 1: a retry gets a new Transaction with a higher number. */
  readonly attempt: number;
  private readonly operations: Operation[] = [];
  private readonly reads: ReadSet;
  private finished = false;
  private generatedNames = 0;

  /** @internal made by `runTransaction` */
  constructor(
    private readonly model: DatabaseModel<T>,
    private readonly source: RowSource<T>,
    attempt: number,
    private readonly signal?: AbortSignal,
  ) {
    this.attempt = attempt;
    this.reads = new ReadSet(model as DatabaseModel<Record<string, unknown>>);
  }

  /**
   * The row of `table` with UUID `uuid`, or undefined. Recorded: at commit the transaction
   * fails over to a retry if the row's verified columns changed, or if a row read as absent
   * now exists.
   */
  async get<K extends TableNameOf<T>>(
    table: K,
    uuid: Uuid<NoInfer<K>>,
    options?: ReadOptions<T[NoInfer<K>]>,
  ): Promise<T[K] | undefined> {
    this.checkOpen('get');
    const row = await this.source.get(table, uuid, this.readContext());
    if (!this.finished && options?.verify !== false) this.reads.record(table, uuid, row, options?.verify);
    return row;
  }

  /**
   * The rows of `table` matching every condition of `where` (all rows when empty). Each row
   * returned is recorded as {@link get} records it. Rows that start matching later are not
   * detected: read a row by UUID, or add a `wait`, to guard against them.
   */
  async select<K extends TableNameOf<T>>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[NoInfer<K>]>> = [],
    options?: ReadOptions<T[NoInfer<K>]>,
  ): Promise<ReadonlyArray<T[K]>> {
    this.checkOpen('select');
    const rows = await this.source.select(table, where, this.readContext());
    if (!this.finished && options?.verify !== false) {
      for (const row of rows) this.reads.record(table, uuidOf(row), row, options?.verify);
    }
    return rows;
  }

  /**
   * Verifies at commit that `row` of `table` (read elsewhere, e.g. from a replica) still has
   * the values it has here in `columns` (every declared column by default).
   */
  verify<K extends TableNameOf<T>>(
    table: K,
    row: T[NoInfer<K>],
    columns?: ReadonlyArray<VerifiableColumn<T[NoInfer<K>]>>,
  ): void {
    this.checkOpen('verify');
    descriptorOf(this.model, table);
    this.reads.record(table, uuidOf(row), row, columns);
  }

  /**
   * Inserts `row` into `table`; returns a reference to the new row for later rows,
   * mutations and targets of this transaction. Its UUID is in the outcome's `inserted`.
   */
  insert<K extends TableNameOf<T>>(
    table: K,
    row: RowWrite<T[NoInfer<K>]>,
    options: TxnInsertOptions = {},
  ): NamedRef<K> {
    this.checkOpen('insert');
    const uuidName = options.uuidName ?? `ovndb_row${++this.generatedNames}`;
    const built = insertRow(descriptorOf(this.model, table), row, {
      uuidName,
      ...(options.uuid === undefined ? {} : { uuid: options.uuid }),
    });
    this.operations.push(built.operation);
    return built.ref;
  }

  /** Sets the columns of `row` on the target rows: `undefined` leaves a column untouched, `CLEAR` empties it. */
  update<K extends TableNameOf<T>>(
    table: K,
    target: RowTarget<NoInfer<K>, T[NoInfer<K>]>,
    row: RowWrite<T[NoInfer<K>]>,
  ): void {
    this.checkOpen('update');
    this.operations.push(updateRows(descriptorOf(this.model, table), conditionsOf(target), row));
  }

  /** Applies `mutations`, in order, to the target rows. */
  mutate<K extends TableNameOf<T>>(
    table: K,
    target: RowTarget<NoInfer<K>, T[NoInfer<K>]>,
    mutations: ReadonlyArray<TypedMutation<T[NoInfer<K>]>>,
  ): void {
    this.checkOpen('mutate');
    this.operations.push(mutateRows(descriptorOf(this.model, table), conditionsOf(target), mutations));
  }

  /** Deletes the target rows. */
  delete<K extends TableNameOf<T>>(table: K, target: RowTarget<NoInfer<K>, T[NoInfer<K>]>): void {
    this.checkOpen('delete');
    this.operations.push(deleteRows(descriptorOf(this.model, table), conditionsOf(target)));
  }

  /**
   * A `wait` of the body's own (see `waitRows`): its failure is an ordinary error, never a
   * conflict to retry, even with `timeout: 0`.
   */
  wait<K extends TableNameOf<T>, const C extends ColumnOf<T[K]>>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[NoInfer<K>]>>,
    columns: ReadonlyArray<C>,
    until: '==' | '!=',
    rows: ReadonlyArray<RowWrite<Pick<T[NoInfer<K>], C>>>,
    timeout?: number,
  ): void {
    this.checkOpen('wait');
    this.operations.push(waitRows(descriptorOf(this.model, table), where, columns, until, rows, timeout));
  }

  /** Writes `text` to the database log with the transaction. */
  comment(text: string): void {
    this.checkOpen('comment');
    this.operations.push(op.comment(text));
  }

  /** Makes the commit fail with `NotOwnerError` unless this session holds `lock`. */
  assert(lock: string): void {
    this.checkOpen('assert');
    this.operations.push(op.assert(lock));
  }

  /**
   * @internal Ends the attempt: later calls throw `TransactionFinishedError`. Returns the
   * body's operations and the verify waits to put before them.
   */
  finish(): { operations: Operation[]; verify: VerifyPlan } {
    this.finished = true;
    return { operations: this.operations, verify: this.reads.plan() };
  }

  private checkOpen(method: string): void {
    if (this.finished) throw new TransactionFinishedError(method, this.attempt);
  }

  private readContext(): { signal?: AbortSignal } {
    return this.signal === undefined ? {} : { signal: this.signal };
  }
}

function uuidOf(row: unknown): string {
  return (row as { _uuid: string })._uuid;
}

function conditionsOf<K extends string, Row>(target: RowTarget<K, Row>): ReadonlyArray<TypedCondition<Row>> {
  if (typeof target === 'string' || target instanceof NamedRef) return [uuidCondition<Row>(target)];
  return target as ReadonlyArray<TypedCondition<Row>>;
}
