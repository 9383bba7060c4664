/**
 * Values with a special meaning in rows to write: a reference to a row inserted earlier in
 * the same transaction ({@link namedRef}) and "empty this column" ({@link CLEAR}).
 */

import { ID_PATTERN } from '../protocol/identifiers.js';
import { InvalidValueError } from '../protocol/validation-errors.js';
import type { Uuid } from './uuid.js';

// The form ovsdb-server accepts for a uuid-name: an identifier.

// Type-only key for the phantom target table: it never exists at runtime.
declare const refTable: unique symbol;

/**
 * A reference, by its `uuid-name`, to a row inserted earlier in the same transaction. It is a
 * marker object rather than a string so it can never be mistaken for a real UUID or a string
 * value; `encodeRow` turns it into `["named-uuid", name]`. Make one with {@link namedRef}.
 */
export class NamedRef<Table extends string = string> {
  /** The `uuid-name` given to the inserted row. */
  readonly name: string;
  /** Phantom: the table of the referenced row. Absent at runtime. */
  declare readonly [refTable]?: Table;

  /** Prefer {@link namedRef}, which checks the name. */
  constructor(name: string) {
    this.name = name;
    Object.freeze(this);
  }
}

/**
 * A reference to the row inserted under `uuid-name` `name` in the same transaction.
 * Throws `InvalidValueError` when `name` is not an identifier (ovsdb-server would refuse it).
 */
export function namedRef<Table extends string = string>(name: string): NamedRef<Table> {
  if (!ID_PATTERN.test(name)) {
    throw new InvalidValueError('syntax', `"${name}" is not a valid named-uuid`, name);
  }
  return new NamedRef<Table>(name);
}

/**
 * Put as a column's value in a row to write, sets the column to its empty value
 * (`["set", []]` or `["map", []]`). An `undefined` property, by contrast, leaves the column
 * untouched. Refused for columns that must hold at least one element.
 */
export const CLEAR: unique symbol = Symbol('ovndb.clear');

/** The type of {@link CLEAR}. */
export type Clear = typeof CLEAR;

/** What a row value may hold when written: a named reference may stand for any UUID. */
export type WriteValue<V> =
  V extends Uuid<infer T>
    ? V | NamedRef<T>
    : V extends ReadonlyArray<infer E>
      ? ReadonlyArray<WriteValue<E>>
      : V extends ReadonlyMap<infer K, infer E>
        ? ReadonlyMap<K, WriteValue<E>>
        : V extends object
          ? { readonly [P in keyof V]: WriteValue<V[P]> }
          : V;

/**
 * A row to write (insert or update) for row type `Row`: `_uuid` and `_version` left out,
 * every column optional (absent = untouched), UUIDs replaceable by {@link NamedRef}s and any
 * column replaceable by {@link CLEAR}.
 */
export type RowWrite<Row> = {
  readonly [K in Exclude<keyof Row, '_uuid' | '_version'>]?: WriteValue<NonNullable<Row[K]>> | Clear;
};
