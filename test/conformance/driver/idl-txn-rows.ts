/**
 * The buffered writes of one `idl_set` transaction, kept per row the way the Python IDL keeps
 * them (`Row._changes`, `_mutations`, `_prereqs`) and replayed on a ovndb `Transaction` at
 * commit: verify `wait`s first, then per row a delete, an insert or an update, then its
 * partial set/map changes as one `mutate`.
 */
import type { Replica } from '../../../src/cache/replica.js';
import type { OvsdbClient } from '../../../src/client/client.js';
import type { DatabaseModel } from '../../../src/model/descriptor.js';
import type { TypedMutation } from '../../../src/model/typed-clauses.js';
import { type NamedRef, namedRef } from '../../../src/model/write-markers.js';
import type { Transaction } from '../../../src/txn/transaction.js';
import type { Print } from './idl-print.js';
import type { IdlView, Tables } from './idl-view.js';

/** A command of the vocabulary that cannot run (what test-ovsdb.py reports and exits 1 for). */
export class IdlCommandError extends Error {}

type Value = unknown;

/** One row touched by the transaction, with its buffered writes. */
export interface TxnRow {
  readonly table: string;
  /** The row's UUID; for a row inserted here, a name local to the driver. */
  readonly uuid: string;
  /** The row as the view had it; undefined for a row inserted by this transaction. */
  readonly base: Readonly<Record<string, unknown>> | undefined;
  readonly ref: NamedRef | undefined;
  readonly persistUuid: string | undefined;
  readonly changes: Map<string, Value>;
  readonly verify: Set<string>;
  /** Elements to add (sets) or pairs to set (maps), by column. */
  readonly inserts: Map<string, Map<unknown, unknown> | unknown[]>;
  /** Elements (sets) or keys (maps) to remove, by column. */
  readonly removes: Map<string, unknown[]>;
  deleted: boolean;
}

/** What the transaction needs from the session. */
export interface IdlTxnContext {
  readonly client: OvsdbClient;
  readonly model: DatabaseModel<Tables>;
  readonly view: IdlView;
  readonly replica: Replica<Tables>;
  readonly print: Print;
}

let insertedNames = 0;

/** The rows of one transaction and the order they were first touched in. */
export class TxnRows {
  readonly rows = new Map<string, TxnRow>();
  fetches: Array<{ row: TxnRow; column: string }> = [];
  increment: { row: TxnRow; column: string } | undefined;

  constructor(private readonly ctx: IdlTxnContext) {}

  touch(table: string, uuid: string): TxnRow {
    let row = this.rows.get(uuid);
    if (row === undefined) {
      const base = this.ctx.view.rowOf(table, uuid)?.data;
      row = this.make(table, uuid, base, undefined, undefined);
    }
    return row;
  }

  insert(table: string, persistUuid?: string): TxnRow {
    const name = `idl_row${++insertedNames}`;
    return this.make(table, `<${name}>`, undefined, namedRef(name), persistUuid);
  }

  private make(
    table: string,
    uuid: string,
    base: TxnRow['base'],
    ref: NamedRef | undefined,
    persistUuid: string | undefined,
  ): TxnRow {
    const row: TxnRow = {
      table,
      uuid,
      base,
      ref,
      persistUuid,
      changes: new Map(),
      verify: new Set(),
      inserts: new Map(),
      removes: new Map(),
      deleted: false,
    };
    this.rows.set(uuid, row);
    return row;
  }

  /** A column's value as the transaction sees it (its own write, or the view's). */
  valueOf(row: TxnRow, column: string): Value {
    return row.changes.has(column) ? row.changes.get(column) : row.base?.[column];
  }

  /** The first row of `table` whose `column` equals `value`, inserted rows of this transaction included. */
  find(table: string, column: string, value: Value): TxnRow | undefined {
    for (const r of this.ctx.view.rowsOf(table)) {
      const row = this.rows.get(r.uuid);
      if (row === undefined ? r.data[column] === value : this.valueOf(row, column) === value) {
        return this.touch(table, r.uuid);
      }
    }
    for (const row of this.rows.values()) {
      if (row.base === undefined && row.table === table && this.valueOf(row, column) === value) return row;
    }
    return undefined;
  }

  set(row: TxnRow, column: string, value: Value): void {
    row.changes.set(column, value);
    // A whole new value replaces any partial change of the column.
    row.inserts.delete(column);
    row.removes.delete(column);
  }

  addValue(row: TxnRow, column: string, value: Value): void {
    let list = row.inserts.get(column) as unknown[] | undefined;
    if (list === undefined) {
      list = [];
      row.inserts.set(column, list);
    }
    if (!list.includes(value)) list.push(value);
  }

  delValue(row: TxnRow, column: string, value: Value): void {
    let list = row.removes.get(column);
    if (list === undefined) {
      list = [];
      row.removes.set(column, list);
    }
    if (!list.includes(value)) list.push(value);
  }

  setKey(row: TxnRow, column: string, key: Value, value: Value): void {
    // The server's map `insert` keeps an existing key's value: remove the key first.
    if (row.base !== undefined) this.delValue(row, column, key);
    let map = row.inserts.get(column) as Map<unknown, unknown> | undefined;
    if (map === undefined) {
      map = new Map();
      row.inserts.set(column, map);
    }
    map.set(key, value);
  }

  delKey(row: TxnRow, column: string, key: Value, value?: Value): void {
    if (value !== undefined) {
      const current = mapGet(row.base?.[column], key);
      if (current !== value) return;
    }
    this.delValue(row, column, key);
  }

  /** Whether committing would change anything (else the IDL reports `unchanged` and sends nothing). */
  anyUpdates(): boolean {
    if (this.fetches.length > 0) return true;
    for (const row of this.rows.values()) {
      if (row.deleted) {
        if (row.base !== undefined && this.ctx.model.tables[row.table]?.isRoot !== false) return true;
        continue;
      }
      if (row.base === undefined) return true;
      for (const [column, value] of row.changes) {
        if (canonical(value) !== canonical(row.base[column])) return true;
      }
      if (row.inserts.size > 0 || row.removes.size > 0) return true;
    }
    return false;
  }

  /** Replays the buffered writes on `txn`, in the Python IDL's order. */
  async write(txn: Transaction<Tables>): Promise<void> {
    const target = (row: TxnRow) => (row.ref ?? row.uuid) as never;
    for (const row of this.rows.values()) {
      if (row.base !== undefined && row.verify.size > 0)
        txn.verify(row.table, row.base, [...row.verify] as never);
    }
    for (const { row, column } of this.fetches) {
      const fresh = await txn.get(row.table, row.uuid as never, { verify: false });
      this.ctx.view.setFetched(row.table, row.uuid, column, fresh?.[column]);
    }
    for (const row of this.rows.values()) {
      if (row.deleted) {
        if (row.base !== undefined && this.ctx.model.tables[row.table]?.isRoot !== false) {
          txn.delete(row.table, row.uuid as never);
        }
        continue;
      }
      const values = Object.fromEntries(row.changes) as never;
      if (row.base === undefined) {
        const ref = row.ref as NamedRef;
        txn.insert(row.table, values, {
          uuidName: ref.name,
          ...(row.persistUuid === undefined ? {} : { uuid: row.persistUuid }),
        });
      } else if (row.changes.size > 0) {
        txn.update(row.table, target(row), values);
      }
      const mutations: TypedMutation<Record<string, unknown>>[] = [];
      for (const [column, removed] of row.removes)
        mutations.push({ column, mutator: 'delete', value: removed });
      for (const [column, added] of row.inserts) {
        const value = added instanceof Map ? mapValue(this.ctx, row.table, column, added) : added;
        mutations.push({ column, mutator: 'insert', value });
      }
      if (mutations.length > 0) txn.mutate(row.table, target(row), mutations as never);
    }
    if (this.increment !== undefined) {
      const { row, column } = this.increment;
      txn.mutate(row.table, target(row), [{ column, mutator: '+=', value: 1 }] as never);
    }
  }
}

/** A value of a map column (plain object for string keys, `Map` otherwise) looked up by key. */
function mapGet(map: unknown, key: unknown): unknown {
  if (map instanceof Map) return map.get(key);
  if (map !== null && typeof map === 'object') return (map as Record<string, unknown>)[key as string];
  return undefined;
}

/** The typed form of a map for column `column`: string keys make a plain object. */
function mapValue(ctx: IdlTxnContext, table: string, column: string, map: Map<unknown, unknown>): unknown {
  const type = ctx.model.tables[table]?.columns.get(column)?.type;
  return type?.key.type === 'string' ? Object.fromEntries(map) : map;
}

/** A comparable text for a typed value (sets and maps in a stable order). */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Map) return canonical(Object.fromEntries([...value].map(([k, v]) => [String(k), v])));
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
}
