/**
 * Canonical text of database rows for {@link ../nb-dump-diff.js}: the same state written by
 * two different clients must render identically although every `_uuid` differs. So UUIDs are
 * never printed: a reference to a row that has an identity (a unique `name`, or the columns of
 * the table's first index) is printed as that identity, `Logical_Router_Port{name="lrp1"}`,
 * since that row is itself compared column by column in its own table; a reference to any
 * other row (a static route, a NAT rule) is printed as that row's whole content, references
 * inside it rendered the same way, with cycles cut.
 */

/** A row as the server sent it (wire notation), with `_uuid`. */
export type RawRow = Readonly<Record<string, unknown>>;

/** Everything read from one database, before rendering. */
export interface RawDatabase {
  /** Rows per table (every table of the schema, empty ones too). */
  readonly tables: ReadonlyMap<string, readonly RawRow[]>;
  /** Identity candidates per table: the first index, or `name` when the table has such a column. */
  readonly identityColumns: ReadonlyMap<string, readonly string[]>;
  /**
   * Set columns that may hold more than one element, per table: their differences are listed
   * element by element (the wire sends a one-element set as its bare atom, so the schema says).
   */
  readonly setColumns?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A rendered column value; `items` (sorted) when it is a set or a map. */
export interface RenderedValue {
  readonly text: string;
  readonly items?: readonly string[];
}

/** A rendered row: its columns (without `_uuid`/`_version`/ignored), text, and identity if any. */
export interface RenderedRow {
  readonly columns: ReadonlyMap<string, RenderedValue>;
  /** `col=value, ...` over every rendered column, in column order: the row's full canonical form. */
  readonly text: string;
  /** `{name="r1"}` when the table has an identity, else undefined. */
  readonly identity?: string;
}

/** Rendering choices shared by both sides of a comparison. */
export interface RenderContext {
  /** Columns left out, per table. */
  readonly ignore: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tables whose rows are identified (and referred to) by these columns. */
  readonly identities: ReadonlyMap<string, readonly string[]>;
}

const EMPTY = new Set<string>();

/**
 * The identity columns usable for each table: a candidate is kept only when no candidate
 * column is ignored and its values are unique within every database given (a `name` column
 * is not always unique: ACLs share empty names).
 */
export function chooseIdentities(
  databases: readonly RawDatabase[],
  ignore: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, readonly string[]> {
  const chosen = new Map<string, readonly string[]>();
  const tables = new Set(databases.flatMap((db) => [...db.identityColumns.keys()]));
  for (const table of tables) {
    const columns = databases.map((db) => db.identityColumns.get(table)).find((c) => c !== undefined);
    if (columns === undefined || columns.some((c) => ignore.get(table)?.has(c))) continue;
    const unique = databases.every((db) => {
      const seen = new Set<string>();
      for (const row of db.tables.get(table) ?? []) {
        const key = JSON.stringify(columns.map((c) => row[c]));
        if (seen.has(key)) return false;
        seen.add(key);
      }
      return true;
    });
    if (unique) chosen.set(table, columns);
  }
  return chosen;
}

/** Renders every row of `db`; rows of each table sorted by their text. */
export function renderDatabase(db: RawDatabase, context: RenderContext): Map<string, RenderedRow[]> {
  const renderer = new Renderer(db, context);
  const out = new Map<string, RenderedRow[]>();
  for (const [table, rows] of db.tables) {
    const rendered = rows.map((row) => renderer.row(table, row));
    rendered.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    out.set(table, rendered);
  }
  return out;
}

function uuidOf(value: unknown): string {
  return Array.isArray(value) && value[0] === 'uuid' ? String(value[1]) : String(value);
}

class Renderer {
  private readonly byUuid = new Map<string, { table: string; row: RawRow }>();
  private readonly setColumns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Reference texts computed without meeting a cycle (those depend on the path, so are not kept). */
  private readonly references = new Map<string, string>();
  private readonly visiting = new Set<string>();
  private cycleSeen = false;

  constructor(
    db: RawDatabase,
    private readonly context: RenderContext,
  ) {
    this.setColumns = db.setColumns ?? new Map();
    for (const [table, rows] of db.tables) {
      for (const row of rows) this.byUuid.set(uuidOf(row._uuid), { table, row });
    }
  }

  row(table: string, row: RawRow): RenderedRow {
    const columns = this.columns(table, row);
    const identityColumns = this.context.identities.get(table);
    const text = [...columns].map(([column, value]) => `${column}=${value.text}`).join(', ');
    if (identityColumns === undefined) return { columns, text };
    const identity = `{${identityColumns.map((c) => `${c}=${columns.get(c)?.text ?? '?'}`).join(', ')}}`;
    return { columns, text, identity };
  }

  private columns(table: string, row: RawRow): Map<string, RenderedValue> {
    const ignored = this.context.ignore.get(table) ?? EMPTY;
    const sets = this.setColumns.get(table) ?? EMPTY;
    const out = new Map<string, RenderedValue>();
    for (const column of Object.keys(row).sort()) {
      if (column === '_uuid' || column === '_version' || ignored.has(column)) continue;
      const value = this.value(row[column]);
      out.set(
        column,
        sets.has(column) && value.items === undefined ? { ...value, items: [value.text] } : value,
      );
    }
    return out;
  }

  private value(value: unknown): RenderedValue {
    if (Array.isArray(value)) {
      const [tag, body] = value as [unknown, unknown];
      if (tag === 'uuid') return { text: this.reference(String(body)) };
      if (tag === 'named-uuid') return { text: `named-uuid:${String(body)}` };
      if (tag === 'set') {
        const items = (body as unknown[]).map((item) => this.value(item).text).sort();
        // A one-element set and its atom are the same OVSDB value.
        return { text: items.length === 1 ? (items[0] as string) : `[${items.join(', ')}]`, items };
      }
      if (tag === 'map') {
        const items = (body as Array<[unknown, unknown]>)
          .map(([k, v]) => `${this.value(k).text}=${this.value(v).text}`)
          .sort();
        return { text: `{${items.join(', ')}}`, items };
      }
    }
    return { text: JSON.stringify(value) };
  }

  private reference(uuid: string): string {
    const known = this.references.get(uuid);
    if (known !== undefined) return known;
    const target = this.byUuid.get(uuid);
    if (target === undefined) return 'uuid:<no such row>';
    const identityColumns = this.context.identities.get(target.table);
    if (identityColumns !== undefined) {
      const text = `${target.table}{${identityColumns
        .map((c) => `${c}=${this.value(target.row[c]).text}`)
        .join(', ')}}`;
      this.references.set(uuid, text);
      return text;
    }
    if (this.visiting.has(uuid)) {
      this.cycleSeen = true;
      return `${target.table}{<cycle>}`;
    }
    const outerCycle = this.cycleSeen;
    this.cycleSeen = false;
    this.visiting.add(uuid);
    const columns = this.columns(target.table, target.row);
    this.visiting.delete(uuid);
    // Empty values are left out of references to keep lines short; the row itself, in its
    // own table, is still compared on every column.
    const text = `${target.table}{${[...columns]
      .filter(([, v]) => v.text !== '[]' && v.text !== '{}' && v.text !== '""')
      .map(([column, v]) => `${column}=${v.text}`)
      .join(', ')}}`;
    if (!this.cycleSeen) this.references.set(uuid, text);
    this.cycleSeen ||= outerCycle;
    return text;
  }
}
