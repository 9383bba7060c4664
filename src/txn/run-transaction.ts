/**
 * The optimistic transaction runner: run the body, commit what it wrote behind `wait`s that
 * verify what it read, and when a verify fails (someone changed a row in between) run the body
 * again from scratch on fresh reads. No lock is held while the body runs.
 */
import type { OvsdbClient, TransactOptions } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { typedResults } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { NamedRef } from '../model/write-markers.js';
import type { OperationResult } from '../protocol/results.js';
import { type BackoffOptions, defaultBackoff, retryDelayMs, sleep } from './backoff.js';
import { conflictOf, type VerifiedRow } from './read-set.js';
import { clientRowSource, type RowSource } from './row-source.js';
import { Transaction } from './transaction.js';
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
  /** Where reads come from. @default a `select` through `client` per read ({@link clientRowSource}) */
  rowSource?: RowSource<T>;
  /** Options of the commit's `transact` (timeout, validation); the signal is {@link signal}. */
  transact?: Omit<TransactOptions, 'signal'>;
  /**
   * Called before each retry, e.g. for logging or metrics; a promise it returns is awaited
   * before the delay (say, until a replica has caught up).
   */
  onRetry?: (info: RetryInfo) => unknown;
}

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
  client: OvsdbClient,
  model: DatabaseModel<T>,
  body: (txn: Transaction<T>) => R | Promise<R>,
  options: RunTransactionOptions<T> = {},
): Promise<TransactionOutcome<R>> {
  const maxAttempts = Math.max(
    1,
    Math.floor(options.maxAttempts ?? defaultRunTransactionOptions.maxAttempts),
  );
  const backoff = { ...defaultBackoff, ...options.backoff };
  const { signal } = options;
  const source = options.rowSource ?? clientRowSource(client, model);
  const transactOptions: TransactOptions =
    signal === undefined ? { ...options.transact } : { ...options.transact, signal };

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new TransactionAbortedError(attempt - 1, signal.reason);
    const txn = new Transaction(model, source, attempt, signal);
    let value: R;
    try {
      value = await body(txn);
    } catch (error) {
      txn.finish();
      throw error;
    }
    const { operations, verify } = txn.finish();
    if (signal?.aborted) throw new TransactionAbortedError(attempt, signal.reason);
    const waits = verify.operations.length;
    if (operations.length === 0 && waits === 0) return outcome(value, [], {}, attempt);

    let results: OperationResult[];
    try {
      results = await client.transact(model.name, [...verify.operations, ...operations], transactOptions);
    } catch (error) {
      const conflict = conflictOf(verify, error);
      if (conflict === undefined) throw error;
      if (attempt >= maxAttempts)
        throw new TransactionConflictError(conflict.table, conflict.uuid, attempt, error);
      const delayMs = retryDelayMs(attempt, backoff);
      await options.onRetry?.({ ...conflict, attempt, delayMs, error });
      if (!(await sleep(delayMs, signal))) throw new TransactionAbortedError(attempt, signal?.reason);
      continue;
    }
    const own = results.slice(waits);
    return outcome(value, own, typedResults(operations, own), attempt);
  }
}

function outcome<R>(
  value: R,
  results: ReadonlyArray<OperationResult>,
  inserted: Readonly<Record<string, Uuid>>,
  attempts: number,
): TransactionOutcome<R> {
  return {
    value,
    results,
    inserted,
    attempts,
    uuidOf: <K extends string>(ref: NamedRef<K>) => inserted[ref.name] as Uuid<K> | undefined,
  };
}
