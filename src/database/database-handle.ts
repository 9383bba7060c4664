/**
 * One database, open: what a controller reads as one thing. A reconnecting `Session` and a
 * plain connection's database (`database(client, model)`) both offer this surface, so code
 * written against it (the OVN and IC helpers, `applyVpc`, your reconcile loop) runs on either,
 * and on a session keeps the session's guarantees across failover.
 */
import type { Replica } from '../cache/replica.js';
import type { CallOptions } from '../client/options.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import type { HandleTransactionOptions, TransactionOutcome } from '../txn/run-transaction.js';
import type { Transaction } from '../txn/transaction.js';
import type { HandleTransactOptions, TransactionTarget } from '../txn/transaction-target.js';

/**
 * How long a handle's wait (for a lock) may last, and how to stop it early: the call rejects
 * with a typed error when `signal` fires or `timeoutMs` passes (0: no limit of its own).
 */
export type HandleWaitOptions = CallOptions;

/** An open database: transactions, optimistic transactions, its replica, locks, close. */
export interface DatabaseHandle<T extends object = Record<string, unknown>> extends TransactionTarget {
  /** The database's name, e.g. `OVN_Northbound`. */
  readonly database: string;
  /** The model the handle was opened with, if any (optimistic transactions and the replica need one). */
  readonly model: DatabaseModel<T> | undefined;
  /**
   * Runs `operations` as one transaction, checked against the server's schema first: bad input
   * rejects with a typed error naming the table, column and value, and nothing is written.
   */
  transact(operations: readonly Operation[], options?: HandleTransactOptions): Promise<OperationResult[]>;
  /**
   * Runs `body` as an optimistic transaction (see `runTransaction`) reading the handle's
   * replica: OVN helpers called with `txn` add their operations to it and see what was written
   * before them in the body; everything commits as one transaction, verified against what was read.
   */
  transaction<R>(
    body: (txn: Transaction<T>) => R | Promise<R>,
    options?: HandleTransactionOptions<T>,
  ): Promise<TransactionOutcome<R>>;
  /** The handle's replica of its model's database: started on first call, the same one after. */
  replica(): Promise<Replica<T>>;
  /** Asks for `lock` and resolves once it is held. */
  lock(name: string, options?: HandleWaitOptions): Promise<void>;
  /** Gives `lock` up, or stops waiting for it. */
  unlock(name: string): Promise<void>;
  /** True while `lock` is held. */
  holds(name: string): boolean;
  /** Closes the handle: its replicas, and the connection when the handle owns it. */
  close(): Promise<void>;
}
