/** What a replica reports: its events, and the errors its reads and life cycle raise. */
import { OvndbError } from '../errors.js';
import type { Change } from './change.js';
import type { MonitorMethod, SyncProgress } from './replica-options.js';

/** What one applied server message changed. */
export interface BatchInfo {
  /** Rows changed. */
  readonly rows: number;
  /** The transaction id the server reported with the update (monitor_cond_since only). */
  readonly lastTxnId: string | undefined;
  /** True for the initial contents. */
  readonly initial: boolean;
}

/**
 * How a replica resumed after a reconnect (or re-monitored after its database was converted),
 * for reconnecting sessions. Not exported from the package, as what reports it is internal; not
 * marked internal either, as other modules' declarations import it.
 */
export interface ResumeInfo {
  /**
   * True when the server still had the replica's last transaction and sent only what changed
   * since (monitor_cond_since); false when it sent its full contents and the replica applied
   * the difference with what it held.
   */
  readonly found: boolean;
  /** The monitor method the resumed monitor uses. */
  readonly method: Exclude<MonitorMethod, 'auto'>;
  /** Rows changed by the resume. */
  readonly rows: number;
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
  /**
   * A resumable replica lost its connection: it keeps its rows and streams and waits for
   * `resume`. The error's `cause` is the connection's error, when it had one.
   * @internal for reconnecting sessions
   */
  suspended: [error: ReplicaSuspendedError];
  /**
   * A suspended replica resumed on a connection (its changes meanwhile were applied as
   * ordinary changes first), or re-monitored after an online schema conversion.
   * @internal for reconnecting sessions
   */
  resumed: [info: ResumeInfo];
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

/** A resumable replica's connection went away; it waits to be resumed on another. */
export class ReplicaSuspendedError extends OvndbError {
  constructor(cause?: unknown) {
    super('OVNDB_REPLICA_SUSPENDED', 'the replica lost its connection and waits to be resumed', {
      cause,
    });
  }
}

/** `resume` on a replica that cannot resume: resumable mode is off, or it never synced. */
export class ResumeUnavailableError extends OvndbError {
  constructor(readonly reason: 'not-resumable' | 'not-synced') {
    super(
      'OVNDB_RESUME_UNAVAILABLE',
      reason === 'not-resumable'
        ? 'the replica cannot resume: enableResume() was not called'
        : 'the replica cannot resume before its first sync completed',
      { details: { reason } },
    );
  }
}

/** After a schema change (an online conversion), the server lacks tables the replica holds. */
export class ReplicatedTableRemovedError extends OvndbError {
  constructor(
    readonly database: string,
    readonly tables: ReadonlyArray<string>,
  ) {
    super(
      'OVNDB_REPLICATED_TABLE_REMOVED',
      `the new schema of ${database} no longer has the replicated table(s) ${tables.join(', ')}`,
      { details: { database, tables: [...tables] } },
    );
  }
}
