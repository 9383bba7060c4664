/**
 * Whole-database comparison for differential tests: build the same state with ovndb on one
 * server and with OVN's own tools (ovn-nbctl, ...) on another, then compare every table and
 * every column. Row UUIDs differ between the two, so `_uuid` and `_version` are left out and
 * every reference is replaced by a description of the row it points to (its own columns,
 * references described in turn), which is what makes the two comparable.
 */
import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';

/** One row: column name -> canonical text of its value (references described). */
export type DumpedRow = Readonly<Record<string, string>>;

/** A database as {@link dumpDatabase} read it. */
export interface DatabaseDump {
  readonly database: string;
  /** Rows of every table of the schema (empty tables included), in no particular order. */
  readonly tables: ReadonlyMap<string, readonly DumpedRow[]>;
}

/** Options of {@link diffDumps}. */
export interface DiffOptions {
  /** Columns left out of the comparison, per table. */
  readonly ignore?: Readonly<Record<string, readonly string[]>>;
}

type Wire = unknown;

/**
 * Reads every row of every table of `database`, through a connected client or a remote
 * (connected for the read, then closed).
 */
export async function dumpDatabase(source: OvsdbClient | string, database: string): Promise<DatabaseDump> {
  const client = typeof source === 'string' ? await connect(source) : source;
  try {
    const schema = await client.getSchema(database);
    const tableNames = [...schema.tables.keys()].sort();
    const results = (await client.transact(
      database,
      tableNames.map((table) => ({ op: 'select' as const, table, where: [] })),
      { validate: false },
    )) as Array<{ rows: Array<Record<string, Wire>> }>;
    const byUuid = new Map<string, { table: string; row: Record<string, Wire> }>();
    tableNames.forEach((table, i) => {
      for (const row of results[i]?.rows ?? []) byUuid.set(uuidOf(row._uuid), { table, row });
    });
    const describer = new Describer(byUuid);
    const tables = new Map<string, DumpedRow[]>();
    tableNames.forEach((table, i) => {
      tables.set(
        table,
        (results[i]?.rows ?? []).map((row) => describer.columns(row)),
      );
    });
    return { database, tables };
  } finally {
    if (typeof source === 'string') await client.close();
  }
}

function uuidOf(value: Wire): string {
  return Array.isArray(value) && value[0] === 'uuid' ? String(value[1]) : String(value);
}

/** Turns wire values into canonical text, describing referenced rows. */
class Describer {
  private readonly done = new Map<string, string>();
  private readonly visiting = new Set<string>();

  constructor(private readonly byUuid: ReadonlyMap<string, { table: string; row: Record<string, Wire> }>) {}

  /** A row's columns (without `_uuid` and `_version`) as canonical text. */
  columns(row: Record<string, Wire>): DumpedRow {
    const out: Record<string, string> = {};
    for (const column of Object.keys(row).sort()) {
      if (column === '_uuid' || column === '_version') continue;
      out[column] = this.value(row[column]);
    }
    return out;
  }

  private value(value: Wire): string {
    if (Array.isArray(value)) {
      const [tag, body] = value as [unknown, unknown];
      if (tag === 'uuid') return this.reference(String(body));
      if (tag === 'set') {
        const items = (body as Wire[]).map((item) => this.value(item)).sort();
        return items.length === 1 ? (items[0] as string) : `[${items.join(', ')}]`;
      }
      if (tag === 'map') {
        const pairs = (body as Array<[Wire, Wire]>)
          .map(([k, v]) => `${this.value(k)}=${this.value(v)}`)
          .sort();
        return `{${pairs.join(', ')}}`;
      }
    }
    return JSON.stringify(value);
  }

  /** A reference: the referenced row's table and described columns. */
  private reference(uuid: string): string {
    const known = this.done.get(uuid);
    if (known !== undefined) return known;
    const target = this.byUuid.get(uuid);
    if (target === undefined) return 'uuid:<not a row>';
    if (this.visiting.has(uuid)) return `${target.table}{<cycle>}`;
    this.visiting.add(uuid);
    const described = this.columns(target.row);
    this.visiting.delete(uuid);
    const text = `${target.table}{${Object.entries(described)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}}`;
    this.done.set(uuid, text);
    return text;
  }
}

function rowText(row: DumpedRow, ignored: ReadonlySet<string>): string {
  return Object.entries(row)
    .filter(([column]) => !ignored.has(column))
    .map(([column, value]) => `${column}=${value}`)
    .join(', ');
}

/**
 * The differences between two dumps, one readable line each (`table: only left: row` /
 * `table: only right: row`); empty when every table holds the same rows.
 */
export function diffDumps(left: DatabaseDump, right: DatabaseDump, options: DiffOptions = {}): string[] {
  const out: string[] = [];
  const tables = [...new Set([...left.tables.keys(), ...right.tables.keys()])].sort();
  for (const table of tables) {
    const ignored = new Set(options.ignore?.[table] ?? []);
    const counts = new Map<string, number>();
    for (const row of left.tables.get(table) ?? []) {
      const text = rowText(row, ignored);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    for (const row of right.tables.get(table) ?? []) {
      const text = rowText(row, ignored);
      counts.set(text, (counts.get(text) ?? 0) - 1);
    }
    for (const [text, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (let i = 0; i < Math.abs(count); i++)
        out.push(`${table}: only ${count > 0 ? 'left' : 'right'}: ${text}`);
    }
  }
  return out;
}

/** Throws an error listing every difference unless the two dumps hold the same rows. */
export function assertSameDatabase(left: DatabaseDump, right: DatabaseDump, options: DiffOptions = {}): void {
  const differences = diffDumps(left, right, options);
  if (differences.length > 0) {
    throw new Error(`the databases differ (${differences.length}):\n${differences.join('\n')}`);
  }
}
