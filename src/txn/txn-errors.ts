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
  /** For an index look-up whose rows changed (then `uuid` is empty): the index key, e.g. `name == "r1"`. */
  readonly lookup: string | undefined;

  constructor(table: string, uuid: string, attempts: number, cause: unknown, lookup?: string) {
    const what =
      lookup === undefined ? `row ${uuid} of table ${table}` : `the rows of table ${table} with ${lookup}`;
    super(
      'OVNDB_TRANSACTION_CONFLICT',
      `transaction gave up after ${attempts} attempt(s): ${what} changed between read and commit`,
      { cause, details: { table, uuid, attempts, ...(lookup === undefined ? {} : { lookup }) } },
    );
    this.table = table;
    this.uuid = uuid;
    this.attempts = attempts;
    this.lookup = lookup;
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

/**
 * A transaction's {@link Transaction.view} (what the OVN helpers read) was used on a
 * transaction that reads from the server: the view answers synchronously, from a replica.
 * Run the transaction on a handle (`session.transaction(...)`), which reads its replica, or
 * pass `rowSource: replicaRowSource(replica)` to `runTransaction`.
 */
export class ReplicaRequiredError extends OvndbError {
  /** The database of the transaction. */
  readonly database: string;

  constructor(database: string) {
    super(
      'OVNDB_REPLICA_REQUIRED',
      `this transaction on ${database} reads from the server: its view (what the OVN helpers read) needs a replica`,
      { details: { database } },
    );
    this.database = database;
  }
}

/**
 * The same operation object was added to a transaction twice, which would apply it twice. A
 * helper handed the transaction adds its operations itself: don't add what it returns.
 */
export class OperationAddedTwiceError extends OvndbError {
  constructor(op: string, attempt: number) {
    super(
      'OVNDB_OPERATION_ADDED_TWICE',
      `a ${op} operation was added twice to attempt ${attempt} of the transaction (a helper handed the transaction adds its operations itself)`,
      { details: { op, attempt } },
    );
  }
}

/**
 * An optimistic transaction or a replica was asked of a database handle opened without a
 * model: open it with one (`Session.open(remotes, { model })`, `database(client, model)`).
 */
export class ModelRequiredError extends OvndbError {
  /** The handle's database. */
  readonly database: string;

  constructor(database: string) {
    super(
      'OVNDB_MODEL_REQUIRED',
      `the handle of ${database} was opened without a model: pass one (e.g. the generated ovndb/nb model) to use transactions and its replica`,
      { details: { database } },
    );
    this.database = database;
  }
}
