/** What {@link entryOf} needs of a map: a `Map` or a `WeakMap`. */
export interface EntryMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/**
 * The value `map` holds for `key`, made by `make(key)` and put there the first time. `make`
 * takes the key so that a caller on a hot path can pass a function made once, not a closure
 * per call.
 */
export function entryOf<K, V>(map: EntryMap<K, V>, key: K, make: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make(key);
    map.set(key, value);
  }
  return value;
}

/** A new empty `Map`: `make` of {@link entryOf} for a map of maps. */
export const newMap = <K, V>(): Map<K, V> => new Map();
