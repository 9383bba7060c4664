import { OvndbError } from '../errors.js';
import { UUID_PATTERN } from '../protocol/identifiers.js';

// A unique symbol that exists only in the type system: the brand cannot be forged by
// spreading or indexing, so the only way to a Uuid is a cast or one of the helpers below.
declare const uuidBrand: unique symbol;

/**
 * A row UUID in its 36-character text form. At runtime it is a plain string; at compile
 * time it is branded with the table it refers to, so a `Uuid<'Logical_Router_Port'>` is
 * not assignable where a `Uuid<'Logical_Switch_Port'>` is expected. `Uuid` without an
 * argument accepts a UUID of any table (and is what untyped uuid columns hold).
 */
export type Uuid<Table extends string = string> = string & { readonly [uuidBrand]: Table };

/** A string that is not a UUID was given where one is required. */
export class InvalidUuidError extends OvndbError {
  /** The rejected text. */
  readonly value: string;

  constructor(value: string) {
    super('OVNDB_UUID_INVALID', `not a UUID: ${JSON.stringify(value)} (expected 8-4-4-4-12 hex digits)`);
    this.value = value;
  }
}

/** True when `text` is a UUID in the 8-4-4-4-12 hexadecimal form OVSDB uses. */
export function isUuid(text: string): text is Uuid {
  return UUID_PATTERN.test(text);
}

/**
 * Brands `text` as a UUID of table `Table` after checking its form. The table is not
 * checked (a UUID does not say which table it belongs to): the caller vouches for it.
 * Throws {@link InvalidUuidError}.
 */
export function toUuid<Table extends string = string>(text: string): Uuid<Table> {
  if (!UUID_PATTERN.test(text)) throw new InvalidUuidError(text);
  return text as Uuid<Table>;
}
