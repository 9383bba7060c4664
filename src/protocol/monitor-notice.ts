/**
 * A monitor notification as the connection read it, for the replica: the table updates of a
 * big one (a transaction that changed thousands of rows) stay unparsed, as a {@link LazyReply},
 * so that the replica parses and applies its rows a slice at a time. Everyone else gets plain
 * updates, parsed whole by {@link plainUpdates}.
 */
import { isLazyObject, isLazyReply, type LazyReply } from './lazy-reply.js';
import type { TableUpdates, TableUpdates2 } from './updates.js';

/** One `update`, `update2` or `update3` notification. */
export interface MonitorNotice {
  readonly method: 'update' | 'update2' | 'update3';
  readonly monitorId: unknown;
  /** The transaction id an `update3` carries. */
  readonly lastTxnId?: string;
  /** Plain for a small message; lazy for a big one. */
  readonly updates: TableUpdates | TableUpdates2 | LazyReply;
}

/** `updates` parsed whole: the identity for plain ones, every row parsed now for lazy ones. */
export function plainUpdates(updates: unknown): unknown {
  if (!isLazyReply(updates)) return updates;
  const root = updates.root;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return updates.resolve(root);
  const out: Record<string, unknown> = {};
  for (const [table, part] of Object.entries(root)) {
    const rows = updates.resolve(part);
    if (isLazyObject(rows)) {
      const plain: Record<string, unknown> = {};
      for (let k = 0; k < rows.size; k++) plain[rows.key(k)] = rows.value(k);
      out[table] = plain;
    } else if (rows !== null && typeof rows === 'object' && !Array.isArray(rows)) {
      const plain: Record<string, unknown> = {};
      for (const [uuid, change] of Object.entries(rows)) plain[uuid] = updates.resolve(change);
      out[table] = plain;
    } else {
      out[table] = rows;
    }
  }
  return out;
}

/** Number of tables and rows in `updates`, plain or lazy, without parsing a lazy one's rows. */
export function countUpdates(updates: unknown): { tables: number; rows: number } {
  let tables = 0;
  let rows = 0;
  if (isLazyReply(updates)) {
    const root = updates.root;
    if (root !== null && typeof root === 'object') {
      for (const part of Object.values(root)) {
        tables++;
        const members = updates.resolve(part);
        if (isLazyObject(members)) rows += members.size;
        else if (members !== null && typeof members === 'object') rows += Object.keys(members).length;
      }
    }
  } else if (updates !== null && typeof updates === 'object') {
    for (const table of Object.values(updates)) {
      tables++;
      if (table !== null && typeof table === 'object') rows += Object.keys(table).length;
    }
  }
  return { tables, rows };
}
