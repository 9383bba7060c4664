import { type ColumnType, parseColumnType } from './column-type.js';
import { isIdentifier, MemberParser } from './json-members.js';
import { SchemaError } from './validation-errors.js';

/** One column of a table schema. */
export interface ColumnSchema {
  /** Column name. */
  readonly name: string;
  /** Column type. */
  readonly type: ColumnType;
  /**
   * True when the server does not write the column to disk. A strong reference to a
   * non-root table is never ephemeral (the server forces it persistent, and so do we).
   */
  readonly ephemeral: boolean;
  /** False when the column may only be set at insert. Weak references are always mutable. */
  readonly mutable: boolean;
}

/**
 * One table of a database schema.
 *
 * `columns` holds only the declared columns. The implicit `_uuid` and `_version`
 * columns every row has are described by {@link IMPLICIT_COLUMNS}; use
 * {@link findColumn} to look a name up in both.
 */
export interface TableSchema {
  /** Table name. */
  readonly name: string;
  /** Declared columns by name, in schema order. */
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  /** Most rows the table may hold; absent when unlimited. */
  readonly maxRows?: number;
  /**
   * True for root tables, whose rows live without references. When a schema declares
   * no root table at all, every table is root (ovsdb-server's rule for old schemas).
   */
  readonly isRoot: boolean;
  /** Column sets whose values must be unique across rows. */
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>;
  /** False when rows may not be modified after insert (schema `"mutable": false`). */
  readonly mutable: boolean;
}

/** A parsed database schema. */
export interface DatabaseSchema {
  /** Database name. */
  readonly name: string;
  /** Schema version `x.y.z`, when declared. */
  readonly version?: string;
  /** Schema checksum, when declared. */
  readonly cksum?: string;
  /** Tables by name, in schema order. */
  readonly tables: ReadonlyMap<string, TableSchema>;
  /** The JSON the schema was parsed from, unchanged. */
  readonly json: unknown;
}

/** The columns every row has without declaring them: `_uuid` and `_version`. */
export const IMPLICIT_COLUMNS: ReadonlyMap<string, ColumnSchema> = new Map(
  ['_uuid', '_version'].map((name) => [
    name,
    { name, type: { key: { type: 'uuid' }, min: 1, max: 1 }, ephemeral: false, mutable: false },
  ]),
);

/** The type of implicit column `name` (`_uuid` or `_version`), or undefined for any other name. */
export function implicitColumnType(name: string): ColumnType | undefined {
  return IMPLICIT_COLUMNS.get(name)?.type;
}

/** Looks up a declared or implicit column of `table`. */
export function findColumn(table: TableSchema, name: string): ColumnSchema | undefined {
  return table.columns.get(name) ?? IMPLICIT_COLUMNS.get(name);
}

function checkName(name: string, json: unknown): void {
  if (name.startsWith('_')) throw new SchemaError('names beginning with "_" are reserved', { json });
  if (!isIdentifier(name)) throw new SchemaError('name must be a valid id', { json });
}

function isWeak(t: ColumnType): boolean {
  return t.key.refType === 'weak' || t.value?.refType === 'weak';
}

/** Parses the schema of column `name`. Throws {@link SchemaError}. */
export function parseColumnSchema(name: string, json: unknown): ColumnSchema {
  const p = new MemberParser(json, `schema for column ${name}`);
  const mutable = p.optional('mutable', 'boolean') as boolean | undefined;
  const ephemeral = p.optional('ephemeral', 'boolean') as boolean | undefined;
  const type = parseColumnType(p.get('type', 'string', 'object'));
  p.finish();
  // A weak reference must stay mutable: the server rewrites it when its target goes.
  return { name, type, ephemeral: ephemeral ?? false, mutable: (mutable ?? true) || isWeak(type) };
}

/**
 * Parses the schema of table `name`, with `isRoot` as declared (false when absent).
 * Throws {@link SchemaError}.
 */
export function parseTableSchema(name: string, json: unknown): TableSchema {
  const p = new MemberParser(json, `table schema for table ${name}`);
  const columnsJson = p.get('columns', 'object') as Record<string, unknown>;
  const mutable = p.optional('mutable', 'boolean') as boolean | undefined;
  const maxRows = p.optional('maxRows', 'integer') as number | bigint | undefined;
  const isRoot = p.optional('isRoot', 'boolean') as boolean | undefined;
  const indexesJson = p.optional('indexes', 'array') as unknown[] | undefined;
  p.finish();

  if (maxRows !== undefined && maxRows <= 0) throw new SchemaError('maxRows must be at least 1', { json });
  const names = Object.keys(columnsJson);
  if (names.length === 0) throw new SchemaError('table must have at least one column', { json });
  const columns = new Map<string, ColumnSchema>();
  for (const columnName of names) {
    checkName(columnName, json);
    columns.set(columnName, parseColumnSchema(columnName, columnsJson[columnName]));
  }
  const indexes = (indexesJson ?? []).map((indexJson) => parseIndex(indexJson, columns, json));
  const table: TableSchema = {
    name,
    columns,
    isRoot: isRoot ?? false,
    indexes,
    mutable: mutable ?? true,
  };
  return maxRows === undefined ? table : { ...table, maxRows: Number(maxRows) };
}

function parseIndex(
  indexJson: unknown,
  columns: ReadonlyMap<string, ColumnSchema>,
  tableJson: unknown,
): string[] {
  const distinct = 'array of distinct column names expected';
  if (!Array.isArray(indexJson)) throw new SchemaError(distinct, { json: indexJson });
  for (const columnName of indexJson) {
    if (typeof columnName !== 'string') throw new SchemaError(distinct, { json: indexJson });
    if (!columns.has(columnName)) {
      throw new SchemaError(`${columnName} is not a valid column name`, { json: indexJson });
    }
  }
  if (new Set(indexJson).size !== indexJson.length) throw new SchemaError(distinct, { json: indexJson });
  if (indexJson.length === 0)
    throw new SchemaError('index must have at least one column', { json: tableJson });
  for (const columnName of indexJson as string[]) {
    if (columns.get(columnName)?.ephemeral) {
      throw new SchemaError(`ephemeral columns (such as ${columnName}) may not be indexed`, {
        json: tableJson,
      });
    }
  }
  return indexJson as string[];
}

const VERSION_RE = /^[0-9]+\.[0-9]+\.[0-9]+$/;

/**
 * Parses and checks a database schema as ovsdb-server does: names are identifiers not
 * starting with `_`, the version is `x.y.z`, every `refTable` exists, indexed columns
 * exist and are persistent. Applies the server's adjustments: with no root table every
 * table is root, and strong references to non-root tables are never ephemeral.
 * Throws {@link SchemaError}.
 */
export function parseDatabaseSchema(json: unknown): DatabaseSchema {
  const p = new MemberParser(json, 'database schema');
  const name = p.get('name', 'id') as string;
  const version = p.optional('version', 'string') as string | undefined;
  const cksum = p.optional('cksum', 'string') as string | undefined;
  const tablesJson = p.get('tables', 'object') as Record<string, unknown>;
  p.finish();
  if (version !== undefined && !VERSION_RE.test(version)) {
    throw new SchemaError(`schema version "${version}" not in format x.y.z`);
  }

  const parsed: TableSchema[] = [];
  for (const [tableName, tableJson] of Object.entries(tablesJson)) {
    checkName(tableName, json);
    parsed.push(parseTableSchema(tableName, tableJson));
  }
  const anyRoot = parsed.some((t) => t.isRoot);
  const roots = new Set(parsed.filter((t) => !anyRoot || t.isRoot).map((t) => t.name));
  const tables = new Map<string, TableSchema>();
  for (const table of parsed) {
    const columns = new Map<string, ColumnSchema>();
    for (const column of table.columns.values()) {
      columns.set(column.name, resolveReferences(column, tablesJson, roots));
    }
    tables.set(table.name, { ...table, columns, isRoot: roots.has(table.name) });
  }
  const schema: DatabaseSchema = { name, tables, json };
  return {
    ...schema,
    ...(version === undefined ? {} : { version }),
    ...(cksum === undefined ? {} : { cksum }),
  };
}

function resolveReferences(
  column: ColumnSchema,
  tablesJson: Record<string, unknown>,
  roots: ReadonlySet<string>,
): ColumnSchema {
  let persistent = !column.ephemeral;
  for (const [which, base] of [
    ['key', column.type.key],
    ['value', column.type.value],
  ] as const) {
    if (base?.refTable === undefined) continue;
    if (!Object.hasOwn(tablesJson, base.refTable)) {
      throw new SchemaError(`column ${column.name} ${which} refers to undefined table ${base.refTable}`, {
        tag: 'syntax error',
      });
    }
    // Replaying the log must not drop a row that only an ephemeral strong ref kept alive.
    if (base.refType === 'strong' && !roots.has(base.refTable)) persistent = true;
  }
  return persistent === !column.ephemeral ? column : { ...column, ephemeral: false };
}
