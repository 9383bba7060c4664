/**
 * The rows of one monitored table and its indexes. Every change makes a new row object and
 * leaves the old one untouched, so a row handed out earlier (to a reader or in a change
 * event) never changes under its holder. The cost of a change is that of the columns it
 * touches: unchanged columns are shared between versions, and big sets and maps are versioned
 * (see column-diff.ts) instead of copied.
 */

import { OvndbError } from '../errors.js';
import { decodeValue } from '../model/row-codec.js';
import { isJsonObject } from '../protocol/json-members.js';
import type { TableSchema } from '../protocol/schema.js';
import { InvalidOperationError } from '../protocol/validation.js';
import type { RowChange } from './change.js';
import { type ColumnCodec, columnCodec, isEmptyCollection } from './column-codec.js';
import { applyColumnDiff, isVersioned, materialize, type StoredValue } from './column-diff.js';
import { type IndexPart, type IndexSpec, RowIndex, UnknownIndexError } from './row-index.js';
import type { VersionedMap } from './versioned-map.js';
import type { VersionedSet } from './versioned-set.js';

type Row = Record<string, unknown>;
type Versioned = VersionedSet<unknown> | VersionedMap<unknown, unknown>;
type WireRow = Readonly<Record<string, unknown>>;

/**
 * The server sent a change the replica cannot apply (e.g. a modify of a row it does not have,
 * or a message of the wrong shape). `uuid` is empty when the whole table's part is at fault.
 */
export class ReplicaInconsistencyError extends OvndbError {
  constructor(
    readonly table: string,
    readonly uuid: string,
    reason: string,
  ) {
    super('OVNDB_REPLICA_INCONSISTENT', `table ${table}${uuid === '' ? '' : `, row ${uuid}`}: ${reason}`, {
      details: { table, uuid },
    });
  }
}

/** Rows of one table by UUID, with indexes. */
export class TableStore {
  private readonly rows = new Map<string, Row>();
  /** Versioned big collections by row UUID, then column; only rows that have one appear. */
  private readonly versioned = new Map<string, Map<string, Versioned>>();
  private readonly codecs: ReadonlyArray<ColumnCodec>;
  private readonly codecByName: ReadonlyMap<string, ColumnCodec>;
  private readonly indexes = new Map<string, RowIndex>();
  /**
   * While a transaction is applied over several turns: each row it changed so far, as it was
   * before (null: absent). Reads answer from it, so they see the table as it was until the
   * whole transaction is in ({@link beginStaged}, {@link commitStaged}).
   */
  private before: Map<string, Row | null> | undefined;
  /** The row count before the staged transaction. */
  private sizeBefore = 0;
  /** Per index, built on the first look-up while staged: the `before` rows by key. */
  private beforeIndexes: Map<string, RowIndex> | undefined;

  /**
   * @param schema the table as the server has it (so columns a newer server adds decode too)
   * @param columns the monitored columns; all of the server's when omitted
   */
  constructor(
    readonly schema: TableSchema,
    columns?: ReadonlyArray<string>,
  ) {
    const names = columns ?? [...schema.columns.keys()].sort();
    this.codecs = names.map((name) => {
      const column = schema.columns.get(name);
      if (column === undefined)
        throw new InvalidOperationError('unknown-column', `table ${schema.name} has no column ${name}`, {
          operationIndex: -1,
          table: schema.name,
          column: name,
        });
      return columnCodec(schema.name, name, column.type);
    });
    this.codecByName = new Map(this.codecs.map((c) => [c.name, c]));
    for (const columns of schema.indexes) {
      if (columns.every((c) => this.codecByName.has(c))) this.addIndex({ name: columns.join('+'), columns });
    }
  }

  /** The table's name. */
  get name(): string {
    return this.schema.name;
  }

  /** The monitored column names. */
  get columnNames(): ReadonlyArray<string> {
    return this.codecs.map((c) => c.name);
  }

  /** Number of rows. */
  get size(): number {
    return this.before === undefined ? this.rows.size : this.sizeBefore;
  }

  /**
   * From now on changes are applied to the rows but reads keep answering as before them, until
   * {@link commitStaged}: a transaction applied over several turns is seen whole or not at all.
   * What a staged read costs besides the plain one is proportional to the rows changed so far.
   */
  beginStaged(): void {
    if (this.before !== undefined) return;
    this.before = new Map();
    this.sizeBefore = this.rows.size;
    this.beforeIndexes = undefined;
  }

  /** Reads see every change applied since {@link beginStaged}. */
  commitStaged(): void {
    this.before = undefined;
    this.beforeIndexes = undefined;
  }

  // Called before row `uuid` changes while staged: keeps what readers are to go on seeing.
  private keepBefore(uuid: string): void {
    const before = this.before as Map<string, Row | null>;
    if (before.has(uuid)) return;
    const old = this.rows.get(uuid) ?? null;
    before.set(uuid, old);
    if (old !== null && this.beforeIndexes !== undefined)
      for (const index of this.beforeIndexes.values()) index.add(uuid, old);
  }

  private beforeIndex(name: string): RowIndex {
    this.beforeIndexes ??= new Map();
    let index = this.beforeIndexes.get(name);
    if (index === undefined) {
      const live = this.indexes.get(name) as RowIndex;
      index = new RowIndex(this.name, name, live.parts);
      for (const [uuid, row] of this.before as Map<string, Row | null>)
        if (row !== null) index.add(uuid, row);
      this.beforeIndexes.set(name, index);
    }
    return index;
  }

  private *stagedValues(before: Map<string, Row | null>): IterableIterator<Row> {
    for (const [uuid, row] of this.rows) {
      if (!before.has(uuid)) yield row;
    }
    for (const row of before.values()) if (row !== null) yield row;
  }

  private *stagedUuids(before: Map<string, Row | null>): IterableIterator<string> {
    for (const uuid of this.rows.keys()) if (!before.has(uuid)) yield uuid;
    for (const [uuid, row] of before) if (row !== null) yield uuid;
  }

  /** Declares an index and fills it from the rows present. */
  addIndex(spec: IndexSpec): void {
    const index = new RowIndex(this.name, spec.name, spec.columns);
    for (const [uuid, row] of this.rows) index.add(uuid, row);
    this.indexes.set(spec.name, index);
  }

  /** The row with UUID `uuid`. */
  get(uuid: string): Row | undefined {
    const before = this.before;
    if (before?.has(uuid)) return before.get(uuid) ?? undefined;
    return this.rows.get(uuid);
  }

  /** Every row, in no particular order. */
  values(): IterableIterator<Row> {
    return this.before === undefined ? this.rows.values() : this.stagedValues(this.before);
  }

  /** UUIDs of the rows present. */
  uuids(): IterableIterator<string> {
    return this.before === undefined ? this.rows.keys() : this.stagedUuids(this.before);
  }

  /** UUIDs of the rows as applied so far, a staged transaction's changes included. */
  appliedUuids(): IterableIterator<string> {
    return this.rows.keys();
  }

  /** Rows whose key in index `name` equals `values`. */
  find(name: string, values: ReadonlyArray<unknown>): Row[] {
    const index = this.indexes.get(name);
    if (index === undefined) throw new UnknownIndexError(this.name, name);
    const out: Row[] = [];
    const before = this.before;
    for (const uuid of index.lookup(values)) {
      // A row the staged transaction changed is answered from its earlier form, below.
      if (before?.has(uuid)) continue;
      const row = this.rows.get(uuid);
      if (row !== undefined) out.push(row);
    }
    if (before !== undefined) {
      for (const uuid of this.beforeIndex(name).lookup(values)) {
        const row = before.get(uuid);
        if (row !== undefined && row !== null) out.push(row);
      }
    }
    return out;
  }

  /** True when the table has an index named `name`. */
  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  /** The parts of index `name`'s key, or undefined when the table has no such index. */
  indexParts(name: string): ReadonlyArray<IndexPart> | undefined {
    return this.indexes.get(name)?.parts;
  }

  /** Names of the indexes, schema ones first. */
  indexNames(): string[] {
    return [...this.indexes.keys()];
  }

  private decodeColumn(codec: ColumnCodec, wire: unknown): unknown {
    if (wire === undefined) return codec.defaultValue;
    if (codec.type.min === 0 && isEmptyCollection(wire)) return codec.defaultValue;
    return decodeValue(codec.type, wire, codec.where);
  }

  private build(uuid: string, wire: WireRow): Row {
    const row: Row = { _uuid: uuid };
    const version = wire._version;
    if (version !== undefined) row._version = this.versionOf(uuid, version);
    for (const codec of this.codecs) {
      const value = this.decodeColumn(codec, wire[codec.name]);
      if (value !== undefined) row[codec.name] = value;
    }
    return row;
  }

  private indexAdd(uuid: string, row: Row, only?: ReadonlySet<string>): void {
    for (const index of this.indexes.values()) {
      if (only === undefined || touches(index, only)) index.add(uuid, row);
    }
  }

  private indexRemove(uuid: string, row: Row, only?: ReadonlySet<string>): void {
    for (const index of this.indexes.values()) {
      if (only === undefined || touches(index, only)) index.remove(uuid, row);
    }
  }

  /**
   * Puts full row `wire` (update2 `initial`/`insert`, or update `new`) in place. Returns the
   * change, an update when the row was already present.
   */
  put(uuid: string, wire: WireRow, initial: boolean): RowChange {
    // A peer's row that is not an object would otherwise become a row of defaults.
    if (!isJsonObject(wire))
      throw new ReplicaInconsistencyError(this.name, uuid, 'the row is not a JSON object');
    const row = this.build(uuid, wire);
    if (this.before !== undefined) this.keepBefore(uuid);
    const old = this.rows.get(uuid);
    if (old !== undefined) {
      this.indexRemove(uuid, old);
      this.versioned.delete(uuid);
    }
    this.rows.set(uuid, row);
    this.indexAdd(uuid, row);
    if (old !== undefined) {
      return { kind: 'update', table: this.name, uuid, old, new: row, columns: Object.keys(wire) };
    }
    return { kind: 'insert', table: this.name, uuid, new: row, initial };
  }

  /** Applies update2 `modify` diff `diff` to row `uuid`. */
  modify(uuid: string, diff: WireRow): RowChange {
    const old = this.rows.get(uuid);
    if (old === undefined)
      throw new ReplicaInconsistencyError(this.name, uuid, 'modify of a row the replica does not have');
    // A diff that is not an object would otherwise be read as "no column changed", or throw a TypeError.
    if (!isJsonObject(diff))
      throw new ReplicaInconsistencyError(this.name, uuid, 'the diff is not a JSON object');
    const oldVersioned = this.versioned.get(uuid);
    const next: Row = { _uuid: uuid };
    const version = diff._version === undefined ? old._version : this.versionOf(uuid, diff._version);
    if (version !== undefined) next._version = version;
    let nextVersioned: Map<string, Versioned> | undefined;
    const changed: string[] = [];
    for (const codec of this.codecs) {
      const name = codec.name;
      let value: StoredValue = oldVersioned?.get(name) ?? old[name] ?? codec.defaultValue;
      const wire = diff[name];
      if (wire !== undefined) {
        value = applyColumnDiff(codec, value, wire);
        changed.push(name);
      }
      if (isVersioned(value)) {
        nextVersioned ??= new Map();
        nextVersioned.set(name, value);
        defineVersioned(next, codec, value);
      } else if (value !== undefined) {
        next[name] = value;
      }
    }
    if (nextVersioned === undefined) this.versioned.delete(uuid);
    else this.versioned.set(uuid, nextVersioned);
    const columns = new Set(changed);
    if (this.before !== undefined) this.keepBefore(uuid);
    this.indexRemove(uuid, old, columns);
    this.rows.set(uuid, next);
    this.indexAdd(uuid, next, columns);
    return { kind: 'update', table: this.name, uuid, old, new: next, columns: changed };
  }

  /** Removes row `uuid`; undefined when the replica did not have it. */
  delete(uuid: string): RowChange | undefined {
    const old = this.rows.get(uuid);
    if (old === undefined) return undefined;
    if (this.before !== undefined) this.keepBefore(uuid);
    this.indexRemove(uuid, old);
    this.rows.delete(uuid);
    this.versioned.delete(uuid);
    return { kind: 'delete', table: this.name, uuid, old };
  }

  // ovsdb-server reports `_version` with every insert and modify, monitored or not. Anything
  // but ["uuid", <string>] is refused: reading its second element blindly kept one character of
  // a string, or undefined, as the row's version.
  private versionOf(uuid: string, wire: unknown): string {
    if (Array.isArray(wire) && wire.length === 2 && wire[0] === 'uuid' && typeof wire[1] === 'string')
      return wire[1];
    throw new ReplicaInconsistencyError(this.name, uuid, '_version is not ["uuid", <string>]');
  }

  /** Forgets every row (no changes reported). */
  clear(): void {
    this.commitStaged();
    this.rows.clear();
    this.versioned.clear();
    for (const index of this.indexes.values()) index.clear();
  }
}

function touches(index: RowIndex, columns: ReadonlySet<string>): boolean {
  for (const c of index.columns) if (columns.has(c)) return true;
  return false;
}

// The row shows a versioned collection as an ordinary array or object, built on first read.
function defineVersioned(row: Row, codec: ColumnCodec, value: Versioned): void {
  Object.defineProperty(row, codec.name, {
    enumerable: true,
    configurable: false,
    get: () => materialize(codec, value),
  });
}
