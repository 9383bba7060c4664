/**
 * The synchronous read side of a transaction: a replica seen through the transaction's own
 * writes (write-overlay.ts). It has the read methods of a `Replica`, so code written to plan
 * against a replica (the OVN helpers) plans against a transaction unchanged, and sees what
 * the transaction wrote before.
 *
 * Reads are recorded for verification at commit (read-set.ts). A row read by UUID, by index or
 * by `where` is handed out behind a proxy that notes each column read of it: at commit the row
 * must still exist with those columns as read (the columns of the row underneath, before this
 * transaction's own writes). An index look-up also has the set of rows its key selects
 * verified. Whole-table reads (`list`, `rows`, `count`, and the rows `where` tests) are not
 * verified: read rows by UUID or index when the decision depends on them.
 */

import { type IndexSpec, RowIndex, UnknownIndexError } from '../cache/row-index.js';
import type { IndexName, IndexValues, NoClientIndexes } from '../cache/typed-indexes.js';
import { entryOf, newMap } from '../entry-of.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { encodeValue } from '../model/row-encode.js';
import type { Condition } from '../protocol/conditions.js';
import type { WireValue } from '../protocol/notation.js';
import type { DatabaseSchema } from '../protocol/schema.js';
import type { ReadSet } from './read-set.js';
import type { WriteOverlay } from './write-overlay.js';

type Row = Record<string, unknown>;

/**
 * What the view reads underneath: the read methods of a `Replica` (which fits as it is). The
 * column types come from the replica's server schema view.
 */
export interface SnapshotReader {
  get(table: string, uuid: string): unknown;
  rows(table: string): IterableIterator<unknown>;
  count(table: string): number;
  find(table: string, index: string, ...values: unknown[]): unknown[];
  indexes(table: string): string[];
  has(table: string, column?: string): boolean;
  /** The parts of index `index` of `table` (columns, or keys of map columns). */
  indexParts?(
    table: string,
    index: string,
  ): ReadonlyArray<string | { column: string; key: string }> | undefined;
  /** Adds a client index unless the table has one of that name (a replica's `ensureIndex`). */
  ensureIndex?(table: string, spec: IndexSpec): boolean;
  /** The server's schema (a replica's `view`): without it, index look-ups are not verified. */
  readonly view?: { readonly server: DatabaseSchema };
}

/** A replica as a transaction leaves it. Obtain it as `txn.view`. */
export class TransactionView<T extends object> {
  /** Rows handed out behind their recording proxy, by the row object, so a row reads as the same object twice. */
  private readonly proxies = new WeakMap<Row, Row>();
  /**
   * Index look-ups recorded so far, by table, then index: the key itself for a one-part key (a
   * string, number or boolean), else the key as JSON. Each is verified once.
   */
  private readonly lookupsRecorded = new Map<string, Map<string, Set<unknown>>>();

  /** @internal made by the transaction */
  static create<T extends object>(
    model: DatabaseModel<T>,
    base: SnapshotReader,
    overlay: WriteOverlay,
    reads: ReadSet | undefined,
  ): TransactionView<T> {
    return new TransactionView<T>(
      model as unknown as DatabaseModel<Record<string, unknown>>,
      base,
      overlay,
      reads,
    );
  }

  // Private, so that the published declarations offer no constructor (`create` is internal).
  private constructor(
    private readonly model: DatabaseModel<Record<string, unknown>>,
    private readonly base: SnapshotReader,
    private readonly overlay: WriteOverlay,
    private readonly reads: ReadSet | undefined,
  ) {}

  private unverifiedView: TransactionView<T> | undefined;

  /**
   * The same view without recording: what is read through it is not verified at commit. For a
   * planner whose operations compose with any concurrent change of what it reads, such as a
   * relative `mutate` of a set column (adding one port to a group of 5,000 must not verify
   * the other 4,999): it verifies, through this view itself, only what its decision rests on.
   */
  get unverified(): TransactionView<T> {
    if (this.reads === undefined) return this;
    this.unverifiedView ??= new TransactionView<T>(
      this.model as unknown as DatabaseModel<Record<string, unknown>>,
      this.base,
      this.overlay,
      undefined,
    ) as TransactionView<T>;
    return this.unverifiedView;
  }

  /** The row of `table` with UUID `uuid` as the transaction leaves it, or undefined. Verified at commit. */
  get<K extends keyof T & string>(table: K, uuid: string): T[K] | undefined {
    const base = this.base.get(table, uuid) as Row | undefined;
    return this.handOut(table, uuid, base, this.overlay.row(table, uuid, base)) as T[K] | undefined;
  }

  /** Every row of `table` as the transaction leaves it (not verified: a scan). */
  list<K extends keyof T & string>(table: K): T[K][] {
    return [...this.rows(table)];
  }

  /** Iterates the rows of `table` as the transaction leaves it (not verified: a scan). */
  *rows<K extends keyof T & string>(table: K): IterableIterator<T[K]> {
    const overlay = this.overlay;
    if (!overlay.wrote(table)) {
      yield* this.base.rows(table) as IterableIterator<T[K]>;
      return;
    }
    for (const base of this.base.rows(table)) {
      const row = overlay.row(table, (base as Row)._uuid as string, base as Row);
      if (row !== undefined) yield row as T[K];
    }
    yield* overlay.insertedRows(table) as Iterable<T[K]>;
  }

  /** Number of rows of `table` as the transaction leaves it. */
  count<K extends keyof T & string>(table: K): number {
    if (!this.overlay.wrote(table)) return this.base.count(table);
    let n = 0;
    for (const _ of this.rows(table)) n++;
    return n;
  }

  /** Rows of `table` for which `predicate` holds (a scan); the rows returned are verified at commit. */
  where<K extends keyof T & string>(table: K, predicate: (row: T[K]) => boolean): T[K][] {
    const out: T[K][] = [];
    for (const row of this.rows(table)) {
      if (!predicate(row)) continue;
      const uuid = (row as Row)._uuid as string;
      out.push(this.handOut(table, uuid, this.base.get(table, uuid) as Row | undefined, row as Row) as T[K]);
    }
    return out;
  }

  /**
   * Rows of `table` whose key in index `index` equals `values`, as the transaction leaves it.
   * Verified at commit: the rows the key selected underneath, and each row returned.
   */
  find<K extends keyof T & string, N extends IndexName<T, NoClientIndexes, K>>(
    table: K,
    index: N,
    ...values: IndexValues<T, NoClientIndexes, K, N>
  ): T[K][] {
    const key = values as unknown[];
    const found = this.base.find(table, index, ...key) as Row[];
    this.recordLookup(table, index, key, found);
    const overlay = this.overlay;
    if (!overlay.wrote(table))
      return found.map((row) => this.handOut(table, row._uuid as string, row, row) as T[K]);
    // Rows the writes may have moved into or out of the key: look them up again, as changed.
    const candidates = new Map<string, Row>();
    for (const row of found) candidates.set(row._uuid as string, row);
    const touched = overlay.touched(table);
    const moved =
      touched === undefined ? [...this.base.rows(table)] : [...touched].map((u) => this.base.get(table, u));
    for (const row of moved) if (row !== undefined) candidates.set((row as Row)._uuid as string, row as Row);
    const byKey = new RowIndex(table, index, this.indexParts(table, index));
    const current = new Map<string, Row>();
    for (const [uuid, base] of candidates) {
      const row = overlay.row(table, uuid, base);
      if (row !== undefined) {
        current.set(uuid, row);
        byKey.add(uuid, row);
      }
    }
    for (const row of overlay.insertedRows(table)) {
      current.set(row._uuid as string, row);
      byKey.add(row._uuid as string, row);
    }
    const out: T[K][] = [];
    for (const uuid of byKey.lookup(key))
      out.push(this.handOut(table, uuid, candidates.get(uuid), current.get(uuid)) as T[K]);
    return out;
  }

  /** The one row {@link find} returns (the first, for a non-unique index), or undefined. */
  findOne<K extends keyof T & string, N extends IndexName<T, NoClientIndexes, K>>(
    table: K,
    index: N,
    ...values: IndexValues<T, NoClientIndexes, K, N>
  ): T[K] | undefined {
    return this.find(table, index, ...values)[0];
  }

  /** Index names of `table`. */
  indexes<K extends keyof T & string>(table: K): string[] {
    return this.base.indexes(table);
  }

  /**
   * Adds client index `spec` to `table` of the replica underneath unless it has an index of
   * that name (see `Replica.ensureIndex`); look-ups through the view on it are verified at
   * commit as those on schema indexes are. False when the index was there already.
   * @throws `UnknownIndexError` when the view reads something that cannot take indexes.
   */
  ensureIndex<K extends keyof T & string>(table: K, spec: IndexSpec<T[K]>): boolean {
    if (this.base.ensureIndex === undefined) throw new UnknownIndexError(table, spec.name);
    return this.base.ensureIndex(table, spec as unknown as IndexSpec);
  }

  /** True when the server has the table (and the column, when given). */
  has(table: string, column?: string): boolean {
    return this.base.has(table, column);
  }

  /**
   * `row` (row `uuid` of `table` as the transaction leaves it; `base` is the row underneath) as
   * handed to the reader: a row read underneath is recorded (it must still exist, or still be
   * absent) and wrapped in a proxy that records each column read of it with its value underneath.
   * Rows this transaction inserted are its own and handed out as they are.
   */
  private handOut(table: string, uuid: string, base: Row | undefined, row: Row | undefined): Row | undefined {
    const reads = this.reads;
    if (reads === undefined || this.overlay.inserted(table, uuid)) return row;
    const entry = reads.recordRead(table, uuid, base);
    if (row === undefined || base === undefined) return row;
    let proxy = this.proxies.get(row);
    if (proxy === undefined) {
      const columns = this.model.tables[table]?.columns;
      // The entry of this row stays the same for the attempt: a column read adds to it
      // directly, with no look-up of the row per property read.
      const read = entry.columns;
      proxy = new Proxy(row, {
        get(target, property, receiver) {
          if (typeof property === 'string' && columns?.has(property) === true) read.add(property);
          return Reflect.get(target, property, receiver);
        },
      });
      this.proxies.set(row, proxy);
    }
    return proxy;
  }

  private indexParts(table: string, index: string): ReadonlyArray<string | { column: string; key: string }> {
    return this.base.indexParts?.(table, index) ?? index.split('+');
  }

  /**
   * The look-ups of index `index` of `table` recorded so far, and the key `values` is among
   * them; undefined for a key that cannot be told apart cheaply (a set or map value, which
   * JSON says as `{}`): such a look-up is encoded every time.
   */
  private recordedLookups(
    table: string,
    index: string,
    values: readonly unknown[],
  ): { readonly seen: Set<unknown>; readonly key: unknown } | undefined {
    const key = plainKey(values);
    if (key === undefined) return undefined;
    const byIndex = entryOf(this.lookupsRecorded, table, newMap<string, Set<unknown>>);
    return { seen: entryOf(byIndex, index, newSet), key };
  }

  /**
   * Records the look-up as a `wait` on the index key, when every part can be said as a
   * condition. A look-up made before in the attempt (same index, same key) is recorded already:
   * the first one's rows are verified, so it is not encoded again.
   */
  private recordLookup(
    table: string,
    index: string,
    values: readonly unknown[],
    found: readonly Row[],
  ): void {
    if (this.reads === undefined) return;
    const recorded = this.recordedLookups(table, index, values);
    if (recorded?.seen.has(recorded.key) === true) return;
    // Marked once encoded: a key that fails to encode throws again the next time.
    this.encodeLookup(table, index, values, found);
    recorded?.seen.add(recorded.key);
  }

  /** The look-up as a `wait` on the index key, recorded for the commit. */
  private encodeLookup(
    table: string,
    index: string,
    values: readonly unknown[],
    found: readonly Row[],
  ): void {
    const reads = this.reads as ReadSet;
    const columns = this.base.view?.server.tables.get(table)?.columns;
    const parts = this.indexParts(table, index);
    if (columns === undefined || parts.length !== values.length) return;
    const where: Condition[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string | { column: string; key: string };
      const value = values[i];
      const column = typeof part === 'string' ? part : part.column;
      const type = columns.get(column)?.type;
      if (type === undefined || value === undefined) return;
      const place = { table, column };
      if (typeof part === 'string') {
        where.push([column, '==', encodeValue(type, value, place)] as Condition);
      } else {
        if (type.value === undefined) return;
        const pair = encodeValue(
          { key: type.key, value: type.value, min: 1, max: 1 },
          { [part.key]: value },
          place,
        );
        where.push([column, 'includes', pair as WireValue] as Condition);
      }
    }
    reads.recordLookup(
      table,
      where,
      found.map((row) => row._uuid as string),
      () =>
        parts
          .map(
            (part, i) =>
              `${typeof part === 'string' ? part : `${part.column}:${part.key}`} == ${JSON.stringify(values[i])}`,
          )
          .join(', '),
    );
  }
}

const newSet = (): Set<unknown> => new Set();

/** True for a value JSON says fully: a string, a number or a boolean. */
function isPlain(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean';
}

/**
 * Look-up key `values` as one value that tells keys apart: the value itself for one part, else
 * JSON; undefined when a part is not a string, number or boolean (JSON says a set or map as `{}`).
 */
function plainKey(values: readonly unknown[]): unknown {
  if (!values.every(isPlain)) return undefined;
  return values.length === 1 ? values[0] : JSON.stringify(values);
}
