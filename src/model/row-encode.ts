/**
 * Typed values to RFC 7047 wire values. Checks shapes and atomic types so a wrong value fails
 * here, naming table and column; column constraints (enums, ranges, lengths, duplicate
 * elements) are left to `transact`'s schema check and the server, so each value is looked at once.
 */
import type { BaseType } from '../protocol/base-type.js';
import type { ColumnType } from '../protocol/column-type.js';
import { UUID_PATTERN } from '../protocol/identifiers.js';
import type { WireAtom, WireRow, WireValue } from '../protocol/notation.js';
import type { TableSchema } from '../protocol/schema.js';
import { InvalidOperationError } from '../protocol/validation.js';
import { InvalidValueError, type ValueLocation } from '../protocol/validation-errors.js';
import { codecFailure } from './codec-failure.js';
import type { TableDescriptor } from './descriptor.js';
import { CLEAR, NamedRef } from './write-markers.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Options of {@link encodeRow}. */
export interface EncodeRowOptions {
  /**
   * The row is for an `update` (only some columns, of an existing row): columns that cannot
   * change after insert are refused. @default false (a row for `insert`)
   */
  partial?: boolean;
}

function encodeAtom(base: BaseType, value: unknown, table?: string, column?: string): WireAtom {
  switch (base.type) {
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      // 64-bit integers beyond 2^53 travel as bigints (see protocol/atom.ts).
      if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) {
        return value as unknown as WireAtom;
      }
      break;
    case 'real':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'uuid':
      if (typeof value === 'string') {
        if (UUID_PATTERN.test(value)) return ['uuid', value];
        return codecFailure(`"${value}" is not a valid UUID`, value, table, column);
      }
      if (value instanceof NamedRef) return ['named-uuid', value.name];
      break;
  }
  return codecFailure(`expected ${base.type}`, value, table, column);
}

function emptyOf(type: ColumnType, value: unknown, table?: string, column?: string): WireValue {
  if (type.min !== 0) {
    const where: ValueLocation = {};
    if (table !== undefined) where.table = table;
    if (column !== undefined) where.column = column;
    throw new InvalidValueError('constraint', 'column cannot be cleared: it needs a value', value, where);
  }
  return type.value === undefined ? ['set', []] : ['map', []];
}

function checkCount(type: ColumnType, n: number, value: unknown, table?: string, column?: string): void {
  if (n < type.min || n > type.max) {
    const max = type.max === Number.POSITIVE_INFINITY ? 'unlimited' : String(type.max);
    codecFailure(`expected ${type.min} to ${max} elements but ${n} are present`, value, table, column);
  }
}

function encodeMap(type: ColumnType, value: unknown, table?: string, column?: string): WireValue {
  const key = type.key;
  const val = type.value as BaseType;
  const pairs: [WireAtom, WireAtom][] = [];
  if (value instanceof Map) {
    for (const [k, v] of value)
      pairs.push([encodeAtom(key, k, table, column), encodeAtom(val, v, table, column)]);
  } else if (key.type === 'string' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const k in record) {
      if (!Object.hasOwn(record, k)) continue;
      const v = record[k];
      // Partial<Record<...>> allows present-but-undefined entries: they mean "no entry".
      if (v === undefined) continue;
      pairs.push([k, encodeAtom(val, v, table, column)]);
    }
  } else {
    const expected = key.type === 'string' ? 'an object or a Map' : 'a Map';
    return codecFailure(`expected ${expected} for a map column`, value, table, column);
  }
  checkCount(type, pairs.length, value, table, column);
  return ['map', pairs];
}

function encodeColumn(type: ColumnType, value: unknown, table?: string, column?: string): WireValue {
  if (value === CLEAR) return emptyOf(type, value, table, column);
  if (type.value !== undefined) return encodeMap(type, value, table, column);
  // Scalars and optional values travel as the bare atom (a one-element set).
  if (type.max === 1) return encodeAtom(type.key, value, table, column);
  if (!Array.isArray(value)) return codecFailure('expected an array for a set column', value, table, column);
  const n = value.length;
  checkCount(type, n, value, table, column);
  const atoms = new Array<WireAtom>(n);
  for (let i = 0; i < n; i++) atoms[i] = encodeAtom(type.key, value[i], table, column);
  return ['set', atoms];
}

/**
 * The RFC 7047 wire form of typed value `value` of a column of type `type` (see
 * docs/codegen.md for the typed forms): atoms as JSON values, UUID strings as
 * `["uuid", id]`, {@link NamedRef}s as `["named-uuid", name]`, arrays as `["set", [...]]`,
 * objects and Maps as `["map", [[k, v], ...]]`, {@link CLEAR} as the empty set or map.
 * Throws `InvalidValueError` (table and column from `where`) for a value of the wrong shape
 * or atomic type, or CLEAR for a column whose `min` is 1.
 */
export function encodeValue(type: ColumnType, value: unknown, where?: ValueLocation): WireValue {
  return encodeColumn(type, value, where?.table, where?.column);
}

/**
 * @internal {@link encodeValue} with the table and column given as they are, for the clause
 * builders: no location object made per clause.
 */
export function encodeValueOf(type: ColumnType, value: unknown, table: string, column: string): WireValue {
  return encodeColumn(type, value, table, column);
}

/**
 * The wire row (for `insert`, or `update` with `options.partial`) of typed row `row`.
 * `undefined` properties are left out, so those columns keep their value (or default);
 * {@link CLEAR} empties a column. Throws `InvalidOperationError` for an unknown column,
 * for `_uuid`/`_version` (reason `read-only-column`) and, when partial, for a column that
 * cannot change after insert; `InvalidValueError` for a bad value (see {@link encodeValue}).
 */
export function encodeRow(
  table: TableDescriptor | TableSchema,
  row: object,
  options?: EncodeRowOptions,
): WireRow {
  const partial = options?.partial === true;
  const name = table.name;
  const columns = table.columns;
  const source = row as Record<string, unknown>;
  const out: WireRow = {};
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    const column = columns.get(key);
    if (column === undefined) {
      if (key === '_uuid' || key === '_version') {
        throw new InvalidOperationError('read-only-column', `column ${key} is set by the server`, {
          operationIndex: -1,
          table: name,
          column: key,
        });
      }
      throw new InvalidOperationError('unknown-column', `table ${name} has no column ${key}`, {
        operationIndex: -1,
        table: name,
        column: key,
      });
    }
    if (partial && !(column.mutable && table.mutable)) {
      throw new InvalidOperationError('immutable-column', `column ${key} cannot be changed after insert`, {
        operationIndex: -1,
        table: name,
        column: key,
      });
    }
    out[key] = encodeColumn(column.type, value, name, key);
  }
  return out;
}
