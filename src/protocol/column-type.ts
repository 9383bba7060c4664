import { type BaseType, baseTypeToJson, hasConstraints, parseBaseType } from './base-type.js';
import { isJsonInteger, MemberParser } from './json-members.js';
import { SchemaError } from './validation-errors.js';

/**
 * A column's type (RFC 7047 section 3.2 `<type>`): key type, optional value type (maps),
 * and the allowed number of elements. `max` is `Infinity` for `"unlimited"`.
 */
export interface ColumnType {
  /** Type of set elements or map keys (of the value itself for scalars). */
  readonly key: BaseType;
  /** Type of map values; present exactly for maps. */
  readonly value?: BaseType;
  /** Fewest elements: 0 or 1. */
  readonly min: number;
  /** Most elements, at least 1; `Infinity` means unlimited. */
  readonly max: number;
}

const MAX_COUNT = 2 ** 63 - 1;

/**
 * Parses a `<type>`: an atomic type name, or `{key, value?, min?, max?}`. Applies the
 * same checks as ovsdb-server (`min` <= 1 <= `max`, valid base types). Throws
 * {@link SchemaError}.
 */
export function parseColumnType(json: unknown): ColumnType {
  if (typeof json === 'string') return { key: parseBaseType(json), min: 1, max: 1 };
  const p = new MemberParser(json, 'ovsdb type');
  const keyJson = p.get('key', 'string', 'object');
  const valueJson = p.optional('value', 'string', 'object');
  const minJson = p.optional('min', 'integer');
  const maxJson = p.optional('max', 'string', 'integer');
  p.finish();

  const key = parseBaseType(keyJson);
  const value = valueJson === undefined ? undefined : parseBaseType(valueJson);
  const min = parseCount(minJson, 1);
  const max = maxJson === 'unlimited' ? Number.POSITIVE_INFINITY : parseCount(maxJson, 1);
  if (!(min <= 1 && 1 <= max)) throw new SchemaError('ovsdb type fails constraint checks', { json });
  return value === undefined ? { key, min, max } : { key, value, min, max };
}

function parseCount(json: unknown, fallback: number): number {
  if (json === undefined) return fallback;
  if (isJsonInteger(json) && json >= 0 && json <= MAX_COUNT) return Number(json);
  throw new SchemaError('bad min or max value', { json });
}

/** The canonical JSON of a column type, as ovsdb-server prints it (defaults omitted). */
export function columnTypeToJson(t: ColumnType): unknown {
  if (t.value === undefined && t.min === 1 && t.max === 1 && !hasConstraints(t.key)) {
    return baseTypeToJson(t.key);
  }
  const json: Record<string, unknown> = { key: baseTypeToJson(t.key) };
  if (t.value !== undefined) json.value = baseTypeToJson(t.value);
  if (t.min !== 1) json.min = t.min;
  if (t.max === Number.POSITIVE_INFINITY) json.max = 'unlimited';
  else if (t.max !== 1) json.max = t.max;
  return json;
}

/** True for a map column (one with a value type). */
export function isMapType(t: ColumnType): boolean {
  return t.value !== undefined;
}

/** True for a set column: no value type, and not exactly one element. */
export function isSetType(t: ColumnType): boolean {
  return t.value === undefined && (t.min !== 1 || t.max !== 1);
}

/** True for an optional value: a set of zero or one element. */
export function isOptionalType(t: ColumnType): boolean {
  return t.min === 0 && t.max === 1;
}

/** True for a plain scalar column: exactly one atom, not a map. */
export function isScalarType(t: ColumnType): boolean {
  return t.value === undefined && t.min === 1 && t.max === 1;
}
