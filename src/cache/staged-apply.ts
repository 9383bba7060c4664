/**
 * A big update notification (one transaction that changed thousands of rows) applied over
 * several turns of the event loop, a slice at a time, while readers keep seeing the replica as
 * it was: each store changed answers reads from the rows' earlier forms until the whole
 * transaction is in (`TableStore.beginStaged`), and the change events and the `batch` event
 * come at the end, together. Meanwhile the connection holds back what it reads after the
 * update, a transaction's reply in particular, so that read-your-writes holds: whoever awaits a
 * reply sees its update applied.
 */

import { isLazyReply, type LazyReply } from '../protocol/lazy-reply.js';
import type { TableUpdates2 } from '../protocol/updates.js';
import { applyUpdates2Sliced, listRows } from './apply-updates.js';
import type { RowChange } from './change.js';
import { nextTurn } from './next-turn.js';
import type { ReplicaClient } from './replica-client.js';
import type { Pending, ReplicaState } from './replica-state.js';
import type { TableStore } from './table-store.js';

/**
 * Rows beyond which an update parsed whole is applied over several turns rather than in the
 * turn that read it: about 7 us of CPU each (decoding, indexes, the change record), so a
 * message of this many costs a few milliseconds in one turn.
 */
export const STAGED_MIN_ROWS = 500;

/** True for an update to apply over several turns: one left unparsed, or with many rows. */
export function isBig(updates: TableUpdates2 | LazyReply): boolean {
  if (isLazyReply(updates)) return true;
  // Counted up to the limit only: most updates carry a row or two, and are on the hot path.
  let rows = 0;
  for (const table in updates) {
    const part = updates[table];
    if (part === null || typeof part !== 'object') continue;
    for (const _ in part) if (++rows > STAGED_MIN_ROWS) return true;
  }
  return false;
}

/** Thrown between slices when the replica stopped meanwhile: the rest is not applied. */
class Abandoned extends Error {}

/**
 * Applies update2/update3 `message` over several turns (see the file's comment); not an
 * `update`, whose rows are full images. The replica fails (and stops) when the message cannot
 * be applied, as for any update.
 */
export async function applyStaged<T extends object>(
  state: ReplicaState<T>,
  client: ReplicaClient,
  message: Pending,
): Promise<void> {
  const release = client.holdDelivery();
  const lazy = isLazyReply(message.updates) ? message.updates : undefined;
  const root = (lazy === undefined ? message.updates : lazy.root) as TableUpdates2;
  const staged: TableStore[] = [];
  try {
    const tables = listRows(state.stores, root, lazy?.resolve, lazy?.bytesOf, lazy?.resolveInPieces);
    for (const rows of tables) {
      const store = state.stores.get(rows.table) as TableStore;
      store.beginStaged();
      staged.push(store);
    }
    const changes: RowChange[] = [];
    const sliceRows = state.sliceRows;
    // The turn that read the message already parsed its outline: the rows start on the next.
    await nextTurn();
    if (state.stopped !== undefined) return;
    const rows = await applyUpdates2Sliced(
      state.stores,
      tables,
      (change) => changes.push(change),
      sliceRows,
      async () => {
        await nextTurn();
        if (state.stopped !== undefined) throw new Abandoned();
      },
      lazy?.resolve,
    );
    for (const store of staged) store.commitStaged();
    staged.length = 0;
    if (message.lastTxnId !== undefined) state.recordTxnId(message.lastTxnId);
    const sink = state.sink();
    if (sink !== undefined) for (const change of changes) sink(change);
    state.events.emit('batch', { rows, lastTxnId: message.lastTxnId, initial: false });
  } catch (error) {
    if (!(error instanceof Abandoned)) throw error;
  } finally {
    for (const store of staged) store.commitStaged();
    release();
  }
}
