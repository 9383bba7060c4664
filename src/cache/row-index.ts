/**
 * Indexes over one table of the replica: the schema's unique indexes and any the client
 * declares (on any columns, on keys of map columns, unique or not). Kept up to date row by
 * row as changes are applied, so a look-up never scans the table.
 */
import { OvndbError } from '../errors.js';
import type { ColumnOf, IsMap } from '../model/typed-clauses.js';

/** The map columns of `Row` (any name for untyped rows). */
type MapColumnOf<Row> =
  string extends ColumnOf<Row>
    ? string
    : { [C in ColumnOf<Row>]: IsMap<Row[C]> extends true ? C : never }[ColumnOf<Row>];

/**
 * One part of an index key: a column of `Row`, or one key of a map column of `Row`. Untyped
 * (any column name) unless a row type is given.
 */
export type IndexPart<Row = Record<string, unknown>> =
  | ColumnOf<Row>
  | { readonly column: MapColumnOf<Row>; readonly key: string };

/** An index declared by the client, on the columns of `Row`. */
export interface IndexSpec<Row = Record<string, unknown>> {
  /** The name look-ups use. */
  readonly name: string;
  /** The parts of the key, in order. */
  readonly columns: ReadonlyArray<IndexPart<Row>>;
}

/** A look-up named an index the table does not have. */
export class UnknownIndexError extends OvndbError {
  constructor(
    readonly table: string,
    readonly index: string,
  ) {
    super('OVNDB_UNKNOWN_INDEX', `table ${table} has no index ${index}`, { details: { table, index } });
  }
}

/** A look-up gave a different number of values than the index has parts. */
export class IndexArityError extends OvndbError {
  constructor(
    readonly table: string,
    readonly index: string,
    readonly expected: number,
    readonly given: number,
  ) {
    super('OVNDB_INDEX_ARITY', `index ${index} of table ${table} takes ${expected} value(s), got ${given}`, {
      details: { table, index, expected, given },
    });
  }
}

function partColumn(part: IndexPart): string {
  return typeof part === 'string' ? part : part.column;
}

// Sets (arrays) and non-string maps are keyed by their sorted JSON; scalars are their own key.
function valueKey(value: unknown): unknown {
  if (Array.isArray(value)) return JSON.stringify([...value].sort());
  if (value instanceof Map) return JSON.stringify([...value].sort());
  if (value !== null && typeof value === 'object') {
    return JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return value;
}

function partValue(row: Readonly<Record<string, unknown>>, part: IndexPart): unknown {
  if (typeof part === 'string') return row[part];
  const map = row[part.column];
  if (map instanceof Map) return map.get(part.key);
  return map === undefined
    ? undefined
    : Object.hasOwn(map as object, part.key)
      ? (map as Record<string, unknown>)[part.key]
      : undefined;
}

/** Row UUIDs by key; a key with one row holds the UUID itself (unique indexes stay small). */
export class RowIndex {
  private readonly entries = new Map<unknown, string | Set<string>>();
  /** The columns whose change can move a row in this index. */
  readonly columns: ReadonlySet<string>;

  constructor(
    readonly table: string,
    readonly name: string,
    readonly parts: ReadonlyArray<IndexPart>,
  ) {
    this.columns = new Set(parts.map(partColumn));
  }

  /** The key of `row`, or of the look-up values `values` (one per part). */
  keyOfValues(values: ReadonlyArray<unknown>): unknown {
    if (values.length !== this.parts.length) {
      throw new IndexArityError(this.table, this.name, this.parts.length, values.length);
    }
    if (values.length === 1) return valueKey(values[0]);
    return JSON.stringify(values.map((v) => valueKey(v) ?? null));
  }

  private keyOfRow(row: Readonly<Record<string, unknown>>): unknown {
    const parts = this.parts;
    if (parts.length === 1) return valueKey(partValue(row, parts[0] as IndexPart));
    return JSON.stringify(parts.map((p) => valueKey(partValue(row, p)) ?? null));
  }

  /** Adds `row` under its key. */
  add(uuid: string, row: Readonly<Record<string, unknown>>): void {
    const key = this.keyOfRow(row);
    const found = this.entries.get(key);
    if (found === undefined) this.entries.set(key, uuid);
    else if (typeof found === 'string') {
      if (found !== uuid) this.entries.set(key, new Set([found, uuid]));
    } else found.add(uuid);
  }

  /** Removes `row` (as it was when added) from its key. */
  remove(uuid: string, row: Readonly<Record<string, unknown>>): void {
    const key = this.keyOfRow(row);
    const found = this.entries.get(key);
    if (found === undefined) return;
    if (typeof found === 'string') {
      if (found === uuid) this.entries.delete(key);
      return;
    }
    found.delete(uuid);
    if (found.size === 1) this.entries.set(key, found.values().next().value as string);
  }

  /** UUIDs of the rows whose key equals that of `values`. */
  lookup(values: ReadonlyArray<unknown>): ReadonlyArray<string> {
    const found = this.entries.get(this.keyOfValues(values));
    if (found === undefined) return [];
    return typeof found === 'string' ? [found] : Array.from(found);
  }

  /** Forgets every row. */
  clear(): void {
    this.entries.clear();
  }
}
