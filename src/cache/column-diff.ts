/**
 * Applies one column of an update2 `modify` diff (ovsdb-server(7)): a scalar or an optional
 * value is replaced; a set toggles each listed element; a map adds absent keys,
 * removes keys listed with their current value and rewrites keys listed with another value.
 *
 * The cost is that of the diff, not of the column: small collections are copied (a copy of a
 * few dozen elements costs less than any bookkeeping), and a collection that grows past
 * {@link BIG_COLLECTION} elements moves into a versioned set or map, where a new version costs
 * only the diff and every older version stays readable for events still holding it.
 */

import { codecFailure } from '../model/codec-failure.js';
import { decodeValue } from '../model/row-codec.js';
import { type ColumnCodec, EMPTY_RECORD, EMPTY_SET } from './column-codec.js';
import { VersionedMap } from './versioned-map.js';
import { VersionedSet } from './versioned-set.js';

/** Collections at least this big are kept versioned instead of being copied on change. */
export const BIG_COLLECTION = 64;

/** A column value as the store keeps it: the typed value, or a versioned big collection. */
export type StoredValue = unknown;

/** True when a stored value is a versioned collection that rows expose through a getter. */
export function isVersioned(
  value: StoredValue,
): value is VersionedSet<unknown> | VersionedMap<unknown, unknown> {
  return value instanceof VersionedSet || value instanceof VersionedMap;
}

/** The typed value a row shows for a versioned collection (built once per version). */
export function materialize(
  codec: ColumnCodec,
  value: VersionedSet<unknown> | VersionedMap<unknown, unknown>,
): unknown {
  if (value instanceof VersionedSet) return value.size === 0 ? EMPTY_SET : value.toArray();
  if (codec.recordMap) return value.size === 0 ? EMPTY_RECORD : value.toRecord();
  return value.toMap();
}

function decodeDiff(codec: ColumnCodec, wire: unknown): unknown {
  return decodeValue(codec.diffType, wire, codec.where);
}

// For a column of at most one value, ovsdb-server sends the new value itself when the column
// had one (an empty set to clear it), and the value to add when it was empty.
function patchOptional(codec: ColumnCodec, wire: unknown): unknown {
  const elements = decodeDiff(codec, wire) as unknown[];
  if (elements.length > 1)
    codecFailure('more than one value for an optional column', wire, codec.where.table, codec.name);
  return elements[0];
}

function toggleSet(codec: ColumnCodec, current: StoredValue, wire: unknown): StoredValue {
  const elements = decodeDiff(codec, wire) as unknown[];
  if (current instanceof VersionedSet) return current.toggle(elements);
  const array = current as readonly unknown[];
  if (array.length + elements.length >= BIG_COLLECTION) return VersionedSet.of(array).toggle(elements);
  const set = new Set(array);
  for (const e of elements) {
    if (!set.delete(e)) set.add(e);
  }
  return set.size === 0 ? EMPTY_SET : Array.from(set);
}

function diffPairs(decoded: unknown): Array<readonly [unknown, unknown]> {
  if (decoded instanceof Map) return Array.from(decoded);
  return Object.entries(decoded as Record<string, unknown>);
}

// `obj[k] = v` with k === '__proto__' would replace the prototype instead of adding an entry.
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function applyRecordDiff(
  current: Readonly<Record<string, unknown>>,
  pairs: ReadonlyArray<readonly [unknown, unknown]>,
) {
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(current)) setOwn(next, key, current[key]);
  for (const [k, v] of pairs) {
    const key = k as string;
    if (Object.hasOwn(next, key) && next[key] === v) delete next[key];
    else setOwn(next, key, v);
  }
  return Object.keys(next).length === 0 ? EMPTY_RECORD : next;
}

function applyMapDiff(
  current: ReadonlyMap<unknown, unknown>,
  pairs: ReadonlyArray<readonly [unknown, unknown]>,
) {
  const next = new Map(current);
  for (const [k, v] of pairs) {
    if (next.has(k) && next.get(k) === v) next.delete(k);
    else next.set(k, v);
  }
  return next;
}

function sizeOf(codec: ColumnCodec, value: unknown): number {
  return codec.recordMap
    ? Object.keys(value as object).length
    : (value as ReadonlyMap<unknown, unknown>).size;
}

function mapEntries(codec: ColumnCodec, value: unknown): Iterable<readonly [unknown, unknown]> {
  return codec.recordMap ? Object.entries(value as object) : (value as ReadonlyMap<unknown, unknown>);
}

function patchMap(codec: ColumnCodec, current: StoredValue, wire: unknown): StoredValue {
  const decoded = decodeDiff(codec, wire);
  // Like an optional value, a map of at most one pair that had one is sent whole.
  if (codec.type.max === 1 && sizeOf(codec, current) > 0) {
    return sizeOf(codec, decoded) === 0 ? codec.defaultValue : decoded;
  }
  const pairs = diffPairs(decoded);
  if (current instanceof VersionedMap) return current.applyDiff(pairs);
  if (sizeOf(codec, current) + pairs.length >= BIG_COLLECTION) {
    return VersionedMap.of(mapEntries(codec, current)).applyDiff(pairs);
  }
  return codec.recordMap
    ? applyRecordDiff(current as Readonly<Record<string, unknown>>, pairs)
    : applyMapDiff(current as ReadonlyMap<unknown, unknown>, pairs);
}

/**
 * The value of a column after diff `wire`, from its stored value `current` (the typed value,
 * or a versioned collection). Throws `InvalidValueError` when the diff does not fit the column.
 */
export function applyColumnDiff(codec: ColumnCodec, current: StoredValue, wire: unknown): StoredValue {
  switch (codec.shape) {
    case 'scalar':
      return decodeValue(codec.type, wire, codec.where);
    case 'optional':
      return patchOptional(codec, wire);
    case 'set':
      return toggleSet(codec, current, wire);
    case 'map':
      return patchMap(codec, current, wire);
  }
}
