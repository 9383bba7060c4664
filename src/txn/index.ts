/**
 * Optimistic typed transactions: read, write, verify at commit, retry on conflict.
 *
 * @packageDocumentation
 */
export { type BackoffOptions, defaultBackoff, type ResolvedBackoff, retryDelayMs } from './backoff.js';
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
  type RetryInfo,
  type RunTransactionOptions,
  runTransaction,
  type TransactionOutcome,
} from './run-transaction.js';
export {
  type ReadOptions,
  type RowTarget,
  Transaction,
  type TxnInsertOptions,
  type VerifiableColumn,
} from './transaction.js';
export { TransactionAbortedError, TransactionConflictError, TransactionFinishedError } from './txn-errors.js';
