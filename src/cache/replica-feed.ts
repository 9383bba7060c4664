/**
 * The replica's update feed: listening to a client for the notifications of the replica's
 * monitor and applying them in the order the server sent them: a small one synchronously, a
 * big one over several turns (staged-apply.ts). While a monitor reply or a big update is still
 * being applied (initial contents, a resume) notifications wait in a queue and follow it, so
 * that no change is applied out of order.
 */
import type { LazyReply } from '../protocol/lazy-reply.js';
import { type MonitorNotice, plainUpdates } from '../protocol/monitor-notice.js';
import type { TableUpdates, TableUpdates2 } from '../protocol/updates.js';
import { applyUpdates1, applyUpdates2 } from './apply-updates.js';
import type { ReplicaClient } from './replica-client.js';
import type { Pending, ReplicaState } from './replica-state.js';
import { applyStaged, isBig } from './staged-apply.js';

/** What the feed reports about the connection besides updates. */
export interface FeedHandlers {
  /** The client closed (with its error, when it failed). */
  closed(error: Error | undefined): void;
  /** The server canceled the replica's monitor (`monitor_canceled`). */
  canceled(): void;
}

/** Listens to `client` for `state`'s monitor; returns what stops listening. */
export function listenForUpdates<T extends object>(
  state: ReplicaState<T>,
  client: ReplicaClient,
  handlers: FeedHandlers,
): () => void {
  const onNotice = (notice: MonitorNotice) => {
    if (notice.monitorId === state.monitorId) receive(state, client, notice);
  };
  const onState = () => {
    if (client.state.status !== 'closed') return;
    handlers.closed(client.state.error);
  };
  const onCanceled = (id: unknown) => {
    if (id === state.monitorId) handlers.canceled();
  };
  client.on('monitorNotice', onNotice);
  client.on('state', onState);
  client.on('monitorCanceled', onCanceled);
  return () => {
    client.off('monitorNotice', onNotice);
    client.off('state', onState);
    client.off('monitorCanceled', onCanceled);
  };
}

function receive<T extends object>(state: ReplicaState<T>, client: ReplicaClient, message: Pending): void {
  if (state.stopped !== undefined) return;
  if (state.holdIfWaiting(message) || state.queueIfStaging(message)) return;
  apply(state, client, message);
}

/** Applies the messages that waited for a monitor reply; from now on they apply as they come. */
export function drainPending<T extends object>(state: ReplicaState<T>): void {
  for (const message of state.releaseHeldUpdates()) {
    if (!state.queueIfStaging(message)) apply(state, state.client, message);
  }
}

function apply<T extends object>(state: ReplicaState<T>, client: ReplicaClient, message: Pending): void {
  if (state.stopped !== undefined) return;
  if (message.method !== 'update' && isBig(message.updates as TableUpdates2 | LazyReply)) {
    state.startStaging(applyBig(state, client, message));
    return;
  }
  try {
    let rows: number;
    if (message.method === 'update') {
      // The old `monitor` method's updates are applied whole, a big one parsed whole first.
      const updates = plainUpdates(message.updates) as TableUpdates;
      rows = applyUpdates1(state.stores, updates, state.filters, false, state.sink());
    } else {
      rows = applyUpdates2(state.stores, message.updates as TableUpdates2, state.sink());
      if (message.lastTxnId !== undefined) state.recordTxnId(message.lastTxnId);
    }
    state.events.emit('batch', { rows, lastTxnId: message.lastTxnId, initial: false });
  } catch (error) {
    // A message the replica cannot apply leaves it unreliable: stop rather than serve wrong data.
    state.fail(error);
  }
}

/** Applies a big update over several turns, then what arrived meanwhile. */
async function applyBig<T extends object>(
  state: ReplicaState<T>,
  client: ReplicaClient,
  message: Pending,
): Promise<void> {
  try {
    await applyStaged(state, client, message);
  } catch (error) {
    state.fail(error);
  }
  const queued = state.endStaging();
  for (let k = 0; k < queued.length; k++) {
    const next = queued[k] as Pending;
    if (state.queueIfStaging(next)) continue;
    apply(state, client, next);
  }
}
