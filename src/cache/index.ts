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
  ResumeUnavailableError,
  type SyncProgress,
  TableNotReplicatedError,
} from './replica.js';
export type {
  ReplicaCallOptions,
  ReplicaClient,
  ReplicaClientEvents,
  ReplicaConnectionState,
} from './replica-client.js';
export type {
  MonitorMethod,
  ReplicaOptions,
  ReplicaTableOptions,
  ReplicaTablesOption,
} from './replica-options.js';
export { type ReplicaUntilOptions, ReplicaWaitTimeoutError, replicaUntil } from './replica-until.js';
export { IndexArityError, type IndexPart, type IndexSpec, UnknownIndexError } from './row-index.js';
export { ReplicaInconsistencyError } from './table-store.js';
export type {
  DeclaredIndexes,
  IndexDeclarations,
  IndexName,
  IndexValues,
  NoClientIndexes,
} from './typed-indexes.js';
