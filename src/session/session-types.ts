/** The options, states and events of a `Session`. */
import type { ReplicaOptions, ReplicaTablesOption } from '../cache/replica-options.js';
import type { ClientOptions } from '../client/options.js';
import type { EndpointListOptions } from '../cluster/endpoints.js';
import type { MemberStatus } from '../cluster/member-status.js';
import type { ServerDatabaseStatus } from '../cluster/server-database-watch.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { HandleTransactOptions } from '../txn/transaction-target.js';
import type { MemberWanted } from './member-round.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import type { FailoverBudgetExceededError } from './session-errors.js';
import type { WriteMark, WriteOutcome } from './write-outcome.js';

/** Options of `Session.open`. */
export interface SessionOptions<T extends object = Record<string, unknown>> {
  /** The database, e.g. `OVN_Northbound`. @default the model's database, when a model is given */
  database?: string;
  /**
   * The database's model (the generated `ovndb/nb`, `ovndb/sb`, ... `model`): the session is then
   * a typed handle of it, with optimistic transactions (`transaction`) and a replica of its own
   * (`replica()`). One of `database` and `model` is required.
   */
  model?: DatabaseModel<T>;
  /**
   * `leader`: use only the raft leader (or a standalone server): writes are decided there and
   * outcomes of lost replies can be settled. `readable`: any connected, up-to-date member or
   * relay (reads, monitors; writes are forwarded by the member). `follower`: like `readable`,
   * preferring a member that is not the leader. @default 'leader'
   */
  member?: MemberWanted;
  /** Reconnect timing and the failover budget. */
  reconnect?: ReconnectPolicy;
  /**
   * Stops `Session.open`: it rejects at once with `WaitAbortedError` (what it waited for, what
   * each member answered so far), after aborting the connection attempts in flight. Only the
   * opening: firing it later does not close the session.
   */
  signal?: AbortSignal;
  /**
   * How long `Session.open` looks for a suitable member before it rejects with
   * `SessionWaitTimeoutError`. The open has its own limit, apart from
   * `reconnect.failoverBudgetMs` (which bounds each failover once the session has been
   * ready); a budget smaller than this still ends the open first, with
   * `FailoverBudgetExceededError`. 0: no limit of its own.
   * @default 30000 ({@link DEFAULT_OPEN_TIMEOUT_MS})
   */
  openTimeoutMs?: number;
  /** Options of each connection (TLS, probe interval, ...); `connectTimeoutMs` comes from `reconnect`. */
  client?: ClientOptions;
  /** How the endpoints are ordered (shuffled by default). */
  endpoints?: EndpointListOptions;
  /**
   * Give every insert without a client-chosen UUID one, so that its transaction's outcome can
   * be settled if the reply is lost. @default true
   */
  assignInsertUuids?: boolean;
  /** A source of numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
}

/** The default of {@link SessionOptions.openTimeoutMs}: about six election timeouts of a default raft cluster, and several rounds. */
export const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

/** The default of {@link SessionReplicaOptions.stallTimeoutMs}. */
export const DEFAULT_REPLICA_STALL_MS = 30_000;

/** Options of `Session.replica`: the replica's own, and how long its creation may stall. */
export interface SessionReplicaOptions<
  T extends object,
  Tables extends ReplicaTablesOption<T> = ReplicaTablesOption<T>,
> extends ReplicaOptions<T, Tables> {
  /**
   * Gives up (`SessionWaitTimeoutError`) when creating the replica makes no progress for this
   * long: waiting for a member to be in use, then the initial contents, where every byte
   * received from the member and every slice of rows applied counts as progress. A big
   * database takes as long as it takes while it keeps arriving. 0: no limit. `signal` stops
   * the creation at any point (`WaitAbortedError`).
   * @default 30000 ({@link DEFAULT_REPLICA_STALL_MS})
   */
  stallTimeoutMs?: number;
}

/** Options of `Session.transact`. */
export type SessionTransactOptions = HandleTransactOptions;

/** Where a session stands. */
export type SessionState =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'ready'; readonly remote: string; readonly member: MemberStatus }
  | { readonly phase: 'reconnecting'; readonly lost: string; readonly error?: Error }
  | { readonly phase: 'closed'; readonly error?: Error };

/** A transaction in flight when the connection was lost, and how it was settled. */
export interface RecoveredWrite {
  readonly outcome: WriteOutcome;
  /** The member it was written to. */
  readonly endpoint: string;
  /** The row looked for, when it had one. */
  readonly mark?: WriteMark;
  /** True when it was (or will be) sent again: not committed, or read-only / idempotent. */
  readonly resent: boolean;
}

/** Events of a `Session`. */
export interface SessionEvents {
  /** Every change of `Session.state`. */
  state: [state: SessionState];
  /** A member is in use; `reconnected` is false for the first one. */
  ready: [info: { remote: string; member: MemberStatus; reconnected: boolean }];
  /** The member in use was lost (closed, or no longer suitable); a reconnect follows. */
  disconnected: [info: { remote: string; error?: Error }];
  /** A written transaction's lost reply was settled. */
  recovered: [write: RecoveredWrite];
  /** The session gave up (the failover budget ran out); `closed` follows. */
  gaveUp: [error: FailoverBudgetExceededError];
  /** The `_Server.Database` row of the member in use changed (leader flag, raft index, ...). */
  status: [status: ServerDatabaseStatus];
  /** A lock was granted (also after a reconnect). */
  locked: [lock: string];
  /** Another client stole a lock; the session asks for it again. */
  stolen: [lock: string];
  /** A held lock went away with the connection; it is asked for again after the reconnect. */
  lockLost: [lock: string];
  /** The session closed (by `close()`, or with the error that ended it). */
  closed: [error?: Error];
}
