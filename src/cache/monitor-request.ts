/**
 * The monitor request of a plan for one monitor method, with the conditions in force. The
 * plain `monitor` method has no conditions: the replica then filters on its side, so the
 * columns a condition tests are monitored too.
 */
import type { MonitorCondition } from '../protocol/conditions.js';
import type { MonitorCondRequest } from '../protocol/updates.js';
import { type ClientFilter, clientFilter } from './apply-updates.js';
import type { MonitorPlan } from './monitor-plan.js';
import type { MonitorMethod } from './replica-options.js';

/** What one monitor request asks for, and the filters the replica applies itself. */
export interface MonitorRequests {
  readonly requests: Record<string, MonitorCondRequest>;
  /** Client-side filters by table (`monitor` method only). */
  readonly filters: Map<string, ClientFilter>;
}

/** The request of every planned table, each with the condition `whereOf` gives it. */
export function monitorRequests(
  plan: MonitorPlan,
  whereOf: (table: string) => MonitorCondition[] | undefined,
  method: Exclude<MonitorMethod, 'auto'>,
): MonitorRequests {
  const filters = new Map<string, ClientFilter>();
  const requests: Record<string, MonitorCondRequest> = {};
  for (const [name, table] of plan.tables) {
    const request: MonitorCondRequest = {};
    const columns = table.columns === undefined ? undefined : new Set(table.columns);
    const where = whereOf(name);
    if (where !== undefined && method === 'monitor') {
      const filter = clientFilter(table.schema, where);
      filters.set(name, filter);
      for (const clause of filter.condition) if (clause.kind === 'test') columns?.add(clause.column.name);
    } else if (where !== undefined) {
      request.where = where;
    }
    if (columns !== undefined) request.columns = [...columns];
    requests[name] = request;
  }
  return { requests, filters };
}

/** The methods to try, newest first when `method` is `auto`. */
export function methodOrder(method: MonitorMethod): Array<Exclude<MonitorMethod, 'auto'>> {
  return method === 'auto' ? ['monitor_cond_since', 'monitor_cond', 'monitor'] : [method];
}
