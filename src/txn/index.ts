/**
 * Optimistic typed transactions: read, write, verify at commit, retry on conflict.
 *
 * @packageDocumentation
 */
export { type BackoffOptions, defaultBackoff, type ResolvedBackoff, retryDelayMs } from './backoff.js';
export {
  type Planned,
  type PlanTarget,
  planOn,
  type ReplicaReader,
  readerOf,
  type TransactionRunner,
} from './plan.js';
export type { VerifiedRow } from './read-set.js';
export {
  clientRowSource,
  type MaybePromise,
  type ReadContext,
  type RowSource,
  type TableNameOf,
} from './row-source.js';
export {
  defaultRunTransactionOptions,
  type HandleTransactionOptions,
  type RetryInfo,
  type RunTransactionOptions,
  runTransaction,
  type TransactionOutcome,
} from './run-transaction.js';
export { replicaRowSource, snapshotRowSource } from './snapshot-row-source.js';
export {
  type ReadOptions,
  type RowTarget,
  Transaction,
  type TxnInsertOptions,
  type VerifiableColumn,
} from './transaction.js';
export type { HandleTransactOptions, TransactionTarget } from './transaction-target.js';
export { type SnapshotReader, TransactionView } from './transaction-view.js';
export {
  ModelRequiredError,
  OperationAddedTwiceError,
  ReplicaRequiredError,
  TransactionAbortedError,
  TransactionConflictError,
  TransactionFinishedError,
} from './txn-errors.js';
