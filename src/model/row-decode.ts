/**
 * RFC 7047 wire values (as the server sends them in results and updates) to the typed forms
 * of docs/codegen.md. Only shapes and atomic types are checked: the server already enforced
 * the column constraints.
 */
import type { BaseType } from '../protocol/base-type.js';
import type { ColumnType } from '../protocol/column-type.js';
import type { TableSchema } from '../protocol/schema.js';
import type { ValueLocation } from '../protocol/validation-errors.js';
import { codecFailure } from './codec-failure.js';
import type { TableDescriptor } from './descriptor.js';

function decodeAtom(base: BaseType, wire: unknown, table?: string, column?: string): unknown {
  switch (base.type) {
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
      if (Array.isArray(wire) && wire.length === 2 && wire[0] === 'uuid' && typeof wire[1] === 'string') {
        return wire[1];
      }
      break;
  }
  return codecFailure(`expected ${base.type}`, wire, table, column);
}

function isTagged(wire: unknown, tag: string): wire is [string, unknown[]] {
  return Array.isArray(wire) && wire.length === 2 && wire[0] === tag && Array.isArray(wire[1]);
}

// `obj[k] = v` with k === '__proto__' would replace the prototype instead of adding an entry.
function setEntry(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function decodeMap(type: ColumnType, wire: unknown, table?: string, column?: string): unknown {
  if (!isTagged(wire, 'map')) return codecFailure('expected ["map", <array>]', wire, table, column);
  const pairs = wire[1];
  const key = type.key;
  const val = type.value as BaseType;
  const n = pairs.length;
  if (key.type === 'string') {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const pair = pairs[i];
      if (!Array.isArray(pair) || pair.length !== 2)
        codecFailure('expected 2-element array', pair, table, column);
      setEntry(
        record,
        decodeAtom(key, pair[0], table, column) as string,
        decodeAtom(val, pair[1], table, column),
      );
    }
    return record;
  }
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < n; i++) {
    const pair = pairs[i];
    if (!Array.isArray(pair) || pair.length !== 2)
      codecFailure('expected 2-element array', pair, table, column);
    map.set(decodeAtom(key, pair[0], table, column), decodeAtom(val, pair[1], table, column));
  }
  return map;
}

function decodeColumn(type: ColumnType, wire: unknown, table?: string, column?: string): unknown {
  if (type.value !== undefined) return decodeMap(type, wire, table, column);
  const isSet = isTagged(wire, 'set');
  if (type.max === 1) {
    if (!isSet) return decodeAtom(type.key, wire, table, column);
    const elements = wire[1];
    // An optional value is a set of 0 or 1 element; empty decodes to undefined (property absent).
    if (elements.length === 0 && type.min === 0) return undefined;
    if (elements.length !== 1) codecFailure('expected exactly one element', wire, table, column);
    return decodeAtom(type.key, elements[0], table, column);
  }
  // A one-element set may arrive as the bare atom.
  if (!isSet) return [decodeAtom(type.key, wire, table, column)];
  const elements = wire[1];
  const n = elements.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = decodeAtom(type.key, elements[i], table, column);
  return out;
}

/**
 * The typed form (docs/codegen.md) of wire value `wire` of a column of type `type`: atoms as
 * JS values, UUIDs as strings, sets (also a bare atom standing for one element) as arrays,
 * maps as plain objects for string keys and `Map`s otherwise, and an empty optional value as
 * `undefined`. Throws `InvalidValueError` when the wire value does not have the column's shape.
 */
export function decodeValue(type: ColumnType, wire: unknown, where?: ValueLocation): unknown {
  return decodeColumn(type, wire, where?.table, where?.column);
}

/**
 * The typed row for wire row `wireRow` of `table` (from a `select` result or an update).
 * `_uuid` and `_version` become strings; empty optional columns are left out; columns absent
 * from `wireRow` stay absent. Columns the descriptor does not know (a newer server schema) are
 * kept on the row under their own names with their wire values unchanged, so nothing is lost.
 * Throws `InvalidValueError` for a value of the wrong shape.
 */
export function decodeRow<Row = Record<string, unknown>>(
  table: TableDescriptor<string, Row> | TableDescriptor | TableSchema,
  wireRow: Readonly<Record<string, unknown>>,
): Row {
  const name = table.name;
  const columns = table.columns;
  const out: Record<string, unknown> = {};
  for (const key in wireRow) {
    if (!Object.hasOwn(wireRow, key)) continue;
    const wire = wireRow[key];
    const column = columns.get(key);
    if (column !== undefined) {
      const value = decodeColumn(column.type, wire, name, key);
      if (value !== undefined) out[key] = value;
    } else if (key === '_uuid' || key === '_version') {
      out[key] = decodeAtom(UUID_BASE, wire, name, key);
    } else {
      setEntry(out, key, wire);
    }
  }
  return out as Row;
}

const UUID_BASE: BaseType = { type: 'uuid' };
