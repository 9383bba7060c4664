/**
 * The optimistic transaction runner: run the body, commit what it wrote behind `wait`s that
 * verify what it read, and when a verify fails (someone changed a row in between) run the body
 * again from scratch on fresh reads. No lock is held while the body runs.
 *
 * The commit goes through a database handle's `transact`, so on a `Session` it keeps the
 * session's guarantees: a commit whose reply is lost in a failover is settled by the mark of an
 * insert with a client-chosen UUID (every insert has one), or resent when the body is declared
 * idempotent (a conflict on the resend runs the body again on fresh reads); otherwise it fails
 * with `WriteOutcomeUnknownError`, and the body is never run again blindly.
 */
import type { Replica } from '../cache/replica.js';
import type { OvsdbClient } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { typedResults } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { NamedRef } from '../model/write-markers.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { type BackoffOptions, defaultBackoff, retryDelayMs, sleep } from './backoff.js';
import { conflictOf, type VerifiedRow } from './read-set.js';
import { clientRowSource, type RowSource } from './row-source.js';
import { replicaRowSource } from './snapshot-row-source.js';
import { Transaction } from './transaction.js';
import {
  clientTarget,
  type HandleTransactOptions,
  isClient,
  type TransactionTarget,
} from './transaction-target.js';
import type { SnapshotReader } from './transaction-view.js';
import { TransactionAbortedError, TransactionConflictError } from './txn-errors.js';

/** What {@link RunTransactionOptions.onRetry} is told before each retry. */
export interface RetryInfo extends VerifiedRow {
  /** The attempt that met the conflict, from 1. */
  readonly attempt: number;
  /** How long the runner waits before the next attempt. */
  readonly delayMs: number;
  /** The server's `TimedOutError` for the failed verify. */
  readonly error: unknown;
}

/** Options of {@link runTransaction}. */
export interface RunTransactionOptions<T extends object = Record<string, unknown>> {
  /** Attempts in all, the first included, before giving up with `TransactionConflictError`. @default 5 */
  maxAttempts?: number;
  /** Delay between attempts. @default {@link defaultBackoff} (10 ms doubling, capped at 250 ms, jittered) */
  backoff?: BackoffOptions;
  /** Aborts reads, the commit, and the wait between attempts. */
  signal?: AbortSignal;
  /** Where reads come from. @default the {@link replica} when given, else a `select` per read ({@link clientRowSource}) */
  rowSource?: RowSource<T>;
  /**
   * A replica to read from: `txn.get`/`txn.select` answer from it, and `txn.view` (what the
   * OVN helpers read) is this replica as the transaction leaves it. Its reads are verified at
   * commit as any other; after a conflict the retry reads the replica again, which already
   * shows the change that caused it when the replica and the commit share a connection.
   */
  replica?: Replica<T>;
  /**
   * The body is declarative: running it again on fresh reads is always right (it computes
   * what to write from what it reads). On a session, a commit whose reply was lost is then
   * resent, and a conflict on that resend runs the body again, instead of failing with
   * `WriteOutcomeUnknownError`. @default false
   */
  idempotent?: boolean;
  /** The commit fails (`NotOwnerError`) unless this lock is held: an `assert` is added. */
  lock?: string;
  /**
   * Run the body once and return what it would send (`operations` of the outcome) without
   * sending anything. @default false
   */
  dryRun?: boolean;
  /** Options of the commit's `transact` (timeout, validation); the signal is {@link signal}. */
  transact?: Omit<HandleTransactOptions, 'signal' | 'idempotent' | 'lock'>;
  /**
   * Called before each retry, e.g. for logging or metrics; a promise it returns is awaited
   * before the delay (say, until a replica has caught up).
   */
  onRetry?: (info: RetryInfo) => unknown;
}

/**
 * Options of a database handle's `transaction`: those of {@link runTransaction}, reading from
 * the handle's replica.
 */
export type HandleTransactionOptions<T extends object> = Omit<
  RunTransactionOptions<T>,
  'replica' | 'rowSource'
> & {
  /**
   * Where `txn.get`/`txn.select` read: the handle's replica (started on first use), or the
   * server, one `select` per read. `txn.view`, what the OVN helpers read, needs the replica.
   * @default 'replica'
   */
  reads?: 'replica' | 'server';
};

/** The defaults of {@link RunTransactionOptions}. */
export const defaultRunTransactionOptions = Object.freeze({ maxAttempts: 5, backoff: defaultBackoff });

/** What {@link runTransaction} resolves with. */
export interface TransactionOutcome<R> {
  /** What the body of the committed attempt returned. */
  readonly value: R;
  /**
   * One result per operation of the body, in order (the verify waits left out). Note that the
   * `operationIndex` of a server error counts the verify waits, which come first.
   */
  readonly results: ReadonlyArray<OperationResult>;
  /** The UUIDs the server gave the inserted rows, by `uuid-name`. */
  readonly inserted: Readonly<Record<string, Uuid>>;
  /** How many times the body ran: 1 when the first attempt committed. */
  readonly attempts: number;
  /** The body's operations of the attempt that committed (or, in a dry run, that would be sent). */
  readonly operations: ReadonlyArray<Operation>;
  /** True when a commit was sent: false for a dry run, and for a body that wrote nothing and read only a replica. */
  readonly sent: boolean;
  /** The UUID of the row inserted as `ref`, typed with its table; undefined for a ref of another transaction. */
  uuidOf<K extends string>(ref: NamedRef<K>): Uuid<K> | undefined;
}

/**
 * Runs `body` as an optimistic transaction on the database of `model`. The body reads with
 * `txn.get`/`txn.select` and writes with `txn.insert`/`update`/`mutate`/`delete`; nothing is
 * sent until it returns. Its writes are then committed in one `transact`, preceded by one
 * `wait` (`timeout: 0`) per row read, which fails if the row changed since. On such a conflict
 * the body runs again, from scratch, after a short jittered delay, up to `maxAttempts` times:
 * the body must be safe to run more than once (no side effects outside `txn`).
 *
 * Rejects with `TransactionConflictError` when every attempt met a conflict,
 * `TransactionAbortedError` when `signal` aborts between requests, and otherwise with the
 * error as it came: what the body threw, `InvalidValueError`/`InvalidOperationError` for a
 * bad value (nothing sent), or the typed server error of the commit (no retry).
 *
 * @example
 * ```ts
 * const { value } = await runTransaction(client, model, async (txn) => {
 *   const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls0')], { verify: ['external_ids'] });
 *   const n = Number(ls?.external_ids.counter ?? 0) + 1;
 *   if (ls) txn.update('Logical_Switch', ls._uuid, { external_ids: { ...ls.external_ids, counter: String(n) } });
 *   return n;
 * });
 * ```
 */
export async function runTransaction<T extends object, R>(
  target: TransactionTarget | OvsdbClient,
  model: DatabaseModel<T>,
  body: (txn: Transaction<T>) => R | Promise<R>,
  options: RunTransactionOptions<T> = {},
): Promise<TransactionOutcome<R>> {
  const maxAttempts = Math.max(
    1,
    Math.floor(options.maxAttempts ?? defaultRunTransactionOptions.maxAttempts),
  );
  const backoff = { ...defaultBackoff, ...options.backoff };
  const { signal, replica } = options;
  const database = isClient(target) ? clientTarget(target, model.name) : target;
  const source =
    options.rowSource ??
    (replica !== undefined ? replicaRowSource(replica) : clientRowSource(database, model));
  const transactOptions: HandleTransactOptions = { ...options.transact };
  if (signal !== undefined) transactOptions.signal = signal;
  if (options.idempotent === true) transactOptions.idempotent = true;
  if (options.lock !== undefined) transactOptions.lock = options.lock;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new TransactionAbortedError(attempt - 1, signal.reason);
    const txn = Transaction.create(model, source, attempt, signal, {
      snapshot: replica as SnapshotReader | undefined,
    });
    let value: R;
    try {
      value = await body(txn);
    } catch (error) {
      txn.finish();
      throw error;
    }
    const finished = txn.finish();
    const { operations, verify } = finished;
    if (signal?.aborted) throw new TransactionAbortedError(attempt, signal.reason);
    if (options.dryRun === true)
      return outcome(value, [], plannedUuids(operations), attempt, operations, false);
    const waits = verify.operations.length;
    if (operations.length === 0 && (waits === 0 || finished.snapshot))
      return outcome(value, [], {}, attempt, operations, false);

    let results: OperationResult[];
    try {
      results = await database.transact([...verify.operations, ...operations], transactOptions);
    } catch (error) {
      const conflict = conflictOf(verify, error);
      if (conflict === undefined) throw error;
      if (attempt >= maxAttempts)
        throw new TransactionConflictError(conflict.table, conflict.uuid, attempt, error, conflict.lookup);
      const delayMs = retryDelayMs(attempt, backoff);
      await options.onRetry?.({ ...conflict, attempt, delayMs, error });
      if (!(await sleep(delayMs, signal))) throw new TransactionAbortedError(attempt, signal?.reason);
      continue;
    }
    const own = results.slice(waits);
    return outcome(value, own, typedResults(operations, own), attempt, operations, true);
  }
}

/** The UUIDs a dry run's inserts would have, by `uuid-name`. */
function plannedUuids(operations: readonly Operation[]): Record<string, Uuid> {
  const out: Record<string, Uuid> = {};
  for (const operation of operations) {
    if (operation.op === 'insert' && operation['uuid-name'] !== undefined && operation.uuid !== undefined)
      out[operation['uuid-name']] = operation.uuid as Uuid;
  }
  return out;
}

function outcome<R>(
  value: R,
  results: ReadonlyArray<OperationResult>,
  inserted: Readonly<Record<string, Uuid>>,
  attempts: number,
  operations: ReadonlyArray<Operation>,
  sent: boolean,
): TransactionOutcome<R> {
  return {
    value,
    results,
    inserted,
    attempts,
    operations,
    sent,
    uuidOf: <K extends string>(ref: NamedRef<K>) => inserted[ref.name] as Uuid<K> | undefined,
  };
}

/**
 * A database handle's `transaction`: {@link runTransaction} on `target`, reading the handle's
 * replica (`replicaOf`, started on first use) unless `options.reads` is `'server'`.
 */
export async function runOnHandle<T extends object, R>(
  target: TransactionTarget,
  model: DatabaseModel<T>,
  replicaOf: (signal: AbortSignal | undefined) => Promise<Replica<T>>,
  body: (txn: Transaction<T>) => R | Promise<R>,
  options: HandleTransactionOptions<T>,
): Promise<TransactionOutcome<R>> {
  const { reads, ...run } = options;
  if (reads === 'server') return runTransaction(target, model, body, run);
  return runTransaction(target, model, body, { ...run, replica: await replicaOf(run.signal) });
}
