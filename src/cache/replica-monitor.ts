/**
 * Sending a replica's monitor request: the plan's tables with the conditions in force, by
 * the newest method the server knows (with `method: 'auto'`). The answer comes back
 * unapplied, so that the initial sync and a resume each apply it their own way.
 */
import { isLazyReply, type LazyReply } from '../protocol/lazy-reply.js';
import { UnknownMethodError } from '../protocol/server-errors.js';
import type { ClientFilter } from './apply-updates.js';
import type { MonitorPlan } from './monitor-plan.js';
import { methodOrder, monitorRequests } from './monitor-request.js';
import type { ReplicaCallOptions, ReplicaClient } from './replica-client.js';
import type { ConditionEntry } from './replica-conditions.js';
import type { Method, ReplicaState } from './replica-state.js';

/** A monitor request's answer, before it is applied. */
export interface MonitorReply {
  readonly method: Method;
  /** The reply's JSON (its outline, when lazy). */
  readonly root: unknown;
  readonly lazy: LazyReply | undefined;
  /** The conditions the request carried. */
  readonly sent: Map<string, ConditionEntry>;
  readonly filters: Map<string, ClientFilter>;
}

/**
 * Sends the monitor request of `plan` on `client` with the conditions in force (`since` is
 * the transaction monitor_cond_since asks the changes after), trying older methods when the
 * server does not know a newer one. Records each method tried on `state`.
 */
export async function requestMonitor<T extends object>(
  state: ReplicaState<T>,
  client: ReplicaClient,
  plan: MonitorPlan,
  since: string,
  call: ReplicaCallOptions,
): Promise<MonitorReply> {
  const order = methodOrder(state.options.method ?? 'auto');
  for (let i = 0; ; i++) {
    const method = order[i] as Method;
    state.recordMethod(method);
    const sent = state.conditions.snapshot();
    // A table new to the plan (after a schema change) starts with the plan's condition.
    const whereOf = (table: string) => {
      const entry = sent.get(table);
      return entry === undefined ? plan.tables.get(table)?.where : entry.where;
    };
    const { requests, filters } = monitorRequests(plan, whereOf, method);
    const params: unknown[] =
      method === 'monitor_cond_since'
        ? [state.database, state.monitorId, requests, since]
        : [state.database, state.monitorId, requests];
    try {
      // A big reply comes lazily: rows are parsed as they are applied, a slice at a time.
      const reply = await client.monitorInitial(method, state.database, params, call);
      const lazy = isLazyReply(reply) ? reply : undefined;
      return { method, root: lazy === undefined ? reply : lazy.root, lazy, sent, filters };
    } catch (error) {
      // An older server lacks the newer methods: fall back to the next one.
      if (error instanceof UnknownMethodError && i + 1 < order.length) continue;
      throw error;
    }
  }
}
