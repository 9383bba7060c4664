import type { DatabaseSchema, TableSchema } from '../protocol/schema.js';

// Type-only key for the phantom row type: it never exists at runtime, and being
// unexported it cannot be set by hand.
declare const rowType: unique symbol;

/**
 * What generated code knows about one table at runtime: its parsed schema (columns with
 * their {@link ColumnType}, `refTable` in the column's base types, indexes, `isRoot`,
 * `maxRows`), with the table name and the generated row type carried in the type.
 */
export interface TableDescriptor<Name extends string = string, Row = unknown> extends TableSchema {
  /** Table name. */
  readonly name: Name;
  /** Declared column names, sorted (the implicit `_uuid` and `_version` are not included). */
  readonly columnNames: ReadonlyArray<string>;
  /** Phantom: the generated row type. Absent at runtime; only for type inference. */
  readonly [rowType]?: Row;
}

/**
 * A database model: the parsed schema and one {@link TableDescriptor} per table, keyed
 * by table name. `T` maps table names to row types (the generated `Tables` interface).
 */
export interface DatabaseModel<T extends object = Record<string, unknown>> {
  /** Database name, e.g. `OVN_Northbound`. */
  readonly name: string;
  /** Schema version `x.y.z`, when the schema declares one. */
  readonly version?: string;
  /** The parsed schema the model was built from. */
  readonly schema: DatabaseSchema;
  /** Table names, sorted. */
  readonly tableNames: ReadonlyArray<keyof T & string>;
  /** Descriptors by table name. */
  readonly tables: { readonly [K in keyof T & string]: TableDescriptor<K, T[K]> };
}

/** The row type a {@link TableDescriptor} describes. */
export type RowOf<D> = D extends TableDescriptor<string, infer Row> ? Row : never;
