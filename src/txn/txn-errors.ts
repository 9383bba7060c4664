/** Errors of the optimistic transaction runner (run-transaction.ts). */
import { OvndbError } from '../errors.js';

/**
 * A row the transaction read changed before every attempt could commit: the verify `wait` of
 * the last attempt failed and the retry budget (`maxAttempts`) is spent. Nothing the body
 * asked for was written. `cause` is the server's `TimedOutError` for that wait.
 */
export class TransactionConflictError extends OvndbError {
  /** Table of the row whose verify failed on the last attempt. */
  readonly table: string;
  /** UUID of that row. */
  readonly uuid: string;
  /** How many times the body ran and was sent to the server. */
  readonly attempts: number;

  constructor(table: string, uuid: string, attempts: number, cause: unknown) {
    super(
      'OVNDB_TRANSACTION_CONFLICT',
      `transaction gave up after ${attempts} attempt(s): row ${uuid} of table ${table} changed between read and commit`,
      { cause, details: { table, uuid, attempts } },
    );
    this.table = table;
    this.uuid = uuid;
    this.attempts = attempts;
  }
}

/**
 * The runner's `signal` aborted before an attempt, between the body and its commit, or during
 * the wait before a retry: nothing of that attempt was sent. `cause` is the signal's reason.
 * (An abort while a read or the commit is on the wire rejects with that request's
 * `RequestAbortedError` instead.)
 */
export class TransactionAbortedError extends OvndbError {
  /** How many times the body ran. */
  readonly attempts: number;

  constructor(attempts: number, reason: unknown) {
    super('OVNDB_TRANSACTION_ABORTED', `transaction aborted after ${attempts} attempt(s)`, {
      cause: reason,
    });
    this.attempts = attempts;
  }
}

/**
 * A {@link Transaction} was used after its attempt ended (its body returned or threw): a
 * forgotten un-awaited call, or a transaction kept across attempts. Such an operation would
 * otherwise be dropped silently.
 */
export class TransactionFinishedError extends OvndbError {
  constructor(method: string, attempt: number) {
    super(
      'OVNDB_TRANSACTION_FINISHED',
      `txn.${method}() called after attempt ${attempt} of the transaction ended`,
    );
  }
}
