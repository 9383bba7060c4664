import { columnTypeToJson } from './column-type.js';
import type { ColumnSchema, DatabaseSchema, TableSchema } from './schema.js';

/** The canonical JSON of a column schema, as ovsdb-server prints it. */
export function columnSchemaToJson(c: ColumnSchema): Record<string, unknown> {
  const json: Record<string, unknown> = { type: columnTypeToJson(c.type) };
  if (!c.mutable) json.mutable = false;
  if (c.ephemeral) json.ephemeral = true;
  return json;
}

/**
 * The canonical JSON of a table schema. `isRoot` is written only when it differs from
 * `defaultIsRoot` (true when every table of the database is root, the old-schema case).
 */
export function tableSchemaToJson(t: TableSchema, defaultIsRoot = false): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (!t.mutable) json.mutable = false;
  if (t.isRoot !== defaultIsRoot) json.isRoot = t.isRoot;
  const columns: Record<string, unknown> = {};
  for (const c of t.columns.values()) columns[c.name] = columnSchemaToJson(c);
  json.columns = columns;
  if (t.maxRows !== undefined) json.maxRows = t.maxRows;
  if (t.indexes.length > 0) json.indexes = t.indexes.map((index) => [...index]);
  return json;
}

/** The canonical JSON of a database schema (without `cksum`, as ovsdb-server's tools print it). */
export function databaseSchemaToJson(s: DatabaseSchema): Record<string, unknown> {
  const all = [...s.tables.values()];
  const defaultIsRoot = all.every((t) => t.isRoot);
  const tables: Record<string, unknown> = {};
  for (const t of all) tables[t.name] = tableSchemaToJson(t, defaultIsRoot);
  const json: Record<string, unknown> = { name: s.name, tables };
  if (s.version !== undefined) json.version = s.version;
  return json;
}
