/**
 * Planners: functions that read a replica and build the operations of a change (the OVN
 * helpers are planners). One planner runs on either of two targets:
 *
 * - a transaction in progress: it reads the transaction's view (the replica as the
 *   transaction leaves it, so it sees what was planned before it in the same body, and what it
 *   reads is verified at commit) and adds its operations to the transaction;
 * - a replica (or any read-only view of one): it plans on a transaction of its own that is
 *   never sent, and returns the operations for the caller to send.
 *
 * - a database handle (a `Session`, `database(client, model)`): it plans in a transaction of
 *   the handle's own and commits it, and resolves with the operations once committed.
 *
 * The planner returns the operations it planned (a promise of them, for a handle). Planners
 * that call other planners hand them the transaction, so a whole plan sees its own earlier steps.
 */
import type { Replica } from '../cache/replica.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { TransactionOutcome } from './run-transaction.js';
import { snapshotRowSource } from './snapshot-row-source.js';
import { Transaction } from './transaction.js';
import { type SnapshotReader, TransactionView } from './transaction-view.js';

/** The read methods of a replica that planners use: a `Replica` fits, and so does a transaction's view. */
export type ReplicaReader<T extends object> = Pick<
  Replica<T>,
  'get' | 'list' | 'rows' | 'count' | 'where' | 'find' | 'findOne' | 'indexes' | 'has'
>;

/** What a planner runs on: a replica (the operations are returned) or a transaction (they join it). */
export type PlanTarget<T extends object> = ReplicaReader<T> | Transaction<T>;

/** What runs a planner in a transaction of its own and commits it: a database handle. */
export interface TransactionRunner<T extends object> {
  transaction<R>(body: (txn: Transaction<T>) => R | Promise<R>): Promise<TransactionOutcome<R>>;
}

/** What a planner returns on `Target`: the operations, or for a handle a promise of them, committed. */
export type Planned<Target> = Target extends { transaction(...args: never[]): unknown }
  ? Promise<Operation[]>
  : Operation[];

/**
 * Runs planner body `body` on `target` (see the module comment) and returns the operations it
 * added. With a replica, `model` describes its database.
 */
export function planOn<T extends object, Target extends PlanTarget<T> | TransactionRunner<T>>(
  target: Target,
  model: DatabaseModel<T>,
  body: (txn: Transaction<T>) => void,
): Planned<Target> {
  return plan(target, model, body) as Planned<Target>;
}

function plan<T extends object>(
  target: PlanTarget<T> | TransactionRunner<T>,
  model: DatabaseModel<T>,
  body: (txn: Transaction<T>) => void,
): Operation[] | Promise<Operation[]> {
  if (isRunner(target)) {
    return target
      .transaction((txn) => {
        const mark = txn.planMark();
        body(txn);
        return txn.operationsSince(mark);
      })
      .then((outcome) => outcome.value);
  }
  if (target instanceof Transaction) {
    const mark = target.planMark();
    body(target);
    return target.operationsSince(mark);
  }
  const reader = target as unknown as SnapshotReader;
  const txn = Transaction.create(model, snapshotRowSource(reader, model), 1, undefined, {
    snapshot: reader,
    verify: false,
  });
  body(txn);
  return txn.finish().operations;
}

function isRunner<T extends object>(
  target: PlanTarget<T> | TransactionRunner<T>,
): target is TransactionRunner<T> {
  return (
    !(target instanceof Transaction) &&
    typeof (target as Partial<TransactionRunner<T>>).transaction === 'function'
  );
}

/**
 * What `reader` reads without verifying it at commit: a transaction view's
 * {@link TransactionView.unverified}, or a replica itself (a replica records nothing).
 */
export function unverifiedReaderOf<T extends object>(reader: ReplicaReader<T>): ReplicaReader<T> {
  return reader instanceof TransactionView ? (reader.unverified as unknown as ReplicaReader<T>) : reader;
}

/** What `target` reads: the transaction's view, or the replica itself. */
export function readerOf<T extends object>(target: PlanTarget<T>): ReplicaReader<T> {
  return target instanceof Transaction ? (target.view as unknown as ReplicaReader<T>) : target;
}
