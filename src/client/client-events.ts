/** The events an {@link OvsdbClient} emits, typed for eventemitter3. */
import type { MonitorNotice } from '../protocol/monitor-notice.js';
import type { UuidString } from '../protocol/notation.js';
import type { TableUpdates, TableUpdates2 } from '../protocol/updates.js';
import type { ConnectionState } from './connection-state.js';

/** Event name to listener arguments. */
export interface ClientEvents {
  /** The connection state changed. */
  state: [state: ConnectionState];
  /** `update` notification of a `monitor`. */
  update: [monitorId: unknown, updates: TableUpdates];
  /** `update2` notification of a `monitor_cond`. */
  update2: [monitorId: unknown, updates: TableUpdates2];
  /** `update3` notification of a `monitor_cond_since`. */
  update3: [monitorId: unknown, lastTxnId: UuidString, updates: TableUpdates2];
  /** The server granted a lock this session had asked for and was waiting on. */
  locked: [lockId: string];
  /** Another session stole a lock this session held. */
  stolen: [lockId: string];
  /** The server canceled a monitor (its database was converted or removed); `setDbChangeAware` sessions only. */
  monitorCanceled: [monitorId: unknown];
  /**
   * @internal Every monitor notification as read, the updates of a big one unparsed: what a
   * replica listens to. The `update*` events above carry the same, parsed whole.
   */
  monitorNotice: [notice: MonitorNotice];
  /** A notification of a method this client does not know; reported, not an error. */
  notification: [method: string, params: unknown[]];
}
