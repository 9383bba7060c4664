import { type CheckOptions, compareAtoms, parseAtom } from './atom.js';
import type { BaseType } from './base-type.js';
import type { WireAtom } from './notation.js';
import { InvalidValueError, type ValueLocation } from './validation-errors.js';

/** The printed upper bound of "unlimited" sets, as ovsdb-server prints it (INT64_MAX). */
const UNLIMITED_TEXT = '9223372036854775807';

/**
 * The elements of a datum after checking: keys sorted and distinct, and for maps the
 * values in the same order.
 */
export interface ParsedDatum {
  /** Sorted, distinct keys (set elements or map keys). */
  readonly keys: WireAtom[];
  /** Map values, index-aligned with `keys`; absent for sets and scalars. */
  readonly values?: WireAtom[];
}

/**
 * Parses a set (or a bare atom standing for a one-element set) of `key` atoms holding
 * `min` to `max` elements; returns the sorted, distinct atoms.
 */
export function parseDatumAtoms(
  key: BaseType,
  wire: unknown,
  min: number,
  max: number,
  where?: ValueLocation,
  opts?: CheckOptions,
): WireAtom[] {
  return parseDatumParts(key, undefined, min, max, wire, where, opts).keys;
}

/**
 * Parses a datum of key type `key` (and value type `value` for maps) with `min` to
 * `max` elements, in RFC 7047 notation: `["map", [[k, v], ...]]` for maps,
 * `["set", [...]]` or a bare atom otherwise. Throws {@link InvalidValueError}.
 */
export function parseDatumParts(
  key: BaseType,
  value: BaseType | undefined,
  min: number,
  max: number,
  wire: unknown,
  where?: ValueLocation,
  opts?: CheckOptions,
): ParsedDatum {
  const isMap = value !== undefined;
  if (!isMap && !(Array.isArray(wire) && wire.length > 0 && wire[0] === 'set')) {
    return { keys: [parseAtom(key, wire, where, opts)] };
  }
  const kind = isMap ? 'map' : 'set';
  if (!Array.isArray(wire) || wire.length !== 2 || wire[0] !== kind || !Array.isArray(wire[1])) {
    throw new InvalidValueError('syntax', `expected ["${kind}", <array>]`, wire, where);
  }
  const elements = wire[1] as unknown[];
  const n = elements.length;
  if (n < min || n > max) {
    const upper = max === Number.POSITIVE_INFINITY ? UNLIMITED_TEXT : String(max);
    throw new InvalidValueError(
      'syntax',
      `${kind} must have ${min} to ${upper} members but ${n} are present`,
      wire,
      where,
    );
  }
  const keys = new Array<WireAtom>(n);
  const values = isMap ? new Array<WireAtom>(n) : undefined;
  for (let i = 0; i < n; i++) {
    const element = elements[i];
    if (values !== undefined) {
      if (!Array.isArray(element) || element.length !== 2) {
        throw new InvalidValueError('syntax', 'expected 2-element array', element, where);
      }
      keys[i] = parseAtom(key, element[0], where, opts);
      values[i] = parseAtom(value as BaseType, element[1], where, opts);
    } else {
      keys[i] = parseAtom(key, element, where, opts);
    }
  }
  return sortUnique(keys, values, kind, wire, where);
}

function sortUnique(
  keys: WireAtom[],
  values: WireAtom[] | undefined,
  kind: 'set' | 'map',
  wire: unknown,
  where?: ValueLocation,
): ParsedDatum {
  const n = keys.length;
  if (n < 2) return values === undefined ? { keys } : { keys, values };
  let sorted = true;
  for (let i = 1; i < n && sorted; i++)
    sorted = compareAtoms(keys[i - 1] as WireAtom, keys[i] as WireAtom) < 0;
  if (sorted) return values === undefined ? { keys } : { keys, values };
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => compareAtoms(keys[a] as WireAtom, keys[b] as WireAtom));
  const outKeys = new Array<WireAtom>(n);
  const outValues = values === undefined ? undefined : new Array<WireAtom>(n);
  for (let i = 0; i < n; i++) {
    const from = order[i] as number;
    outKeys[i] = keys[from] as WireAtom;
    if (outValues !== undefined) outValues[i] = (values as WireAtom[])[from] as WireAtom;
    if (i > 0 && compareAtoms(outKeys[i - 1] as WireAtom, outKeys[i] as WireAtom) === 0) {
      const reason = kind === 'map' ? 'map contains duplicate key' : 'set contains duplicate';
      throw new InvalidValueError('duplicate', reason, wire, where);
    }
  }
  return outValues === undefined ? { keys: outKeys } : { keys: outKeys, values: outValues };
}
