/**
 * Whole-database comparison for differential tests: build the same state with ovndb on one
 * server and with OVN's own tools (ovn-nbctl, ...) on another, then compare every table and
 * every column. Row UUIDs differ between the two, so `_uuid` and `_version` are left out and
 * references are rendered by what they point to (see dump-render.ts), which is what makes the
 * two comparable. Differences are reported per column of paired rows: rows pair by identity
 * (unique name or index), else by likeness.
 */
import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import {
  chooseIdentities,
  type RawDatabase,
  type RawRow,
  type RenderedRow,
  type RenderedValue,
  renderDatabase,
} from './dump-render.js';
import { DatabasesDifferError } from './ovn-testing-errors.js';

/** One row: column name -> canonical text of its value (references rendered, see dumpDatabase). */
export type DumpedRow = Readonly<Record<string, string>>;

/** A database as {@link dumpDatabase} read it. */
export interface DatabaseDump {
  readonly database: string;
  /** Rows of every table of the schema (empty tables included), sorted by their canonical text. */
  readonly tables: ReadonlyMap<string, readonly DumpedRow[]>;
  /** The columns identifying a row of each table that has a unique name or an index. */
  readonly identities?: ReadonlyMap<string, readonly string[]>;
}

/** Options of {@link diffDumps}. */
export interface DiffOptions {
  /**
   * Columns left out of the comparison, per table (also left out where a row of that table is
   * rendered inside a reference). Every other table and column is compared.
   */
  readonly ignore?: Readonly<Record<string, readonly string[]>>;
}

/** What was read, kept so that {@link diffDumps} can render both sides with the same choices. */
const rawOf = new WeakMap<DatabaseDump, RawDatabase>();

/**
 * Reads every row of every table of `database` (one transaction of `select`s, so a consistent
 * snapshot), through a connected client or a remote (connected for the read, then closed).
 * In the canonical form `_uuid`/`_version` are dropped, sets and maps are sorted, and a
 * reference reads `Logical_Router_Port{name="lrp1"}` for a row with a unique name or index,
 * or the referenced row's own columns otherwise (recursively, cycles cut).
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
    )) as Array<{ rows?: RawRow[] }>;
    const tables = new Map<string, readonly RawRow[]>();
    const identityColumns = new Map<string, readonly string[]>();
    const setColumns = new Map<string, ReadonlySet<string>>();
    tableNames.forEach((table, i) => {
      tables.set(table, results[i]?.rows ?? []);
      const tableSchema = schema.tables.get(table);
      const sets = [...(tableSchema?.columns.values() ?? [])].filter((c) => c.type.max > 1 && !c.type.value);
      setColumns.set(table, new Set(sets.map((c) => c.name)));
      const index = tableSchema?.indexes[0];
      if (index !== undefined) identityColumns.set(table, index);
      else if (tableSchema?.columns.has('name') === true) identityColumns.set(table, ['name']);
    });
    const raw: RawDatabase = { tables, identityColumns, setColumns };
    const identities = chooseIdentities([raw], new Map());
    const rendered = renderDatabase(raw, { ignore: new Map(), identities });
    const dump: DatabaseDump = {
      database,
      tables: new Map([...rendered].map(([table, rows]) => [table, rows.map(toDumpedRow)])),
      identities,
    };
    rawOf.set(dump, raw);
    return dump;
  } finally {
    if (typeof source === 'string') await client.close();
  }
}

function toDumpedRow(row: RenderedRow): DumpedRow {
  return Object.fromEntries([...row.columns].map(([column, value]) => [column, value.text]));
}

/**
 * The differences between two dumps, one readable line each, in table order; empty when every
 * table holds the same rows. Lines read
 * `Logical_Switch{name="s1"}: other_config: left {} | right {"subnet"="10.9.0.0/24"}` for a
 * column of two paired rows (sets and maps list what only one side holds:
 * `static_routes: only left [...]; only right [...]`), or
 * `Logical_Router_Static_Route: only left: ip_prefix="10.1.0.0/16", ...` for an unpaired row.
 */
export function diffDumps(left: DatabaseDump, right: DatabaseDump, options: DiffOptions = {}): string[] {
  const ignore = new Map(Object.entries(options.ignore ?? {}).map(([t, cs]) => [t, new Set(cs)]));
  const [leftRows, rightRows] = renderBoth(left, right, ignore);
  const out: string[] = [];
  const tables = [...new Set([...leftRows.keys(), ...rightRows.keys()])].sort();
  for (const table of tables) {
    diffTable(table, leftRows.get(table) ?? [], rightRows.get(table) ?? [], out);
  }
  return out;
}

/** Throws {@link DatabasesDifferError} (listing every difference) unless the dumps hold the same rows. */
export function assertSameDatabase(left: DatabaseDump, right: DatabaseDump, options: DiffOptions = {}): void {
  const differences = diffDumps(left, right, options);
  if (differences.length > 0) throw new DatabasesDifferError(left.database, differences);
}

type Rendered = ReadonlyMap<string, readonly RenderedRow[]>;

/** Both sides rendered with the same identities and ignored columns. */
function renderBoth(
  left: DatabaseDump,
  right: DatabaseDump,
  ignore: ReadonlyMap<string, ReadonlySet<string>>,
): [Rendered, Rendered] {
  const rawLeft = rawOf.get(left);
  const rawRight = rawOf.get(right);
  if (rawLeft !== undefined && rawRight !== undefined) {
    const identities = chooseIdentities([rawLeft, rawRight], ignore);
    return [
      renderDatabase(rawLeft, { ignore, identities }),
      renderDatabase(rawRight, { ignore, identities }),
    ];
  }
  // Dumps made some other way: compare their texts as they are.
  const identities = new Map(left.identities ?? right.identities ?? []);
  return [fromDumped(left, ignore, identities), fromDumped(right, ignore, identities)];
}

function fromDumped(
  dump: DatabaseDump,
  ignore: ReadonlyMap<string, ReadonlySet<string>>,
  identities: ReadonlyMap<string, readonly string[]>,
): Rendered {
  const out = new Map<string, RenderedRow[]>();
  for (const [table, rows] of dump.tables) {
    const ignored = ignore.get(table);
    const idColumns = identities.get(table);
    out.set(
      table,
      rows.map((row) => {
        const columns = new Map<string, RenderedValue>(
          Object.keys(row)
            .sort()
            .filter((c) => ignored?.has(c) !== true)
            .map((c) => [c, { text: row[c] as string }]),
        );
        const text = [...columns].map(([c, v]) => `${c}=${v.text}`).join(', ');
        if (!idColumns?.every((c) => columns.has(c))) return { columns, text };
        const identity = `{${idColumns.map((c) => `${c}=${columns.get(c)?.text}`).join(', ')}}`;
        return { columns, text, identity };
      }),
    );
  }
  return out;
}

/** Cancels identical rows, pairs the rest (identity, then likeness) and reports each. */
function diffTable(
  table: string,
  left: readonly RenderedRow[],
  right: readonly RenderedRow[],
  out: string[],
): void {
  const unmatchedRight = new Map<string, RenderedRow[]>();
  for (const row of right) unmatchedRight.set(row.text, [...(unmatchedRight.get(row.text) ?? []), row]);
  const onlyLeft: RenderedRow[] = [];
  for (const row of left) {
    const same = unmatchedRight.get(row.text);
    if (same !== undefined && same.length > 0) same.pop();
    else onlyLeft.push(row);
  }
  const onlyRight = [...unmatchedRight.values()].flat();
  if (onlyLeft.length === 0 && onlyRight.length === 0) return;

  const pairs: Array<[RenderedRow, RenderedRow]> = [];
  const restLeft: RenderedRow[] = [];
  const rightPool = new Set(onlyRight);
  const withIdentity = onlyLeft.some((r) => r.identity !== undefined) || onlyRight.some((r) => r.identity);
  if (withIdentity) {
    const byIdentity = new Map(onlyRight.map((row) => [row.identity, row]));
    for (const row of onlyLeft) {
      const partner = byIdentity.get(row.identity);
      if (partner !== undefined && rightPool.has(partner)) {
        pairs.push([row, partner]);
        rightPool.delete(partner);
      } else {
        restLeft.push(row);
      }
    }
  } else if (onlyLeft.length === 1 && onlyRight.length === 1) {
    pairs.push([onlyLeft[0] as RenderedRow, onlyRight[0] as RenderedRow]);
    rightPool.clear();
  } else {
    for (const row of onlyLeft) {
      const partner = likeliest(row, rightPool);
      if (partner === undefined) restLeft.push(row);
      else {
        pairs.push([row, partner]);
        rightPool.delete(partner);
      }
    }
  }
  for (const [l, r] of pairs) diffRows(table, l, r, out);
  for (const row of restLeft) out.push(`${table}: only left: ${row.text}`);
  for (const row of rightPool) out.push(`${table}: only right: ${row.text}`);
}

/** The right row sharing the most column values with `row`, if at least half of them. */
function likeliest(row: RenderedRow, pool: ReadonlySet<RenderedRow>): RenderedRow | undefined {
  let best: RenderedRow | undefined;
  let bestSame = -1;
  for (const candidate of pool) {
    let same = 0;
    for (const [column, value] of row.columns) if (candidate.columns.get(column)?.text === value.text) same++;
    if (same > bestSame) {
      best = candidate;
      bestSame = same;
    }
  }
  return best !== undefined && bestSame * 2 >= row.columns.size ? best : undefined;
}

function diffRows(table: string, left: RenderedRow, right: RenderedRow, out: string[]): void {
  const label = `${table}${left.identity ?? shortLabel(left, right)}`;
  const columns = [...new Set([...left.columns.keys(), ...right.columns.keys()])].sort();
  for (const column of columns) {
    const l = left.columns.get(column);
    const r = right.columns.get(column);
    if (l?.text === r?.text) continue;
    out.push(`${label}: ${column}: ${describeChange(l, r)}`);
  }
}

function describeChange(left: RenderedValue | undefined, right: RenderedValue | undefined): string {
  if (left === undefined) return `no such column on the left | right ${right?.text}`;
  if (right === undefined) return `left ${left.text} | no such column on the right`;
  if (left.items !== undefined && right.items !== undefined) {
    const rightItems = new Set(right.items);
    const leftItems = new Set(left.items);
    const onlyLeft = left.items.filter((item) => !rightItems.has(item));
    const onlyRight = right.items.filter((item) => !leftItems.has(item));
    const parts: string[] = [];
    if (onlyLeft.length > 0) parts.push(`only left [${onlyLeft.join(', ')}]`);
    if (onlyRight.length > 0) parts.push(`only right [${onlyRight.join(', ')}]`);
    if (parts.length > 0) return parts.join('; ');
  }
  return `left ${left.text} | right ${right.text}`;
}

/** Names a row without identity by up to four short columns both sides agree on. */
function shortLabel(left: RenderedRow, right: RenderedRow): string {
  const shared = [...left.columns]
    .filter(([column, value]) => right.columns.get(column)?.text === value.text)
    .filter(([, value]) => value.text.length <= 60 && !['[]', '{}', '""'].includes(value.text))
    .slice(0, 4)
    .map(([column, value]) => `${column}=${value.text}`);
  return `{${shared.join(', ')}}`;
}
