import { type CheckOptions, defaultAtom } from './atom.js';
import type { ColumnType } from './column-type.js';
import { parseDatumParts } from './datum-parse.js';
import type { WireAtom, WireValue } from './notation.js';
import type { ValueLocation } from './validation-errors.js';

export { type CheckOptions, checkAtom, compareAtoms, defaultAtom, parseAtom } from './atom.js';
export type { ValueLocation } from './validation-errors.js';

/**
 * Checks a column value against its column type: JSON shape (`["set", ...]`,
 * `["map", ...]` or a bare atom), atomic types, enums, ranges, string lengths, the
 * number of elements, and duplicate set elements or map keys. Throws
 * {@link InvalidValueError} naming the table, column and offending value.
 * Named UUIDs are accepted only with `opts.allowNamedUuid` (transaction operations).
 */
export function checkDatum(
  type: ColumnType,
  wire: unknown,
  where?: ValueLocation,
  opts?: CheckOptions,
): void {
  parseDatumParts(type.key, type.value, type.min, type.max, wire, where, opts);
}

/**
 * Checks `wire` like {@link checkDatum} (named UUIDs allowed) and returns its canonical
 * form, as ovsdb-server prints it: maps as `["map", sorted pairs]`, one-element sets as
 * the bare atom, other sets as `["set", sorted atoms]`; UUIDs in lower case.
 */
export function normalizeDatum(type: ColumnType, wire: unknown, where?: ValueLocation): WireValue {
  return parseDatum(type, wire, where, { allowNamedUuid: true });
}

/**
 * Checks `wire` like {@link checkDatum} and returns the canonical form described at
 * {@link normalizeDatum}; named UUIDs only with `opts.allowNamedUuid`.
 */
export function parseDatum(
  type: ColumnType,
  wire: unknown,
  where?: ValueLocation,
  opts?: CheckOptions,
): WireValue {
  const { keys, values } = parseDatumParts(type.key, type.value, type.min, type.max, wire, where, opts);
  if (values !== undefined) {
    const pairs = new Array<[WireAtom, WireAtom]>(keys.length);
    for (let i = 0; i < keys.length; i++) pairs[i] = [keys[i] as WireAtom, values[i] as WireAtom];
    return ['map', pairs];
  }
  if (keys.length === 1) return keys[0] as WireAtom;
  return ['set', keys];
}

/**
 * The default value of a column: the empty set when `min` is 0, otherwise one default
 * atom (or one default key-value pair for maps).
 */
export function defaultDatum(type: ColumnType): WireValue {
  if (type.min === 0) return type.value === undefined ? ['set', []] : ['map', []];
  if (type.value !== undefined) return ['map', [[defaultAtom(type.key.type), defaultAtom(type.value.type)]]];
  return defaultAtom(type.key.type);
}
