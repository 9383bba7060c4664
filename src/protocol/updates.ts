/**
 * Monitor requests and the updates the server sends for them: `update` (monitor),
 * `update2` (monitor_cond) and `update3` (monitor_cond_since), per ovsdb-server(7).
 */
import type { MonitorCondition } from './conditions.js';
import type { UuidString, WireRow } from './notation.js';

/** Which kinds of change a monitor reports. All default to true. */
export interface MonitorSelect {
  initial?: boolean;
  insert?: boolean;
  delete?: boolean;
  modify?: boolean;
}

/** One table's part of a `monitor` request. */
export interface MonitorRequest {
  /** Columns to report; omitted: all columns. */
  columns?: string[];
  select?: MonitorSelect;
}

/** One table's part of a `monitor_cond` / `monitor_cond_since` request. */
export interface MonitorCondRequest extends MonitorRequest {
  /** Rows to report: the conditions are ANDed; omitted: every row. */
  where?: MonitorCondition[];
}

/** Table name to request(s), as `monitor` takes it. */
export type MonitorRequests = Record<string, MonitorRequest | MonitorRequest[]>;
/** Table name to request(s), as `monitor_cond` takes it. */
export type MonitorCondRequests = Record<string, MonitorCondRequest | MonitorCondRequest[]>;

/** A `monitor_cond_change` request: new conditions (and optionally columns) per table. */
export type MonitorCondChangeRequests = Record<string, { where?: MonitorCondition[]; columns?: string[] }[]>;

/** `update` row change: `old` and/or `new` images. */
export interface RowUpdate {
  old?: WireRow;
  new?: WireRow;
}
/** `update` payload: table -> row UUID -> change. */
export type TableUpdates = Record<string, Record<UuidString, RowUpdate>>;

/**
 * `update2` row change. `modify` carries a diff: for scalars the new value; for sets the
 * symmetric difference; for maps the pairs to add, remove or change.
 */
export type RowUpdate2 = { initial: WireRow } | { insert: WireRow } | { delete: null } | { modify: WireRow };
/** `update2`/`update3` payload: table -> row UUID -> change. */
export type TableUpdates2 = Record<string, Record<UuidString, RowUpdate2>>;

/** The all-zero transaction id: "no history", as monitor_cond_since expects on a first request. */
export const ZERO_TXN_ID = '00000000-0000-0000-0000-000000000000';

/** The reply of `monitor_cond_since`. */
export interface MonitorCondSinceReply {
  /** True when the server still had the history since the given transaction id: `updates` is a diff. */
  found: boolean;
  /** The id of the newest transaction the server has applied. */
  lastTxnId: UuidString;
  /** Initial contents (found=false) or the changes since the given id (found=true). */
  updates: TableUpdates2;
}

/** A notification the server sends for an active monitor. */
export type MonitorNotification =
  | { method: 'update'; monitorId: unknown; updates: TableUpdates }
  | { method: 'update2'; monitorId: unknown; updates: TableUpdates2 }
  | { method: 'update3'; monitorId: unknown; lastTxnId: UuidString; updates: TableUpdates2 };
