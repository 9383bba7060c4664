/**
 * The initial sync: the first monitor request and the application of its reply, the
 * database's contents, as `initial` inserts. A big reply is applied a slice at a time, with
 * a turn of the event loop and a progress report between slices, so that a large database
 * neither blocks the process nor leaves the caller without news.
 */
import type { LazyReply } from '../protocol/lazy-reply.js';
import { type TableUpdates, type TableUpdates2, ZERO_TXN_ID } from '../protocol/updates.js';
import { applyUpdates1, applyUpdates2Sliced, listRows, type Resolve } from './apply-updates.js';
import { nextTurn } from './next-turn.js';
import { drainPending } from './replica-feed.js';
import { requestMonitor } from './replica-monitor.js';
import type { SyncProgress } from './replica-options.js';
import type { ReplicaState } from './replica-state.js';

/**
 * Monitors `state`'s plan on its client and applies the initial contents; notifications that
 * arrived meanwhile follow. Resolves once the replica holds the contents.
 */
export async function initialSync<T extends object>(state: ReplicaState<T>): Promise<void> {
  const { options } = state;
  const call = options.signal ? { signal: options.signal } : {};
  const reply = await requestMonitor(state, state.client, state.plan, ZERO_TXN_ID, call);
  state.adoptFilters(reply.filters);
  const { root, lazy } = reply;
  if (reply.method === 'monitor') {
    applyInitial1(state, root as TableUpdates, lazy?.resolve);
  } else if (reply.method === 'monitor_cond') {
    await applyInitial2(state, root as TableUpdates2, lazy);
  } else {
    const [, lastTxnId, updates] = root as [boolean, string, TableUpdates2];
    state.recordTxnId(lastTxnId);
    await applyInitial2(state, updates, lazy);
  }
  state.conditions.established(reply.sent);
  drainPending(state);
  state.markSynced();
}

function applyInitial1<T extends object>(
  state: ReplicaState<T>,
  updates: TableUpdates,
  resolve: Resolve | undefined,
): void {
  const rows = applyUpdates1(state.stores, updates, state.filters, true, state.sink(), resolve);
  state.events.emit('batch', { rows, lastTxnId: undefined, initial: true });
}

async function applyInitial2<T extends object>(
  state: ReplicaState<T>,
  updates: TableUpdates2,
  lazy: LazyReply | undefined,
): Promise<void> {
  const { options } = state;
  // Give the event loop a turn between receiving the reply and applying it.
  await nextTurn();
  const resolve = lazy?.resolve;
  const listed = listRows(state.stores, updates, resolve, lazy?.bytesOf, lazy?.resolveInPieces);
  const tables = listed.length;
  let totalRows = 0;
  for (const t of listed) totalRows += t.count;
  const sliceRows = state.sliceRows;
  const bytes = lazy?.bytes;
  const report = (rows: number) => {
    const progress: SyncProgress =
      bytes === undefined ? { rows, totalRows, tables } : { rows, totalRows, tables, bytes };
    options.onProgress?.(progress);
    state.events.emit('progress', progress);
  };
  const rows = await applyUpdates2Sliced(
    state.stores,
    listed,
    state.sink(),
    sliceRows,
    (done) => {
      report(done);
      return nextTurn();
    },
    resolve,
  );
  report(rows);
  state.events.emit('batch', {
    rows,
    lastTxnId: state.usedMethod === 'monitor_cond_since' ? state.txnId : undefined,
    initial: true,
  });
}
