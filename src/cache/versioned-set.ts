// A persistent set for the replica, built on "rerooting" (Baker's trick): all versions
// of one family share a single mutable JS Set, owned by the version that was read or
// written last (the root). Every other version keeps only a pointer toward the root and
// the elements whose membership differs from there. A new version costs O(diff) and a
// read of an old version costs the diff length along its path, never a whole copy.
//
// Set diffs are toggle lists (symmetric differences): toggles commute and are their own
// inverse, so moving the root across an edge re-uses the very same list for the way back.

const NO_DIFF: readonly never[] = Object.freeze([]);

/**
 * An immutable (to readers) set of OVSDB atoms (`string`, `number`, `boolean`, `bigint`;
 * equality as in a JS `Set`). Deriving a version with {@link VersionedSet.toggle} or
 * {@link VersionedSet.withChanges} costs O(size of the diff), and the version it came from
 * keeps reading as before, so a lagging consumer can hold an old row version cheaply.
 *
 * Versions of one family share storage: reading a version other than the one touched
 * last first replays the differences between them (proportional to the changes made in
 * between). Not safe to share across worker threads (it is mutated internally on read).
 */
export class VersionedSet<T> implements Iterable<T> {
  /** The shared storage; present only on the family's root version. */
  #data: Set<T> | undefined;
  /** The next version toward the root; absent on the root, which points nowhere. */
  #next: VersionedSet<T> | undefined = undefined;
  /** Elements in exactly one of this version and `#next` (empty on the root). */
  #diff: readonly T[] = NO_DIFF;
  /** Kept per version so `size` never needs the storage. */
  readonly #size: number;
  #array: readonly T[] | undefined = undefined;

  private constructor(data: Set<T>) {
    this.#data = data;
    this.#size = data.size;
  }

  /** A new family holding the distinct `items`. O(n), once. */
  static of<T>(items: Iterable<T>): VersionedSet<T> {
    return new VersionedSet(new Set(items));
  }

  /** A new, empty family (never shared: a shared root would pin its descendants' data). */
  static empty<T>(): VersionedSet<T> {
    return new VersionedSet(new Set<T>());
  }

  /** The number of elements in this version. O(1). */
  get size(): number {
    return this.#size;
  }

  /** Whether this version contains `value`. */
  has(value: T): boolean {
    return this.#reroot().has(value);
  }

  /**
   * A new version with every given element toggled (present: removed; absent: added),
   * the OVSDB `update2` "modify" semantics for sets. O(diff). `this` stays valid and
   * unchanged for readers. An element listed twice is toggled twice.
   */
  toggle(elements: Iterable<T>): VersionedSet<T> {
    // Copied before rerooting: iterating the input may itself read a version of this family.
    const list = Array.from(elements);
    if (list.length === 0) return this;
    const data = this.#reroot();
    for (const x of list) {
      if (!data.delete(x)) data.add(x);
    }
    return this.#handOver(data, list);
  }

  /**
   * A new version with `add` added, then `remove` removed (an element in both ends up
   * absent). Elements already present or absent are fine. O(add + remove). Returns `this`
   * when nothing changes.
   */
  withChanges(add: Iterable<T>, remove: Iterable<T>): VersionedSet<T> {
    const adding = Array.from(add);
    const removing = Array.from(remove);
    const data = this.#reroot();
    const changed: T[] = [];
    for (const x of adding) {
      const before = data.size;
      data.add(x);
      if (data.size !== before) changed.push(x);
    }
    for (const x of removing) {
      if (data.delete(x)) changed.push(x);
    }
    if (changed.length === 0) return this;
    return this.#handOver(data, changed);
  }

  /**
   * The elements as a frozen array, built on the first call and then returned as the same
   * object for as long as this version lives (versions never change, so it never goes stale).
   */
  toArray(): readonly T[] {
    this.#array ??= Object.freeze(Array.from(this.#reroot()));
    return this.#array;
  }

  /** Iterates this version's elements (over {@link VersionedSet.toArray}, so other versions may be read meanwhile). */
  [Symbol.iterator](): Iterator<T> {
    return this.toArray()[Symbol.iterator]();
  }

  /** `data` already holds the new version's elements; `diff` leads back to `this`. */
  #handOver(data: Set<T>, diff: readonly T[]): VersionedSet<T> {
    const newer = new VersionedSet(data);
    this.#data = undefined;
    this.#next = newer;
    this.#diff = diff;
    return newer;
  }

  /**
   * Makes this version the root and returns the storage. Iterative (a long chain of old
   * versions must not overflow the stack); costs the total diff length along the path.
   */
  #reroot(): Set<T> {
    if (this.#data !== undefined) return this.#data;
    const path: VersionedSet<T>[] = [];
    let node: VersionedSet<T> = this;
    while (node.#data === undefined) {
      path.push(node);
      node = node.#next!;
    }
    const data = node.#data;
    // Walk back from the root, moving the root one edge at a time; each edge's toggle
    // list is its own inverse, so it simply moves to the other end of the edge.
    for (let i = path.length - 1; i >= 0; i--) {
      const child = path[i]!;
      const diff = child.#diff;
      for (const x of diff) {
        if (!data.delete(x)) data.add(x);
      }
      node.#data = undefined;
      node.#next = child;
      node.#diff = diff;
      child.#data = data;
      child.#next = undefined;
      child.#diff = NO_DIFF;
      node = child;
    }
    return data;
  }
}
