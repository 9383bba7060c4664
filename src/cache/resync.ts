/**
 * Re-synchronisation by difference: the server's full contents (a monitor reply after a
 * reconnect that found no history) are compared with what the replica holds, and only the
 * difference is applied and reported: rows the server has and the replica lacks become
 * inserts, rows whose columns differ become updates (with old and new), rows the server no
 * longer has become deletes. Rows that did not change keep their objects and report nothing,
 * so a consumer sees exactly what happened while the replica was away.
 */
import { evaluateConditionsAny } from '../protocol/condition-eval.js';
import type { LazyReply } from '../protocol/lazy-reply.js';
import type { TableUpdates, TableUpdates2 } from '../protocol/updates.js';
import { type ChangeSink, type ClientFilter, identity, listRows, type Resolve } from './apply-updates.js';
import type { RowChange } from './change.js';
import { nextTurn } from './next-turn.js';
import { HUGE_ROW_BYTES, SliceBudget } from './slice-budget.js';
import { TableStore } from './table-store.js';

type Row = Record<string, unknown>;

/** How a resync reads the reply and reports its changes. */
export interface ResyncOptions {
  /** `update2` for monitor_cond / monitor_cond_since replies (`initial` rows), `update` for monitor (`new` images). */
  readonly format: 'update' | 'update2';
  /** Client-side filters (`monitor` method): rows failing them count as absent. */
  readonly filters: ReadonlyMap<string, ClientFilter>;
  /** The reply in lazy form, when it was big enough to arrive segmented. */
  readonly lazy: LazyReply | undefined;
  readonly sink: ChangeSink;
  /** Rows handled before `yieldTurn` is awaited. */
  readonly sliceRows: number;
  /** Gives the event loop a turn (and may throw to abandon the resync). */
  readonly yieldTurn: () => Promise<void>;
}

/**
 * Brings `into` to the full contents `contents` by difference with `held`; returns the number
 * of rows changed. `into` is `held` itself for a resync in place; after a schema change it is
 * a set of fresh, empty stores for the new schema, compared with the old ones (unchanged rows
 * then get new objects in the new stores, still without a change).
 */
export async function resyncTables(
  held: ReadonlyMap<string, TableStore>,
  into: ReadonlyMap<string, TableStore>,
  contents: TableUpdates | TableUpdates2,
  options: ResyncOptions,
): Promise<number> {
  const { lazy, sink, format } = options;
  const resolve = lazy?.resolve ?? identity;
  const tables = listRows(into, contents as TableUpdates2, resolve, lazy?.bytesOf, lazy?.resolveInPieces);
  const sliceRows = Math.max(1, options.sliceRows);
  const inPlace = held === into;
  const present = new Map<string, Set<string>>();
  let n = 0;
  // Slices end by rows, bytes or time (slice-budget.ts).
  const budget = new SliceBudget(sliceRows);
  // Awaited only when the slice is full: a promise per row would be work of its own.
  const nextSlice = async (): Promise<void> => {
    await options.yieldTurn();
    budget.reset();
  };
  for (const rows of tables) {
    const store = into.get(rows.table) as TableStore;
    const old = held.get(rows.table);
    // A store of the same table, kept empty, decodes a server row exactly as the replica would.
    const scratch = inPlace ? new TableStore(store.schema, store.columnNames) : undefined;
    const filter = format === 'update' ? options.filters.get(rows.table) : undefined;
    const seen = new Set<string>();
    present.set(rows.table, seen);
    for (let k = 0; k < rows.count; k++) {
      const bytes = rows.bytes(k);
      if (budget.full(bytes)) await nextSlice();
      const wire = bytes > HUGE_ROW_BYTES ? await rows.wireInPieces(k, nextTurn) : rows.wire(k);
      const uuid = rows.key(k);
      const image = imageOf(resolve(wire) as Row, format, resolve);
      rows.drop(k);
      if (
        image !== undefined &&
        (filter === undefined || evaluateConditionsAny(image as never, filter.condition))
      ) {
        seen.add(uuid);
        n += place(store, old?.get(uuid), scratch, uuid, image, sink);
      }
      budget.add(bytes);
    }
  }
  // Rows the server no longer has (a table it sent no rows of has none).
  for (const [table, store] of held) {
    const seen = present.get(table);
    // Deleting the entry being visited is safe while iterating a Map.
    for (const uuid of store.appliedUuids()) {
      // Rows kept count against the slice too: 100,000 of them are a long turn on their own.
      if (budget.full(0)) await nextSlice();
      budget.add(0);
      if (seen?.has(uuid)) continue;
      if (inPlace) {
        const change = store.delete(uuid);
        if (change !== undefined) sink?.(change);
      } else {
        sink?.({ kind: 'delete', table, uuid, old: store.get(uuid) as Row });
      }
      n++;
    }
  }
  return n;
}

/** The full row of one reply entry, or undefined when the entry carries none. */
function imageOf(entry: Row, format: 'update' | 'update2', resolve: Resolve): Row | undefined {
  const wire = format === 'update' ? entry.new : (entry.initial ?? entry.insert);
  return wire === undefined ? undefined : (resolve(wire) as Row);
}

/** Puts one server row; reports and counts it only when it is new or differs from `before`. */
function place(
  store: TableStore,
  before: Row | undefined,
  scratch: TableStore | undefined,
  uuid: string,
  image: Row,
  sink: ChangeSink,
): number {
  if (scratch !== undefined) {
    // In place: decode aside first, so an unchanged row keeps its object.
    if (before !== undefined) {
      const candidate = (scratch.put(uuid, image, false) as { new: Row }).new;
      scratch.delete(uuid);
      const columns = differingColumns(before, candidate);
      if (columns.length === 0) return 0;
      const change = store.put(uuid, image, false);
      sink?.({ ...change, columns } as RowChange);
      return 1;
    }
    // Put first: `sink?.(store.put(...))` would skip the put itself when nobody listens.
    const change = store.put(uuid, image, false);
    sink?.(change);
    return 1;
  }
  const change = store.put(uuid, image, false);
  if (before === undefined) {
    sink?.(change);
    return 1;
  }
  const after = (change as { new: Row }).new;
  const columns = differingColumns(before, after);
  if (columns.length === 0) return 0;
  sink?.({ kind: 'update', table: store.name, uuid, old: before, new: after, columns });
  return 1;
}

/** Columns whose values differ between two versions of a row (`_uuid` and `_version` aside). */
export function differingColumns(before: Row, after: Row): string[] {
  const out: string[] = [];
  for (const name of Object.keys(after)) {
    if (name === '_uuid' || name === '_version') continue;
    if (!sameValue(before[name], after[name])) out.push(name);
  }
  for (const name of Object.keys(before)) {
    if (name === '_uuid' || name === '_version' || Object.hasOwn(after, name)) continue;
    if (before[name] !== undefined) out.push(name);
  }
  return out;
}

/**
 * Equality of typed column values: atoms are primitives; a set is an array compared as a set
 * (the server's order is not the replica's); a map is a plain object or a `Map`.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    const elements = new Set<unknown>(b);
    for (const e of a) if (!elements.has(e)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || b.get(k) !== v) return false;
    return true;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    const x = a as Row;
    const y = b as Row;
    for (const k of keys) if (!Object.hasOwn(y, k) || x[k] !== y[k]) return false;
    return true;
  }
  return false;
}
