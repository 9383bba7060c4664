/** What a replica reports: its events, and the errors its reads and life cycle raise. */
import { OvndbError } from '../errors.js';
import type { Change } from './change.js';
import type { SyncProgress } from './replica-options.js';

/** What one applied server message changed. */
export interface BatchInfo {
  /** Rows changed. */
  readonly rows: number;
  /** The transaction id the server reported with the update (monitor_cond_since only). */
  readonly lastTxnId: string | undefined;
  /** True for the initial contents. */
  readonly initial: boolean;
}

/** Events of a {@link Replica}. */
export interface ReplicaEvents<T extends object> {
  /** One row changed. Listeners run synchronously while the update is applied. */
  change: [change: Change<T>];
  /** A whole server message was applied (after its `change` events). */
  batch: [info: BatchInfo];
  /** Part of the initial contents was applied (see also the `onProgress` option, which sees the first sync). */
  progress: [progress: SyncProgress];
  /** The replica stopped: closed by the caller, or its connection failed (`error`). */
  closed: [error?: Error];
}

/** A read or condition change named a table the replica does not hold. */
export class TableNotReplicatedError extends OvndbError {
  constructor(readonly table: string) {
    super('OVNDB_TABLE_NOT_REPLICATED', `table ${table} is not replicated`, { details: { table } });
  }
}

/** The replica was used after it stopped. */
export class ReplicaClosedError extends OvndbError {
  constructor(cause?: Error) {
    super('OVNDB_REPLICA_CLOSED', 'the replica is closed', cause ? { cause } : {});
  }
}

/** The server canceled the replica's monitor (its database was converted or removed). */
export class MonitorCanceledError extends OvndbError {
  constructor(readonly database: string) {
    super('OVNDB_MONITOR_CANCELED', `the server canceled the monitor of ${database}`, {
      details: { database },
    });
  }
}

/** `setCondition` on a replica kept by the `monitor` method, which has no condition changes. */
export class ConditionChangeUnsupportedError extends OvndbError {
  constructor(readonly table: string) {
    super(
      'OVNDB_CONDITION_CHANGE_UNSUPPORTED',
      `cannot change the condition of ${table}: the server only supports \`monitor\``,
      { details: { table } },
    );
  }
}

/** `sync()` was called on a replica that already started syncing. */
export class ReplicaAlreadySyncedError extends OvndbError {
  constructor() {
    super('OVNDB_REPLICA_ALREADY_SYNCED', 'sync() may be called only once');
  }
}
