// A persistent map for the replica, built on "rerooting" (Baker's trick) like
// versioned-set.ts: one version per family (the root) owns the mutable JS Map, the others
// hold a pointer toward it and the writes that turn the next version back into themselves.
// New versions cost O(diff); reading an old one costs the diff length along its path.

/** One recorded write: `key` is set to `value` when `present`, otherwise deleted. */
interface Write<K, V> {
  key: K;
  present: boolean;
  value: V | undefined;
}

/** SameValueZero, the equality JS Map uses for keys, here applied to values. */
function sameValueZero(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: NaN is the only value unequal to itself.
  return a === b || (a !== a && b !== b);
}

/**
 * An immutable (to readers) map of OVSDB atoms to atoms (`string`, `number`, `boolean`,
 * `bigint`; key equality as in a JS `Map`). Deriving a version with
 * {@link VersionedMap.applyDiff} or {@link VersionedMap.withChanges} costs O(size of the
 * diff), and the version it came from keeps reading as before.
 *
 * Versions of one family share storage: reading a version other than the one touched last
 * first replays the writes between them. Not safe to share across worker threads.
 */
export class VersionedMap<K, V> implements Iterable<[K, V]> {
  /** The shared storage; present only on the family's root version. */
  #data: Map<K, V> | undefined;
  /** The next version toward the root; absent on the root, which points nowhere. */
  #next: VersionedMap<K, V> | undefined = undefined;
  /**
   * Writes that turn `#next`'s entries into this version's, applied last to first
   * (a key may repeat, and then order matters). Absent on the root.
   */
  #undo: Write<K, V>[] | undefined = undefined;
  /** Kept per version so `size` never needs the storage. */
  readonly #size: number;
  #record: Readonly<Record<string, V>> | undefined = undefined;
  #map: ReadonlyMap<K, V> | undefined = undefined;

  private constructor(data: Map<K, V>) {
    this.#data = data;
    this.#size = data.size;
  }

  /** A new family holding `entries` (a later duplicate key wins). O(n), once. */
  static of<K, V>(entries: Iterable<readonly [K, V]>): VersionedMap<K, V> {
    return new VersionedMap(new Map(entries));
  }

  /** A new, empty family (never shared: a shared root would pin its descendants' data). */
  static empty<K, V>(): VersionedMap<K, V> {
    return new VersionedMap(new Map<K, V>());
  }

  /** The number of entries in this version. O(1). */
  get size(): number {
    return this.#size;
  }

  /** Whether this version has `key`. */
  has(key: K): boolean {
    return this.#reroot().has(key);
  }

  /** The value of `key` in this version, or `undefined`. */
  get(key: K): V | undefined {
    return this.#reroot().get(key);
  }

  /**
   * A new version after an OVSDB `update2` map diff: for each pair, a missing key is
   * added; a key present with an equal value is deleted; a key present with another value
   * takes the new value. Pairs apply in order. O(diff). `this` stays unchanged for readers.
   */
  applyDiff(pairs: Iterable<readonly [K, V]>): VersionedMap<K, V> {
    // Copied before rerooting: iterating the input may itself read a version of this family.
    const list = Array.from(pairs);
    if (list.length === 0) return this;
    const data = this.#reroot();
    const undo: Write<K, V>[] = [];
    for (const [key, value] of list) {
      const old = data.get(key);
      const present = old !== undefined || data.has(key);
      undo.push({ key, present, value: old });
      if (present && sameValueZero(old, value)) data.delete(key);
      else data.set(key, value);
    }
    return this.#handOver(data, undo);
  }

  /**
   * A new version with the `set` pairs written, then the `remove` keys deleted (a key in
   * both ends up absent). O(set + remove). Returns `this` when nothing changes.
   */
  withChanges(set: Iterable<readonly [K, V]>, remove: Iterable<K>): VersionedMap<K, V> {
    const writing = Array.from(set);
    const removing = Array.from(remove);
    const data = this.#reroot();
    const undo: Write<K, V>[] = [];
    for (const [key, value] of writing) {
      const old = data.get(key);
      const present = old !== undefined || data.has(key);
      if (present && sameValueZero(old, value)) continue;
      undo.push({ key, present, value: old });
      data.set(key, value);
    }
    for (const key of removing) {
      if (!data.has(key)) continue;
      undo.push({ key, present: true, value: data.get(key) });
      data.delete(key);
    }
    if (undo.length === 0) return this;
    return this.#handOver(data, undo);
  }

  /**
   * The entries as a frozen plain object (meaningful for string keys), built once per
   * version and then returned as the same object. Built with `Object.fromEntries`, which
   * defines own properties, so a key `"__proto__"` is an ordinary entry, not a prototype.
   */
  toRecord(): Readonly<Record<string, V>> {
    this.#record ??= Object.freeze(Object.fromEntries(this.#reroot()) as Record<string, V>);
    return this.#record;
  }

  /** The entries as a JS Map, built once per version and then returned as the same object. */
  toMap(): ReadonlyMap<K, V> {
    this.#map ??= new Map(this.#reroot());
    return this.#map;
  }

  /** Iterates this version's entries (over {@link VersionedMap.toMap}, so other versions may be read meanwhile). */
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.toMap()[Symbol.iterator]();
  }

  /** `data` already holds the new version's entries; `undo` leads back to `this`. */
  #handOver(data: Map<K, V>, undo: Write<K, V>[]): VersionedMap<K, V> {
    const newer = new VersionedMap(data);
    this.#data = undefined;
    this.#next = newer;
    this.#undo = undo;
    return newer;
  }

  /**
   * Makes this version the root and returns the storage. Iterative (a long chain of old
   * versions must not overflow the stack); costs the total diff length along the path.
   */
  #reroot(): Map<K, V> {
    if (this.#data !== undefined) return this.#data;
    const path: VersionedMap<K, V>[] = [];
    let node: VersionedMap<K, V> = this;
    while (node.#data === undefined) {
      path.push(node);
      node = node.#next!;
    }
    const data = node.#data;
    for (let i = path.length - 1; i >= 0; i--) {
      const child = path[i]!;
      const undo = child.#undo!;
      // Apply last to first; each write is swapped in place for the entry it overwrote,
      // which is exactly the write leading back. Reversing keeps "last to first" valid.
      for (let j = undo.length - 1; j >= 0; j--) {
        const w = undo[j]!;
        const old = data.get(w.key);
        const present = old !== undefined || data.has(w.key);
        if (w.present) data.set(w.key, w.value as V);
        else data.delete(w.key);
        w.present = present;
        w.value = old;
      }
      undo.reverse();
      node.#data = undefined;
      node.#next = child;
      node.#undo = undo;
      child.#data = data;
      child.#next = undefined;
      child.#undo = undefined;
      node = child;
    }
    return data;
  }
}
