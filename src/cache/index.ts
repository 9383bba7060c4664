/**
 * The replica: an in-memory copy of a database kept by a monitor, with indexes, change
 * events and lossless change streams.
 *
 * @packageDocumentation
 */

export type { Change, DeleteChange, InsertChange, RowChange, UpdateChange } from './change.js';
export {
  ChangeStream,
  ChangeStreamClosedError,
  type ChangeStreamOptions,
  type ReadPauser,
} from './change-stream.js';
export {
  type BatchInfo,
  ConditionChangeUnsupportedError,
  MonitorCanceledError,
  Replica,
  ReplicaAlreadySyncedError,
  ReplicaClosedError,
  type ReplicaEvents,
  ReplicaSuspendedError,
  ReplicatedTableRemovedError,
  type ResumeInfo,
  ResumeUnavailableError,
  type SyncProgress,
  TableNotReplicatedError,
} from './replica.js';
export type { MonitorMethod, ReplicaOptions, ReplicaTableOptions } from './replica-options.js';
export { replicaRowSource } from './replica-row-source.js';
export { type ReplicaUntilOptions, ReplicaWaitTimeoutError, replicaUntil } from './replica-until.js';
export { IndexArityError, type IndexPart, type IndexSpec, UnknownIndexError } from './row-index.js';
export { ReplicaInconsistencyError } from './table-store.js';
