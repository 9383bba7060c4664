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
