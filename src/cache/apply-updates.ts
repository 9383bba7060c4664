/**
 * Turns the server's update messages into row changes on the table stores: `update2`/`update3`
 * (initial, insert, modify with a diff, delete) and the older `update` (old and new images),
 * where rows entering and leaving a condition evaluated on the client become inserts and
 * deletes.
 */
import { evaluateConditionsAny, type ParsedCondition, parseConditions } from '../protocol/condition-eval.js';
import type { MonitorCondition } from '../protocol/conditions.js';
import { isJsonObject } from '../protocol/json-members.js';
import { isLazyObject, type LazyObject } from '../protocol/lazy-reply.js';
import type { TableSchema } from '../protocol/schema.js';
import type { TableUpdates, TableUpdates2 } from '../protocol/updates.js';
import type { RowChange } from './change.js';
import { nextTurn } from './next-turn.js';
import { HUGE_ROW_BYTES, SliceBudget } from './slice-budget.js';
import { ReplicaInconsistencyError, type TableStore } from './table-store.js';

/** Receives each change as it is applied; absent when nobody listens (no change objects kept). */
export type ChangeSink = ((change: RowChange) => void) | undefined;

/**
 * Turns a value of a lazily parsed message (a placeholder) into the value; the identity for
 * messages parsed whole.
 */
export type Resolve = (value: unknown) => unknown;

/** The {@link Resolve} of a message parsed whole. */
export const identity: Resolve = (value) => value;

/** How many of `initial`, `insert`, `modify` and `delete` a row change of update2 holds. */
function kindsIn(change: Record<string, unknown>): number {
  return (
    Number(change.initial !== undefined) +
    Number(change.insert !== undefined) +
    Number(change.modify !== undefined) +
    Number('delete' in change)
  );
}

/** Applies one row of an update2/update3 message. Returns the number of rows touched (0 or 1). */
function applyRow2(
  store: TableStore,
  uuid: string,
  wire: unknown,
  sink: ChangeSink,
  resolve = identity,
): number {
  const change = resolve(wire);
  // ovsdb-server(7) sends exactly one of the four; anything else from a peer is refused rather
  // than read as nothing (an empty object) or as a TypeError (null, a number).
  if (!isJsonObject(change) || kindsIn(change) !== 1) {
    throw new ReplicaInconsistencyError(store.name, uuid, 'not one of initial, insert, modify or delete');
  }
  let result: RowChange | undefined;
  if (change.modify !== undefined)
    result = store.modify(uuid, resolve(change.modify) as Record<string, unknown>);
  else if (change.insert !== undefined)
    result = store.put(uuid, resolve(change.insert) as Record<string, unknown>, false);
  else if (change.initial !== undefined)
    result = store.put(uuid, resolve(change.initial) as Record<string, unknown>, true);
  else if ('delete' in change) result = store.delete(uuid);
  if (result === undefined) return 0;
  sink?.(result);
  return 1;
}

/**
 * A table's part of an update, which must be an object of rows: a string or an array would
 * be read character by character or index by index.
 */
function rowsOf(table: string, rows: unknown): Record<string, unknown> {
  if (!isJsonObject(rows)) throw new ReplicaInconsistencyError(table, '', 'the rows are not a JSON object');
  return rows;
}

/** Applies a whole update2/update3 payload; returns the number of rows changed. */
export function applyUpdates2(
  stores: ReadonlyMap<string, TableStore>,
  updates: TableUpdates2,
  sink: ChangeSink,
): number {
  let n = 0;
  for (const table in updates) {
    const store = stores.get(table);
    if (store === undefined) continue;
    const rows = rowsOf(table, updates[table]);
    for (const uuid in rows) n += applyRow2(store, uuid, rows[uuid], sink);
  }
  return n;
}

/** The rows of one table of an update2 payload, read by position. */
export interface TableRows {
  readonly table: string;
  readonly count: number;
  /** UUID of row `k`. */
  key(k: number): string;
  /** The wire change of row `k` (possibly a placeholder the message's resolver parses). */
  wire(k: number): unknown;
  /** Forgets row `k`'s wire form once applied, so the collector can reclaim it. */
  drop(k: number): void;
  /** Bytes of row `k` still to parse (0 when the message was parsed whole). */
  bytes(k: number): number;
  /** The wire change of row `k`, parsed over several turns (for a huge row). */
  wireInPieces(k: number, turn: () => Promise<void>): Promise<unknown>;
}

function plainRows(
  table: string,
  rows: Record<string, unknown>,
  bytesOf: (v: unknown) => number,
  inPieces: (v: unknown, turn: () => Promise<void>) => Promise<unknown>,
): TableRows {
  const uuids = Object.keys(rows);
  return {
    table,
    count: uuids.length,
    key: (k) => uuids[k] as string,
    wire: (k) => rows[uuids[k] as string],
    drop: (k) => {
      rows[uuids[k] as string] = undefined;
    },
    bytes: (k) => bytesOf(rows[uuids[k] as string]),
    wireInPieces: (k, turn) => inPieces(rows[uuids[k] as string], turn),
  };
}

function lazyRows(table: string, rows: LazyObject): TableRows {
  return {
    table,
    count: rows.size,
    key: (k) => rows.key(k),
    wire: (k) => rows.value(k),
    drop: () => {},
    bytes: (k) => rows.valueBytes(k),
    wireInPieces: (k, turn) => rows.valueInPieces(k, turn),
  };
}

/**
 * The tables of `updates` that have a store, each readable by position. A table of a big
 * lazily parsed reply arrives as a {@link LazyObject}: its rows are read one at a time.
 */
export function listRows(
  stores: ReadonlyMap<string, TableStore>,
  updates: TableUpdates2,
  resolve: Resolve = identity,
  bytesOf: (value: unknown) => number = () => 0,
  inPieces: (value: unknown, turn: () => Promise<void>) => Promise<unknown> = (value) =>
    Promise.resolve(resolve(value)),
): TableRows[] {
  const out: TableRows[] = [];
  for (const table in updates) {
    if (!stores.has(table)) continue;
    const rows = resolve(updates[table]);
    out.push(
      isLazyObject(rows) ? lazyRows(table, rows) : plainRows(table, rowsOf(table, rows), bytesOf, inPieces),
    );
  }
  return out;
}

/**
 * Applies the rows of an update2 payload in slices of `sliceRows`, awaiting `yieldTurn`
 * between slices so that a big initial dump leaves the event loop free in between. Consumes
 * the payload: each row's wire form is dropped once applied.
 */
export async function applyUpdates2Sliced(
  stores: ReadonlyMap<string, TableStore>,
  tables: ReadonlyArray<TableRows>,
  sink: ChangeSink,
  sliceRows: number,
  yieldTurn: (rowsDone: number) => Promise<void>,
  resolve: Resolve = identity,
): Promise<number> {
  let n = 0;
  // A slice ends after `sliceRows` rows, SLICE_BYTES of JSON to parse or SLICE_MS of time
  // (slice-budget.ts), and a row that is big on its own (a router with 100,000 routes) gets a
  // turn of its own.
  const budget = new SliceBudget(sliceRows);
  for (const rows of tables) {
    const store = stores.get(rows.table) as TableStore;
    for (let k = 0; k < rows.count; k++) {
      const bytes = rows.bytes(k);
      if (budget.full(bytes)) {
        await yieldTurn(n);
        budget.reset();
      }
      // A huge row (a set of 100,000 UUIDs) is parsed over several turns before it is applied.
      const wire = bytes > HUGE_ROW_BYTES ? await rows.wireInPieces(k, nextTurn) : rows.wire(k);
      n += applyRow2(store, rows.key(k), wire, sink, resolve);
      // The parsed message is ours: dropping each applied row lets the collector reclaim the
      // wire form while the typed rows are built, so a big dump is not held twice.
      rows.drop(k);
      budget.add(bytes);
    }
  }
  return n;
}

/** A client-side row filter for the `monitor` method, which has no server-side conditions. */
export interface ClientFilter {
  readonly condition: ParsedCondition;
}

/** The client-side filter of a table's monitor condition. */
export function clientFilter(table: TableSchema, where: MonitorCondition[]): ClientFilter {
  return { condition: parseConditions(table, where) };
}

/** Applies a whole `update` payload (full images); returns the number of rows changed. */
export function applyUpdates1(
  stores: ReadonlyMap<string, TableStore>,
  updates: TableUpdates,
  filters: ReadonlyMap<string, ClientFilter>,
  initial: boolean,
  sink: ChangeSink,
  resolve: Resolve = identity,
): number {
  let n = 0;
  for (const table in updates) {
    const store = stores.get(table);
    if (store === undefined) continue;
    const filter = filters.get(table);
    const rows = rowsOf(table, updates[table]);
    for (const uuid in rows) {
      const change = resolve(rows[uuid]);
      if (!isJsonObject(change))
        throw new ReplicaInconsistencyError(table, uuid, 'the row change is not a JSON object');
      const image = resolve(change.new);
      // Checked before the filter reads it: a `new` of null or 5 is no row.
      if (image !== undefined && !isJsonObject(image))
        throw new ReplicaInconsistencyError(table, uuid, 'the new row is not a JSON object');
      let result: RowChange | undefined;
      if (
        image === undefined ||
        (filter !== undefined && !evaluateConditionsAny(image as never, filter.condition))
      ) {
        // Deleted, or no longer (or never) matching the condition.
        result = store.delete(uuid);
      } else {
        result = store.put(uuid, image, initial);
      }
      if (result !== undefined) {
        n++;
        sink?.(result);
      }
    }
  }
  return n;
}
