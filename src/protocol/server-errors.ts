/**
 * One error class per error string that ovsdb-server sends, in a transaction result, as a
 * JSON-RPC error, or as the extra trailing element of a `transact` reply (the commit error).
 */
import { OvndbError } from '../errors.js';

/** Where in a transaction a server error points, as far as the client can know it. */
export interface ServerErrorContext {
  /** Database the request was for. */
  database?: string;
  /** Index of the failed operation in the transaction; absent for a commit error. */
  operationIndex?: number;
  /** The failed operation's `op` (`insert`, `mutate`, ...). */
  operation?: string;
  /** Table the failed operation touched. */
  table?: string;
  /** Column the error is about, when the server's details name one of the operation's columns. */
  column?: string;
  /** The value written to {@link column}, when the client sent one. */
  value?: unknown;
  /** True when this is the trailing commit error (the transaction's operations all succeeded, the commit did not). */
  commit?: boolean;
}

/** An error reported by ovsdb-server. `error` is the server's error string, `details` its explanation. */
export class OvsdbServerError extends OvndbError {
  /** The server's error string, e.g. `constraint violation`. */
  readonly error: string;
  readonly database?: string;
  readonly operationIndex?: number;
  readonly operation?: string;
  readonly table?: string;
  readonly column?: string;
  readonly value?: unknown;
  /** True for the commit error that follows the per-operation results. */
  readonly commit: boolean;
  /** The whole error object the server sent. */
  readonly raw: unknown;

  constructor(code: string, error: string, raw: unknown, context: ServerErrorContext = {}) {
    const details = detailsOf(raw);
    super(code, describe(error, details, context), { details });
    this.error = error;
    this.raw = raw;
    this.commit = context.commit ?? false;
    if (context.database !== undefined) this.database = context.database;
    if (context.operationIndex !== undefined) this.operationIndex = context.operationIndex;
    if (context.operation !== undefined) this.operation = context.operation;
    if (context.table !== undefined) this.table = context.table;
    if (context.column !== undefined) this.column = context.column;
    if (context.value !== undefined) this.value = context.value;
  }
}

function detailsOf(raw: unknown): string | undefined {
  if (raw !== null && typeof raw === 'object' && 'details' in raw) {
    const details = (raw as { details: unknown }).details;
    return typeof details === 'string' ? details : JSON.stringify(details);
  }
  return undefined;
}

function describe(error: string, details: string | undefined, c: ServerErrorContext): string {
  const where: string[] = [];
  if (c.commit) where.push('at commit');
  else if (c.operationIndex !== undefined)
    where.push(`operation ${c.operationIndex} (${c.operation ?? '?'})`);
  if (c.table !== undefined) where.push(`table ${c.table}`);
  if (c.column !== undefined) where.push(`column ${c.column}`);
  if (c.value !== undefined) where.push(`value ${JSON.stringify(c.value)}`);
  const place = where.length > 0 ? ` [${where.join(', ')}]` : '';
  return `${error}${place}${details ? `: ${details}` : ''}`;
}

type ServerErrorClass = new (raw: unknown, context?: ServerErrorContext) => OvsdbServerError;

function define(code: string, error: string): ServerErrorClass {
  return class extends OvsdbServerError {
    constructor(raw: unknown, context: ServerErrorContext = {}) {
      super(code, error, raw, context);
    }
  };
}

// One class per server error string. The names are exported as real classes so that
// `err instanceof ConstraintViolationError` works and the class shows in stack traces.
/** `constraint violation`: a value outside its column's constraints, a duplicate index key, too many rows. */
export class ConstraintViolationError extends define('OVSDB_CONSTRAINT_VIOLATION', 'constraint violation') {}
/** `referential integrity violation`: a strong reference to a missing row, or a deleted row still referenced. */
export class ReferentialIntegrityViolationError extends define(
  'OVSDB_REFERENTIAL_INTEGRITY_VIOLATION',
  'referential integrity violation',
) {}
/** `duplicate uuid-name`: two inserts in one transaction used the same `uuid-name`. */
export class DuplicateUuidNameError extends define('OVSDB_DUPLICATE_UUID_NAME', 'duplicate uuid-name') {}
/** `duplicate uuid`: an insert chose a `uuid` that a row already has. */
export class DuplicateUuidError extends define('OVSDB_DUPLICATE_UUID', 'duplicate uuid') {}
/** `domain error`: an arithmetic mutation divided by zero or similar. */
export class OvsdbDomainError extends define('OVSDB_DOMAIN_ERROR', 'domain error') {}
/** `range error`: an arithmetic mutation overflowed. */
export class OvsdbRangeError extends define('OVSDB_RANGE_ERROR', 'range error') {}
/** `timed out`: a `wait` operation's condition did not become true in time. */
export class TimedOutError extends define('OVSDB_TIMED_OUT', 'timed out') {}
/** `not owner`: an `assert` named a lock this session does not hold. */
export class NotOwnerError extends define('OVSDB_NOT_OWNER', 'not owner') {}
/** `canceled`: the request was canceled with the `cancel` method. */
export class CanceledError extends define('OVSDB_CANCELED', 'canceled') {}
/** `resources exhausted`: the server ran out of memory or another resource. */
export class ResourcesExhaustedError extends define('OVSDB_RESOURCES_EXHAUSTED', 'resources exhausted') {}
/** `I/O error`: the server could not write the transaction to disk. */
export class IoError extends define('OVSDB_IO_ERROR', 'I/O error') {}
/** `not supported`: the server does not support what was asked (e.g. a commit with `durable`). */
export class NotSupportedError extends define('OVSDB_NOT_SUPPORTED', 'not supported') {}
/** `aborted`: the transaction contained an `abort` operation. */
export class AbortedError extends define('OVSDB_ABORTED', 'aborted') {}
/** `unknown column`: an operation named a column the table does not have. */
export class UnknownColumnError extends define('OVSDB_UNKNOWN_COLUMN', 'unknown column') {}
/** `unknown table`: an operation named a table the database does not have. */
export class UnknownTableError extends define('OVSDB_UNKNOWN_TABLE', 'unknown table') {}
/** `syntax error`: the server could not parse the request. */
export class OvsdbSyntaxError extends define('OVSDB_SYNTAX_ERROR', 'syntax error') {}
/** `unknown database`: the request named a database the server does not serve. */
export class UnknownDatabaseError extends define('OVSDB_UNKNOWN_DATABASE', 'unknown database') {}
/** `permission error`: role-based access control refused the operation. */
export class PermissionError extends define('OVSDB_PERMISSION_ERROR', 'permission error') {}
/** `not allowed`: e.g. a write to a read-only (backup) server or to an immutable column. */
export class NotAllowedError extends define('OVSDB_NOT_ALLOWED', 'not allowed') {}
/** `unknown operator`: an unknown `op`, condition function or mutator. */
export class UnknownOperatorError extends define('OVSDB_UNKNOWN_OPERATOR', 'unknown operator') {}
/** `unknown method`: the server does not implement the JSON-RPC method. */
export class UnknownMethodError extends define('OVSDB_UNKNOWN_METHOD', 'unknown method') {}
/** `not leader`: a clustered member that is not the leader refused a request that needs it. */
export class NotLeaderError extends define('OVSDB_NOT_LEADER', 'not leader') {}
/** `unknown monitor`: `monitor_cancel` or `monitor_cond_change` named a monitor that does not exist. */
export class UnknownMonitorError extends define('OVSDB_UNKNOWN_MONITOR', 'unknown monitor') {}
/** `operation not allowed`-style errors and anything else the server sends that has no class of its own. */
export class OtherServerError extends OvsdbServerError {
  constructor(raw: unknown, context: ServerErrorContext = {}) {
    const error = errorStringOf(raw) ?? 'unknown error';
    super(`OVSDB_${error.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`, error, raw, context);
  }
}

const byErrorString = new Map<string, ServerErrorClass>([
  ['constraint violation', ConstraintViolationError],
  ['referential integrity violation', ReferentialIntegrityViolationError],
  ['duplicate uuid-name', DuplicateUuidNameError],
  ['duplicate uuid', DuplicateUuidError],
  ['domain error', OvsdbDomainError],
  ['range error', OvsdbRangeError],
  ['timed out', TimedOutError],
  ['not owner', NotOwnerError],
  ['canceled', CanceledError],
  ['resources exhausted', ResourcesExhaustedError],
  ['I/O error', IoError],
  ['not supported', NotSupportedError],
  ['aborted', AbortedError],
  ['unknown column', UnknownColumnError],
  ['unknown table', UnknownTableError],
  ['syntax error', OvsdbSyntaxError],
  ['unknown database', UnknownDatabaseError],
  ['permission error', PermissionError],
  ['not allowed', NotAllowedError],
  ['unknown operator', UnknownOperatorError],
  ['unknown method', UnknownMethodError],
  ['not leader', NotLeaderError],
  ['unknown monitor', UnknownMonitorError],
]);

/** The error string of a server error value: either the string itself or its `error` member. */
export function errorStringOf(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (raw !== null && typeof raw === 'object' && 'error' in raw) {
    const error = (raw as { error: unknown }).error;
    if (typeof error === 'string') return error;
  }
  return undefined;
}

/** Builds the typed error for a server error value (`"unknown database"` or `{"error": ..., "details": ...}`). */
export function serverError(raw: unknown, context: ServerErrorContext = {}): OvsdbServerError {
  const error = errorStringOf(raw);
  const Class = error === undefined ? undefined : byErrorString.get(error);
  return Class ? new Class(raw, context) : new OtherServerError(raw, context);
}

/** Every error string that has a class of its own, for documentation and tests. */
export const knownServerErrors: readonly string[] = [...byErrorString.keys()];
