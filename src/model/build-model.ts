import { parseDatabaseSchema } from '../protocol/schema.js';
import type { DatabaseModel, TableDescriptor } from './descriptor.js';

// Code-unit order: the same on every machine and locale, like the generator's.
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds a {@link DatabaseModel} from schema JSON with `parseDatabaseSchema`, so the
 * model applies exactly the checks and adjustments ovsdb-server does. `T` is taken on
 * trust: generated code passes the `Tables` interface generated from the same schema.
 * Throws `SchemaError` when the schema is invalid.
 */
export function buildDatabaseModel<T extends object = Record<string, unknown>>(
  json: unknown,
): DatabaseModel<T> {
  const schema = parseDatabaseSchema(json);
  const tables: Record<string, TableDescriptor> = {};
  for (const table of schema.tables.values()) {
    const columnNames = Object.freeze([...table.columns.keys()].sort(byCodeUnit));
    tables[table.name] = Object.freeze({ ...table, columnNames });
  }
  const model = {
    name: schema.name,
    ...(schema.version === undefined ? {} : { version: schema.version }),
    schema,
    tableNames: Object.freeze([...schema.tables.keys()].sort(byCodeUnit)),
    tables: Object.freeze(tables),
  };
  return Object.freeze(model) as unknown as DatabaseModel<T>;
}
