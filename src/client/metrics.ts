/**
 * Metrics hooks: plain callbacks a user wires to the metrics library of their choice
 * (prom-client counters and histograms, OpenTelemetry, StatsD), so that ovndb depends on none.
 * Hooks run synchronously where the event happens: keep them cheap (an increment, an
 * observation). A hook that throws is ignored, so metrics can never break a transaction.
 */

import { OvndbError } from '../errors.js';
import { countUpdates } from '../protocol/monitor-notice.js';

/** A `transact` reply arrived, or the transaction failed. */
export interface TransactionMetric {
  readonly database: string;
  /** Operations sent. */
  readonly operations: number;
  /** From writing the request to its settlement. */
  readonly durationMs: number;
  readonly ok: boolean;
  /** The error's stable code when it failed (`OVSDB_CONSTRAINT_VIOLATION`, `OVNDB_CONNECTION_CLOSED`, ...). */
  readonly errorCode?: string;
}

/** An `update`, `update2` or `update3` notification arrived from a monitor. */
export interface UpdateMetric {
  readonly method: 'update' | 'update2' | 'update3';
  /** Tables it touched. */
  readonly tables: number;
  /** Rows it touched, over all tables. */
  readonly rows: number;
}

/** A session connected to a member again after losing one. */
export interface ReconnectMetric {
  readonly database: string;
  /** The member now in use. */
  readonly remote: string;
  /** From noticing the loss to the new member being in use (replicas resumed, writes settled). */
  readonly downtimeMs: number;
}

/** The hooks; each is optional. Pass them as `metrics` in the client options (also a session's `client`). */
export interface OvndbMetrics {
  transaction?(metric: TransactionMetric): void;
  update?(metric: UpdateMetric): void;
  reconnect?(metric: ReconnectMetric): void;
}

/** Calls a hook, ignoring what it throws. */
export function report<M>(hook: ((metric: M) => void) | undefined, metric: M): void {
  if (hook === undefined) return;
  try {
    hook(metric);
  } catch {
    // A broken metrics hook must not break the client.
  }
}

/** The metric of a settled transaction. */
export function transactionMetric(
  database: string,
  operations: number,
  startedAt: number,
  error?: unknown,
): TransactionMetric {
  const durationMs = performance.now() - startedAt;
  if (error === undefined) return { database, operations, durationMs, ok: true };
  const errorCode = error instanceof OvndbError ? error.code : 'UNKNOWN';
  return { database, operations, durationMs, ok: false, errorCode };
}

/** Counts the tables and rows of an update notification's table-updates object (plain or lazy). */
export function updateMetric(method: UpdateMetric['method'], updates: unknown): UpdateMetric {
  return { method, ...countUpdates(updates) };
}
