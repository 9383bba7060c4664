/**
 * The replica's update feed: listening to a client for the notifications of the replica's
 * monitor and applying them, synchronously and in the order the server sent them. While a
 * monitor reply is still being applied (initial contents, a resume) notifications wait in
 * a queue and follow it, so that no change is applied out of order.
 */
import type { TableUpdates, TableUpdates2 } from '../protocol/updates.js';
import { applyUpdates1, applyUpdates2 } from './apply-updates.js';
import type { ReplicaClient } from './replica-client.js';
import type { Pending, ReplicaState } from './replica-state.js';

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
  const onUpdate = (id: unknown, updates: TableUpdates) => {
    if (id === state.monitorId) receive(state, { method: 'update', updates });
  };
  const onUpdate2 = (id: unknown, updates: TableUpdates2) => {
    if (id === state.monitorId) receive(state, { method: 'update2', updates });
  };
  const onUpdate3 = (id: unknown, lastTxnId: string, updates: TableUpdates2) => {
    if (id === state.monitorId) receive(state, { method: 'update2', updates, lastTxnId });
  };
  const onState = () => {
    if (client.state.status !== 'closed') return;
    handlers.closed(client.state.error);
  };
  const onCanceled = (id: unknown) => {
    if (id === state.monitorId) handlers.canceled();
  };
  client.on('update', onUpdate);
  client.on('update2', onUpdate2);
  client.on('update3', onUpdate3);
  client.on('state', onState);
  client.on('monitorCanceled', onCanceled);
  return () => {
    client.off('update', onUpdate);
    client.off('update2', onUpdate2);
    client.off('update3', onUpdate3);
    client.off('state', onState);
    client.off('monitorCanceled', onCanceled);
  };
}

function receive<T extends object>(state: ReplicaState<T>, message: Pending): void {
  if (state.stopped !== undefined) return;
  if (!state.holdIfWaiting(message)) apply(state, message);
}

/** Applies the messages that waited for a monitor reply; from now on they apply as they come. */
export function drainPending<T extends object>(state: ReplicaState<T>): void {
  for (const message of state.releaseHeldUpdates()) apply(state, message);
}

function apply<T extends object>(state: ReplicaState<T>, message: Pending): void {
  if (state.stopped !== undefined) return;
  try {
    let rows: number;
    if (message.method === 'update') {
      rows = applyUpdates1(state.stores, message.updates, state.filters, false, state.sink());
    } else {
      rows = applyUpdates2(state.stores, message.updates, state.sink());
      if (message.lastTxnId !== undefined) state.recordTxnId(message.lastTxnId);
    }
    state.events.emit('batch', {
      rows,
      lastTxnId: message.method === 'update2' ? message.lastTxnId : undefined,
      initial: false,
    });
  } catch (error) {
    // A message the replica cannot apply leaves it unreliable: stop rather than serve wrong data.
    state.fail(error);
  }
}
