/**
 * The changes a replica reports: one per row inserted, updated or deleted, typed by table.
 * Rows are immutable versions: `old` stays exactly what the row was before the change, however
 * long a consumer holds on to it, and `new` what it became.
 */

/** A row appeared: inserted by a transaction, present in the initial contents, or newly matching a condition. */
export interface InsertChange<Name extends string, Row> {
  readonly kind: 'insert';
  readonly table: Name;
  readonly uuid: string;
  readonly new: Row;
  /** True for rows of the initial contents, false for live inserts and for rows new after a resume's resync. */
  readonly initial: boolean;
}

/** A row changed. */
export interface UpdateChange<Name extends string, Row> {
  readonly kind: 'update';
  readonly table: Name;
  readonly uuid: string;
  readonly old: Row;
  readonly new: Row;
  /** The columns the server reported as changed. */
  readonly columns: ReadonlyArray<string>;
}

/** A row went away: deleted, or no longer matching the table's monitor condition. */
export interface DeleteChange<Name extends string, Row> {
  readonly kind: 'delete';
  readonly table: Name;
  readonly uuid: string;
  readonly old: Row;
}

/** Any change to a row of table `Name`. */
export type RowChange<Name extends string = string, Row = Record<string, unknown>> =
  | InsertChange<Name, Row>
  | UpdateChange<Name, Row>
  | DeleteChange<Name, Row>;

/** Any change to any table of a database whose tables map to row types as `T` does. */
export type Change<T extends object> = { [K in keyof T & string]: RowChange<K, T[K]> }[keyof T & string];
