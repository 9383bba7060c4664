/** The options, states and events of a `Session`. */
import type { TransactOptions } from '../client/client.js';
import type { ClientOptions } from '../client/options.js';
import type { EndpointListOptions } from '../cluster/endpoints.js';
import type { MemberStatus } from '../cluster/member-status.js';
import type { ServerDatabaseStatus } from '../cluster/server-database-watch.js';
import type { MemberWanted } from './member-round.js';
import type { ReconnectPolicy } from './reconnect-policy.js';
import type { FailoverBudgetExceededError } from './session-errors.js';
import type { WriteMark, WriteOutcome } from './write-outcome.js';

/** Options of `Session.open`. */
export interface SessionOptions {
  /** The database, e.g. `OVN_Northbound`. */
  database: string;
  /**
   * `leader`: use only the raft leader (or a standalone server): writes are decided there and
   * outcomes of lost replies can be settled. `readable`: any connected, up-to-date member or
   * relay (reads, monitors; writes are forwarded by the member). `follower`: like `readable`,
   * preferring a member that is not the leader. @default 'leader'
   */
  member?: MemberWanted;
  /** Reconnect timing and the failover budget. */
  reconnect?: ReconnectPolicy;
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

/** Options of `Session.transact`. */
export interface SessionTransactOptions extends TransactOptions {
  /**
   * The transaction may be applied twice without harm, so it is sent again when its reply was
   * lost and its outcome cannot be settled otherwise. @default false
   */
  idempotent?: boolean;
  /** Make the transaction fail (`not owner`) unless the session holds this lock: an `assert` is added. */
  lock?: string;
}

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
