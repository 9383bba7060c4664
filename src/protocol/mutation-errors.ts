/**
 * Errors of condition and mutation handling, carrying ovsdb-server's error strings so a
 * client-side failure reads exactly like the server's `{"error": tag, "details": ...}`.
 */
import { OvndbError } from '../errors.js';
import type { ColumnType } from './column-type.js';

/**
 * The error strings ovsdb-server uses when it rejects a condition or mutation clause
 * (`syntax error`, `unknown column`, `unknown function`, `unknown mutator`, or
 * `constraint violation` for an immutable column).
 */
export type ClauseErrorTag =
  | 'syntax error'
  | 'unknown column'
  | 'unknown function'
  | 'unknown mutator'
  | 'constraint violation';

/**
 * A condition or mutation clause that cannot apply to its table: malformed, naming a
 * column the table lacks, an unknown function or mutator, or one not allowed for the
 * column's type. Code `OVNDB_INVALID_CLAUSE`.
 */
export class ClauseError extends OvndbError {
  /** ovsdb-server's error string. */
  readonly tag: ClauseErrorTag;
  /** What is wrong, in ovsdb-server's words. */
  readonly reason: string;
  /** The clause at fault, as given. */
  readonly json: unknown;

  constructor(tag: ClauseErrorTag, reason: string, json: unknown) {
    super('OVNDB_INVALID_CLAUSE', `${tag}: ${reason}`, { details: json });
    this.tag = tag;
    this.reason = reason;
    this.json = json;
  }
}

/**
 * The error strings of a mutation that fails while executing: integer overflow or a
 * non-finite real (`range error`), division by zero (`domain error`), or a result that
 * breaks the column's constraints or size (`constraint violation`).
 */
export type MutationErrorTag = 'range error' | 'domain error' | 'constraint violation';

/**
 * A mutation that ovsdb-server would refuse to apply to a row. {@link MutationError.tag}
 * and {@link MutationError.reason} are the server's `error` and `details` strings.
 * Code `OVNDB_MUTATION_FAILED`.
 */
export class MutationError extends OvndbError {
  /** ovsdb-server's error string. */
  readonly tag: MutationErrorTag;
  /** ovsdb-server's details text. */
  readonly reason: string;

  constructor(tag: MutationErrorTag, reason: string, options: { column?: string; cause?: unknown } = {}) {
    const where = options.column === undefined ? '' : ` (column ${options.column})`;
    super('OVNDB_MUTATION_FAILED', `${tag}: ${reason}${where}`, { cause: options.cause, details: reason });
    this.tag = tag;
    this.reason = reason;
  }
}

const UINT_MAX = 4294967295;

/**
 * A column type in ovsdb-server's English (`integer`, `set of 1 to 2 integers`,
 * `map of (string, string) pairs`), as in its type-mismatch and size messages.
 */
export function typeToEnglish(t: ColumnType): string {
  const key = t.key.type;
  if (t.value === undefined && t.min === 1 && t.max === 1) return key;
  let s = t.value === undefined ? 'set' : 'map';
  // The server stores "unlimited" as UINT_MAX and prints any count that large as such.
  if (t.max >= UINT_MAX) s += t.min > 0 ? ` of ${t.min} or more` : ' of';
  else s += t.min > 0 ? ` of ${t.min} to ${t.max}` : ` of up to ${t.max}`;
  return t.value === undefined ? `${s} ${key}s` : `${s} (${key}, ${t.value.type}) pairs`;
}
