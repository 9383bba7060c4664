import { OvndbError } from '../errors.js';
import { type DatabaseSchema, IMPLICIT_COLUMNS } from '../protocol/schema.js';
import type { DatabaseModel } from './descriptor.js';
import { compareSchemas, type SchemaSkew } from './schema-skew.js';

/**
 * A write names a table or column the server's schema lacks (the model was generated
 * from a newer schema). Sending it would fail on the server with a less clear error.
 */
export class ColumnNotOnServerError extends OvndbError {
  /** The table written to. */
  readonly table: string;
  /** The first missing column, or undefined when the whole table is missing. */
  readonly column: string | undefined;
  /** Every named column the server lacks (empty when the whole table is missing). */
  readonly columns: ReadonlyArray<string>;
  /** The server schema's version, when declared. */
  readonly serverVersion: string | undefined;

  constructor(table: string, columns: ReadonlyArray<string>, serverVersion: string | undefined) {
    const version = serverVersion ?? '(unversioned)';
    const what =
      columns.length === 0
        ? `table ${table} does not exist`
        : `table ${table} has no column${columns.length === 1 ? '' : 's'} ${columns.join(', ')}`;
    super('OVNDB_COLUMN_NOT_ON_SERVER', `${what} in the server's schema (version ${version})`, {
      details: { table, columns, serverVersion },
    });
    this.table = table;
    this.column = columns[0];
    this.columns = columns;
    this.serverVersion = serverVersion;
  }
}

/**
 * What a model can use on one server: answers "does the server have this table or
 * column" from the server's schema, lists the model columns to leave out of monitors,
 * and refuses writes naming columns the server lacks. Built once per connection.
 */
export class ServerSchemaView {
  /** Every difference between the model and the server. */
  readonly skew: SchemaSkew;
  /** The server's schema. */
  readonly server: DatabaseSchema;
  private readonly model: DatabaseSchema;

  // biome-ignore lint/suspicious/noExplicitAny: any model's Tables type is accepted.
  constructor(model: DatabaseModel<any> | DatabaseSchema, server: DatabaseSchema) {
    this.model = 'schema' in model ? model.schema : model;
    this.server = server;
    this.skew = compareSchemas(this.model, server);
  }

  /** The server schema's version, when declared. */
  get serverVersion(): string | undefined {
    return this.server.version;
  }

  /**
   * True when the SERVER has `table` (and, when given, its `column`; the implicit
   * `_uuid` and `_version` columns exist in every table).
   */
  has(table: string, column?: string): boolean {
    const t = this.server.tables.get(table);
    if (t === undefined) return false;
    return column === undefined || t.columns.has(column) || IMPLICIT_COLUMNS.has(column);
  }

  /**
   * The model's declared columns of `table` that the server lacks, sorted: leave these
   * out of monitors and selects. All of them when the server lacks the table; none when
   * the model does not know the table.
   */
  missingColumns(table: string): string[] {
    const mine = this.model.tables.get(table);
    if (mine === undefined) return [];
    const theirs = this.server.tables.get(table);
    return [...mine.columns.keys()].filter((c) => !theirs?.columns.has(c)).sort();
  }

  /**
   * Throws {@link ColumnNotOnServerError} when the server lacks `table` or any of
   * `columns`, naming every missing column, so a write fails before it is sent.
   */
  assertWritable(table: string, columns: Iterable<string>): void {
    const t = this.server.tables.get(table);
    if (t === undefined) throw new ColumnNotOnServerError(table, [], this.server.version);
    const missing: string[] = [];
    for (const column of columns) {
      if (!t.columns.has(column) && !IMPLICIT_COLUMNS.has(column)) missing.push(column);
    }
    if (missing.length > 0) throw new ColumnNotOnServerError(table, missing, this.server.version);
  }
}
