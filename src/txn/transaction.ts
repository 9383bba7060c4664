/**
 * One attempt of an optimistic transaction: typed reads that are recorded for verification,
 * and typed writes collected, in order, as wire operations. Every read sees the writes made
 * earlier in the same attempt (write-overlay.ts), and code that plans against a replica (the
 * OVN helpers) can plan against the attempt's {@link Transaction.view} and add what it plans
 * with {@link Transaction.add}. Nothing is sent from here; the runner (run-transaction.ts)
 * commits what an attempt collected, or throws it away and starts a fresh attempt.
 */
import type { DatabaseModel } from '../model/descriptor.js';
import {
  type ColumnOf,
  encodeConditions,
  type TypedCondition,
  type TypedMutation,
} from '../model/typed-clauses.js';
import { deleteRows, insertRow, mutateRows, updateRows, waitRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import { NamedRef, type RowWrite } from '../model/write-markers.js';
import type { UuidString } from '../protocol/notation.js';
import { type Operation, op } from '../protocol/operations.js';
import { descriptorOf } from './descriptor-of.js';
import { ReadSet, type VerifyPlan } from './read-set.js';
import { rowCondition, rowMatches } from './row-match.js';
import { type RowSource, type TableNameOf, uuidCondition } from './row-source.js';
import { type SnapshotReader, TransactionView } from './transaction-view.js';
import { OperationAddedTwiceError, ReplicaRequiredError, TransactionFinishedError } from './txn-errors.js';
import { WriteOverlay } from './write-overlay.js';

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

/** How an attempt is set up by its runner. */
export interface AttemptSetup {
  /** The replica the attempt's {@link Transaction.view} reads, if any. */
  readonly snapshot?: SnapshotReader | undefined;
  /** Record reads for verification at commit. @default true */
  readonly verify?: boolean | undefined;
}

/** What an attempt leaves for its commit. */
export interface FinishedAttempt {
  /** The body's operations, in order (inserts carry their client-chosen UUIDs). */
  readonly operations: Operation[];
  /** The verify waits to put before them. */
  readonly verify: VerifyPlan;
  /** True when every read came from one replica: a read-only attempt then needs no commit. */
  readonly snapshot: boolean;
}

/**
 * One attempt of a transaction over the database with tables map `T`, handed to the body of
 * `runTransaction` (or of a handle's `transaction`). Reads are recorded and verified at
 * commit; writes are typed by the model and built with the typed operation builders
 * (src/model/typed-ops.ts), so a wrong column or value fails here, naming table and column.
 * Reads see the writes made before them in the same attempt. Valid only while its body runs.
 */
export class Transaction<T extends object> {
  /** Which attempt this is, from 1: a retry gets a new Transaction with a higher number. */
  readonly attempt: number;
  /** The database's model. */
  readonly model: DatabaseModel<T>;
  private readonly operations: Operation[] = [];
  private readonly added = new WeakSet<Operation>();
  private readonly reads: ReadSet;
  private readonly overlay: WriteOverlay;
  private readonly snapshot: SnapshotReader | undefined;
  private readonly record: boolean;
  private planView: TransactionView<T> | undefined;
  private finished = false;
  private generatedNames = 0;

  /** @internal made by `runTransaction` */
  static create<T extends object>(
    model: DatabaseModel<T>,
    source: RowSource<T>,
    attempt: number,
    signal?: AbortSignal,
    setup: AttemptSetup = {},
  ): Transaction<T> {
    return new Transaction(model, source, attempt, signal, setup);
  }

  // Private, so that the published declarations do not offer a constructor: `create` is stripped from them.
  private constructor(
    model: DatabaseModel<T>,
    private readonly source: RowSource<T>,
    attempt: number,
    private readonly signal: AbortSignal | undefined,
    setup: AttemptSetup,
  ) {
    this.model = model;
    this.attempt = attempt;
    this.reads = new ReadSet(model as DatabaseModel<Record<string, unknown>>);
    this.overlay = new WriteOverlay(model as unknown as DatabaseModel<Record<string, unknown>>);
    this.snapshot = setup.snapshot;
    this.record = setup.verify ?? true;
  }

  /**
   * The replica underneath, as this attempt leaves it: the read methods of a `Replica`
   * (`get`, `find`, `where`, ...), seeing every write made so far in the attempt. The OVN
   * helpers plan against it when handed the transaction. What is read through it is verified at
   * commit: each row read (that it exists, and the columns read of it, by value), and for an
   * index look-up the set of rows its key selects.
   * @throws {@link ReplicaRequiredError} when the transaction reads from the server, not a replica.
   */
  get view(): TransactionView<T> {
    this.checkOpen('view');
    if (this.snapshot === undefined) throw new ReplicaRequiredError(this.model.name);
    this.planView ??= TransactionView.create<T>(
      this.model,
      this.snapshot,
      this.overlay,
      this.record ? this.reads : undefined,
    );
    return this.planView;
  }

  /**
   * Adds wire operations (from `op.*`, the typed builders, or a planner) to the transaction,
   * in order; later reads see their effect. An `insert` without a UUID is given one. The same
   * operation object added twice throws {@link OperationAddedTwiceError}: an OVN helper handed
   * the transaction has already added what it returns.
   */
  add(operations: Operation | readonly Operation[]): void {
    this.checkOpen('add');
    const list = Array.isArray(operations) ? (operations as readonly Operation[]) : [operations as Operation];
    for (const operation of list) {
      if (this.added.has(operation)) throw new OperationAddedTwiceError(operation.op, this.attempt);
      this.push(operation);
    }
  }

  /** The UUID the row inserted as `ref` will have (chosen by the client), or undefined for a ref of another transaction. */
  uuidOf<K extends string>(ref: NamedRef<K>): Uuid<K> | undefined {
    return this.overlay.uuidOfName(ref.name) as Uuid<K> | undefined;
  }

  /** @internal How many operations the attempt holds: a mark for {@link operationsSince}. */
  planMark(): number {
    return this.operations.length;
  }

  /** @internal The operations added since `mark`, as they will be sent. */
  operationsSince(mark: number): Operation[] {
    return this.operations.slice(mark);
  }

  private push(operation: Operation): void {
    const sent = this.overlay.add(operation);
    this.added.add(operation);
    this.added.add(sent);
    this.operations.push(sent);
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
    if (this.overlay.inserted(table, uuid))
      return this.overlay.row(table, uuid, undefined) as T[K] | undefined;
    const row = await this.source.get(table, uuid, this.readContext());
    if (!this.finished && this.record && options?.verify !== false)
      this.reads.record(table, uuid, row, options?.verify, this.source.snapshot === true);
    return this.overlay.row(table, uuid, row as Record<string, unknown> | undefined) as T[K] | undefined;
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
    if (!this.finished && this.record && options?.verify !== false) {
      for (const row of rows)
        this.reads.record(table, uuidOf(row), row, options?.verify, this.source.snapshot === true);
    }
    if (!this.overlay.wrote(table)) return rows;
    return this.ownWritesApplied(table, where, rows);
  }

  /** `rows` (read underneath with `where`) as this attempt's writes leave them, and rows they made match. */
  private async ownWritesApplied<K extends TableNameOf<T>>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[NoInfer<K>]>>,
    rows: ReadonlyArray<T[K]>,
  ): Promise<ReadonlyArray<T[K]>> {
    const descriptor = descriptorOf(this.model, table);
    const condition = rowCondition(descriptor, encodeConditions(descriptor, where));
    const base = new Map<string, Record<string, unknown>>();
    for (const row of rows) base.set(uuidOf(row), row as Record<string, unknown>);
    // Rows written by UUID may now match although they did not underneath.
    for (const uuid of this.overlay.touched(table) ?? []) {
      if (base.has(uuid)) continue;
      const row = await this.source.get(table, uuid as Uuid<K>, this.readContext());
      if (row !== undefined) base.set(uuid, row as Record<string, unknown>);
    }
    const out: T[K][] = [];
    for (const [uuid, row] of base) {
      const current = this.overlay.row(table, uuid, row);
      if (current !== undefined && rowMatches(descriptor, current, condition)) out.push(current as T[K]);
    }
    for (const row of this.overlay.insertedRows(table)) {
      if (rowMatches(descriptor, row, condition)) out.push(row as T[K]);
    }
    return out;
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
    this.reads.record(table, uuidOf(row), row, columns, true);
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
    this.push(built.operation);
    return built.ref;
  }

  /** Sets the columns of `row` on the target rows: `undefined` leaves a column untouched, `CLEAR` empties it. */
  update<K extends TableNameOf<T>>(
    table: K,
    target: RowTarget<NoInfer<K>, T[NoInfer<K>]>,
    row: RowWrite<T[NoInfer<K>]>,
  ): void {
    this.checkOpen('update');
    this.push(updateRows(descriptorOf(this.model, table), conditionsOf(target), row));
  }

  /** Applies `mutations`, in order, to the target rows. */
  mutate<K extends TableNameOf<T>>(
    table: K,
    target: RowTarget<NoInfer<K>, T[NoInfer<K>]>,
    mutations: ReadonlyArray<TypedMutation<T[NoInfer<K>]>>,
  ): void {
    this.checkOpen('mutate');
    this.push(mutateRows(descriptorOf(this.model, table), conditionsOf(target), mutations));
  }

  /** Deletes the target rows. */
  delete<K extends TableNameOf<T>>(table: K, target: RowTarget<NoInfer<K>, T[NoInfer<K>]>): void {
    this.checkOpen('delete');
    this.push(deleteRows(descriptorOf(this.model, table), conditionsOf(target)));
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
    this.push(waitRows(descriptorOf(this.model, table), where, columns, until, rows, timeout));
  }

  /** Writes `text` to the database log with the transaction. */
  comment(text: string): void {
    this.checkOpen('comment');
    this.push(op.comment(text));
  }

  /** Makes the commit fail with `NotOwnerError` unless this session holds `lock`. */
  assert(lock: string): void {
    this.checkOpen('assert');
    this.push(op.assert(lock));
  }

  /**
   * @internal Ends the attempt: later calls throw `TransactionFinishedError`. Returns the
   * body's operations, the verify waits to put before them, and what settles a lost reply.
   */
  finish(): FinishedAttempt {
    this.finished = true;
    return {
      operations: this.operations,
      verify: this.reads.plan(),
      snapshot: this.reads.snapshot,
    };
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
