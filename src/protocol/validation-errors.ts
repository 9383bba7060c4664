import { OvndbError } from '../errors.js';

/**
 * How ovsdb-server classifies a failure: a malformed value or schema (`syntax error`),
 * a well-formed value outside its column's constraints (`constraint violation`), or a
 * logical problem such as a duplicate set element (`ovsdb error`).
 */
export type OvsdbErrorTag = 'syntax error' | 'constraint violation' | 'ovsdb error';

/** Longest excerpt of an offending value quoted in a message, so messages stay readable. */
const MAX_QUOTED = 200;

function quote(json: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(json);
  } catch {
    text = String(json);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}...` : text;
}

/**
 * A database schema (or a piece of one: base type, column type, column, table) that
 * ovsdb-server itself would refuse. {@link SchemaError.reason} carries the wording
 * ovsdb-server uses, {@link SchemaError.json} the fragment it complains about.
 */
export class SchemaError extends OvndbError {
  /** What is wrong, in ovsdb-server's words, without the offending JSON. */
  readonly reason: string;
  /** ovsdb-server's classification of the failure. */
  readonly tag: OvsdbErrorTag;
  /** The schema fragment at fault, when there is one. */
  readonly json: unknown;

  constructor(reason: string, options: { json?: unknown; tag?: OvsdbErrorTag; cause?: unknown } = {}) {
    const tag = options.tag ?? (options.json === undefined ? 'ovsdb error' : 'syntax error');
    const where = options.json === undefined ? '' : ` (in ${quote(options.json)})`;
    super('OVNDB_SCHEMA_INVALID', `invalid schema: ${tag}: ${reason}${where}`, {
      cause: options.cause,
      details: options.json,
    });
    this.reason = reason;
    this.tag = tag;
    this.json = options.json;
  }
}

/** Where a value was found: used to name the table, column and operation in errors. */
export interface ValueLocation {
  /** Table whose column the value belongs to. */
  table?: string;
  /** Column the value was meant for. */
  column?: string;
  /** Index of the operation in its transaction. */
  operation?: number;
}

/**
 * What kind of rule a value broke: its JSON shape or atomic type (`syntax`), a constraint
 * of its column type such as an enum, range, length or set size (`constraint`), or it
 * repeats a set element or map key (`duplicate`).
 */
export type InvalidValueKind = 'syntax' | 'constraint' | 'duplicate';

/**
 * A column value (or atom) that does not fit its column type. Names the table, column and
 * operation where known, and carries the offending value itself.
 */
export class InvalidValueError extends OvndbError {
  /** Table of the column, when known. */
  readonly table?: string;
  /** Column the value was meant for, when known. */
  readonly column?: string;
  /** The offending value: the bad atom, or the whole datum for shape and size errors. */
  readonly value: unknown;
  /** Index of the transaction operation carrying the value, when known. */
  readonly operation?: number;
  /** Which kind of rule was broken. */
  readonly kind: InvalidValueKind;
  /** What is wrong, in ovsdb-server's words, without location. */
  readonly reason: string;

  constructor(kind: InvalidValueKind, reason: string, value: unknown, where: ValueLocation = {}) {
    const parts: string[] = [];
    if (where.table !== undefined || where.column !== undefined) {
      parts.push(`column ${where.table ?? '?'}.${where.column ?? '?'}`);
    }
    if (where.operation !== undefined) parts.push(`operation ${where.operation}`);
    const at = parts.length > 0 ? ` for ${parts.join(' in ')}` : '';
    super('OVNDB_INVALID_VALUE', `invalid value${at}: ${reason} (value: ${quote(value)})`, {
      details: value,
    });
    if (where.table !== undefined) this.table = where.table;
    if (where.column !== undefined) this.column = where.column;
    if (where.operation !== undefined) this.operation = where.operation;
    this.value = value;
    this.kind = kind;
    this.reason = reason;
  }

  /** ovsdb-server's classification of this failure. */
  get tag(): OvsdbErrorTag {
    if (this.kind === 'syntax') return 'syntax error';
    return this.kind === 'constraint' ? 'constraint violation' : 'ovsdb error';
  }
}
