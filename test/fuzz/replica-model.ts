/**
 * A reference replica for differential tests of the update appliers: each table a Map of rows,
 * each row a Map of column values (a Set for sets, a Map for maps), changed by the rules of
 * RFC 7047 section 4.1.6 (`update`) and ovsdb-server(7) (`update2`): `initial`/`insert` put a
 * whole row (absent columns take their defaults), `modify` replaces scalars and columns of at
 * most one value, toggles set elements and, for maps, adds absent keys, removes a key listed
 * with its current value and rewrites one listed with another, `delete` removes. What the
 * appliers refuse, it refuses, checking only what they promise to check: the shape of the
 * messages and of each value, and the atomic types.
 */
import type { AtomicType, BaseType } from '../../src/protocol/base-type.js';
import type { ColumnType } from '../../src/protocol/column-type.js';
import type { TableSchema } from '../../src/protocol/schema.js';

/** One column's value: an atom (absent for an empty optional), a set, or a map. */
export type ModelValue = unknown;
/** A row: `_version` and a value for every column. */
export interface ModelRow {
  readonly version: string | undefined;
  readonly values: ReadonlyMap<string, ModelValue>;
}

/** What the appliers throw for a message they cannot apply; the reason is for people. */
export class Refused extends Error {}

/** JSON of any value, bigints included (for messages). */
const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function atom(type: AtomicType, wire: unknown): unknown {
  switch (type) {
    case 'integer':
      if ((typeof wire === 'number' && Number.isInteger(wire)) || typeof wire === 'bigint') return wire;
      break;
    case 'real':
      if (typeof wire === 'number') return wire;
      break;
    case 'boolean':
      if (typeof wire === 'boolean') return wire;
      break;
    case 'string':
      if (typeof wire === 'string') return wire;
      break;
    case 'uuid':
      if (Array.isArray(wire) && wire.length === 2 && wire[0] === 'uuid' && typeof wire[1] === 'string')
        return wire[1];
      break;
  }
  throw new Refused(`not a ${type}: ${show(wire)}`);
}

const tagged = (wire: unknown, tag: string): wire is [string, unknown[]] =>
  Array.isArray(wire) && wire.length === 2 && wire[0] === tag && Array.isArray(wire[1]);

/** The elements of a set (a bare atom is a set of one). */
function setElements(base: BaseType, wire: unknown): unknown[] {
  return tagged(wire, 'set') ? wire[1].map((e) => atom(base.type, e)) : [atom(base.type, wire)];
}

/** The pairs of a map. */
function mapPairs(type: ColumnType, wire: unknown): Array<[unknown, unknown]> {
  if (!tagged(wire, 'map')) throw new Refused(`not a map: ${show(wire)}`);
  return wire[1].map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Refused('a map pair is not [key, value]');
    return [atom(type.key.type, pair[0]), atom((type.value as BaseType).type, pair[1])];
  });
}

/** How a column's values change: replaced whole, or by element. */
function isWhole(type: ColumnType): boolean {
  return type.max === 1;
}

/** A full value of `type` from the wire. */
export function fullValue(type: ColumnType, wire: unknown): ModelValue {
  if (type.value !== undefined) return new Map(mapPairs(type, wire));
  if (type.max === 1) {
    const elements = setElements(type.key, wire);
    if (elements.length === 0 && type.min === 0) return undefined;
    if (elements.length !== 1) throw new Refused('not exactly one value');
    return elements[0];
  }
  return new Set(setElements(type.key, wire));
}

/** The default of a column: 0, "", false, the zero UUID; nothing for optional; empty collections. */
export function defaultValue(type: ColumnType): ModelValue {
  if (type.value !== undefined) {
    if (type.min === 0) return new Map();
    return new Map([[defaultAtom(type.key.type), defaultAtom(type.value.type)]]);
  }
  if (type.max !== 1) return type.min === 0 ? new Set() : new Set([defaultAtom(type.key.type)]);
  return type.min === 0 ? undefined : defaultAtom(type.key.type);
}

function defaultAtom(type: AtomicType): unknown {
  return { integer: 0, real: 0, boolean: false, string: '', uuid: '00000000-0000-0000-0000-000000000000' }[
    type
  ];
}

/** `current` after update2 diff `wire`. */
function applyDiff(type: ColumnType, current: ModelValue, wire: unknown): ModelValue {
  if (type.value === undefined && type.max === 1) {
    // The new value itself (ovsdb_datum_diff of a non-composite type): one element or none.
    const elements = setElements(type.key, wire);
    if (elements.length > 1 || (type.min === 1 && elements.length !== 1)) throw new Refused('not one value');
    return elements[0];
  }
  if (type.value === undefined) {
    const next = new Set(current as Set<unknown>);
    for (const e of setElements(type.key, wire)) if (!next.delete(e)) next.add(e);
    return next;
  }
  const pairs = mapPairs(type, wire);
  if (isWhole(type) && (current as Map<unknown, unknown>).size > 0) return new Map(pairs);
  const next = new Map(current as Map<unknown, unknown>);
  for (const [k, v] of pairs) {
    if (next.has(k) && next.get(k) === v) next.delete(k);
    else next.set(k, v);
  }
  return next;
}

function version(wire: unknown): string {
  if (Array.isArray(wire) && wire.length === 2 && wire[0] === 'uuid' && typeof wire[1] === 'string')
    return wire[1];
  throw new Refused(`_version is not a uuid: ${show(wire)}`);
}

/** The reference replica of one table. */
export class ModelTable {
  readonly rows = new Map<string, ModelRow>();
  constructor(readonly schema: TableSchema) {}

  /** A whole row from a wire image (`initial`, `insert`, `new`). */
  private build(wire: unknown): ModelRow {
    if (!isObject(wire)) throw new Refused('a row that is not an object');
    const values = new Map<string, ModelValue>();
    for (const [name, column] of this.schema.columns) {
      const w = wire[name];
      // As the store does: any empty ["<tag>", []] in a column that may be empty is its default.
      const empty = Array.isArray(w) && w.length === 2 && Array.isArray(w[1]) && w[1].length === 0;
      const asDefault = w === undefined || (empty && column.type.min === 0);
      values.set(name, asDefault ? defaultValue(column.type) : fullValue(column.type, w));
    }
    return { version: wire._version === undefined ? undefined : version(wire._version), values };
  }

  put(uuid: string, wire: unknown): void {
    this.rows.set(uuid, this.build(wire));
  }

  modify(uuid: string, diff: unknown): void {
    const old = this.rows.get(uuid);
    if (old === undefined) throw new Refused('modify of a missing row');
    if (!isObject(diff)) throw new Refused('a diff that is not an object');
    const values = new Map(old.values);
    for (const [name, column] of this.schema.columns) {
      const w = diff[name];
      if (w !== undefined) values.set(name, applyDiff(column.type, old.values.get(name), w));
    }
    this.rows.set(uuid, {
      version: diff._version === undefined ? old.version : version(diff._version),
      values,
    });
  }

  /** One row of an update2 message: exactly one of initial, insert, modify and delete. */
  applyRow2(uuid: string, change: unknown): void {
    if (!isObject(change)) throw new Refused('a row change that is not an object');
    const kinds =
      ['initial', 'insert', 'modify'].filter((k) => change[k] !== undefined).length +
      Number('delete' in change);
    if (kinds !== 1) throw new Refused(`a row change with ${kinds} kinds`);
    if (change.modify !== undefined) this.modify(uuid, change.modify);
    else if ('delete' in change) this.rows.delete(uuid);
    else this.put(uuid, change.insert ?? change.initial);
  }

  /** One row of an update message: a new image, or none for a delete. */
  applyRow1(uuid: string, change: unknown): void {
    if (!isObject(change)) throw new Refused('a row change that is not an object');
    if (change.new === undefined) this.rows.delete(uuid);
    else this.put(uuid, change.new);
  }
}

/** Applies a whole message in the appliers' order, stopping at the first refusal, which it rethrows. */
export function applyMessage(tables: ReadonlyMap<string, ModelTable>, updates: unknown, format: 1 | 2): void {
  if (!isObject(updates)) return;
  for (const name of Object.keys(updates)) {
    const table = tables.get(name);
    if (table === undefined) continue;
    const rows = updates[name];
    if (!isObject(rows)) throw new Refused(`table ${name} is not an object of rows`);
    for (const uuid of Object.keys(rows)) {
      if (format === 2) table.applyRow2(uuid, rows[uuid]);
      else table.applyRow1(uuid, rows[uuid]);
    }
  }
}

/** A column value in one comparable form: sets sorted, maps as sorted pairs, empty optional null. */
export function comparable(value: unknown): unknown {
  const key = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
  if (value instanceof Set || Array.isArray(value)) return [...value].map(key).sort();
  if (value instanceof Map) return [...value].map(([k, v]) => `${key(k)}=${key(v)}`).sort();
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${key(k)}=${key(v)}`)
      .sort();
  }
  return value === undefined ? null : key(value);
}

/** A model row in comparable form. */
export function comparableModelRow(row: ModelRow): Record<string, unknown> {
  const out: Record<string, unknown> = { _version: row.version ?? null };
  for (const [name, value] of row.values) out[name] = comparable(value);
  return out;
}

/** A row of a TableStore in the same form. */
export function comparableStoreRow(
  schema: TableSchema,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { _version: row._version ?? null };
  for (const name of schema.columns.keys()) out[name] = comparable(row[name]);
  return out;
}
