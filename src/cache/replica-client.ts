/**
 * What a replica needs from a connection, and nothing more: the server's schema, its monitor
 * requests, the notifications they bring, the connection's state, a hold on reading for
 * lagging change streams, and a hold on delivery while a big update is applied. An `OvsdbClient` is one, as it is; the replica knows nothing else of
 * it, so the cache does not depend on the client's class.
 */

import type { MonitorNotice } from '../protocol/monitor-notice.js';
import type { DatabaseSchema } from '../protocol/schema.js';
import type { MonitorCondChangeRequests } from '../protocol/updates.js';
import type { ReadPauser } from './change-stream.js';

/** Options of one request: a replica only ever passes a signal. */
export interface ReplicaCallOptions {
  /** Aborts the request. */
  readonly signal?: AbortSignal;
}

/** The connection's state, as far as a replica looks at it. */
export interface ReplicaConnectionState {
  /** `open` while requests can be sent; `closed` once the connection is gone. */
  readonly status: string;
  /** Why a closed connection closed, when it failed. */
  readonly error?: Error;
}

/** The notifications a replica listens to. */
export interface ReplicaClientEvents {
  /** The connection's state changed. */
  state: [state: ReplicaConnectionState];
  /**
   * @internal An `update`, `update2` or `update3` notification, the updates of a big one
   * unparsed so that the replica parses and applies its rows a slice at a time.
   */
  monitorNotice: [notice: MonitorNotice];
  /** The server canceled a monitor (its database was converted or removed). */
  monitorCanceled: [monitorId: unknown];
}

/** A connection a replica can monitor over (an `OvsdbClient`). */
export interface ReplicaClient extends ReadPauser {
  /** Where the connection stands. */
  readonly state: ReplicaConnectionState;
  /** The schema of `database`, as the server has it. */
  getSchema(database: string, options?: ReplicaCallOptions): Promise<DatabaseSchema>;
  /**
   * @internal Sends a monitor request (`params` as `method` takes them) and resolves with its
   * result: a `LazyReply` (src/protocol) when the reply is big, plain JSON otherwise.
   */
  monitorInitial(
    method: 'monitor' | 'monitor_cond' | 'monitor_cond_since',
    database: string,
    params: unknown[],
    options?: ReplicaCallOptions,
  ): Promise<unknown>;
  /** `monitor_cond_change`: replaces the conditions of a monitor. */
  monitorCondChange(
    monitorId: unknown,
    newMonitorId: unknown,
    requests: MonitorCondChangeRequests,
    options?: ReplicaCallOptions,
  ): Promise<void>;
  /** `monitor_cancel`: stops a monitor. */
  monitorCancel(monitorId: unknown, options?: ReplicaCallOptions): Promise<void>;
  /**
   * @internal Holds back every message read from now on, replies included, until the returned
   * release is called; taken while a big update is applied over several turns.
   */
  holdDelivery(): () => void;
  /** Listens to a notification. */
  on<E extends keyof ReplicaClientEvents>(
    event: E,
    listener: (...args: ReplicaClientEvents[E]) => void,
  ): unknown;
  /** Stops listening to a notification. */
  off<E extends keyof ReplicaClientEvents>(
    event: E,
    listener: (...args: ReplicaClientEvents[E]) => void,
  ): unknown;
}
