/**
 * Client-side checking of operations against the database schema, so that bad input fails
 * with an error naming the table, column and value before anything is sent.
 */
import { OvndbError } from '../errors.js';
import { type ColumnRule, columnRules } from './column-rules.js';
import { type ColumnType, isMapType } from './column-type.js';
import type { Condition } from './conditions.js';
import { conditionFunctions } from './conditions.js';
import { checkDatum } from './datum.js';
import { ID_PATTERN } from './identifiers.js';
import { isJsonObject } from './json-members.js';
import type { Mutation } from './mutations.js';
import { arithmeticMutators } from './mutations.js';
import type { WireRow } from './notation.js';
import type { Operation } from './operations.js';
import type { DatabaseSchema, TableSchema } from './schema.js';

/** Why an operation was refused before sending. */
export type InvalidOperationReason =
  | 'unknown-table'
  | 'unknown-column'
  | 'immutable-column'
  | 'read-only-column'
  | 'bad-condition'
  | 'bad-mutation'
  | 'bad-operation';

/** An operation that cannot be valid for the schema; nothing was sent. */
export class InvalidOperationError extends OvndbError {
  readonly reason: InvalidOperationReason;
  readonly operationIndex: number;
  readonly table?: string;
  readonly column?: string;
  readonly value?: unknown;

  constructor(
    reason: InvalidOperationReason,
    message: string,
    where: { operationIndex: number; table?: string; column?: string; value?: unknown },
  ) {
    const place = where.operationIndex >= 0 ? [`operation ${where.operationIndex}`] : [];
    if (where.table !== undefined) place.push(`table ${where.table}`);
    if (where.column !== undefined) place.push(`column ${where.column}`);
    if (where.value !== undefined) place.push(`value ${JSON.stringify(where.value)}`);
    super('OVNDB_INVALID_OPERATION', place.length > 0 ? `${message} [${place.join(', ')}]` : message);
    this.reason = reason;
    this.operationIndex = where.operationIndex;
    if (where.table !== undefined) this.table = where.table;
    if (where.column !== undefined) this.column = where.column;
    if (where.value !== undefined) this.value = where.value;
  }
}

/**
 * Operations made by ovndb itself from what the server sent: the verify wait of a row read from
 * a replica names the row's own UUID and the values the server gave it, so it fits the schema
 * by construction. {@link validateOperations} passes them over: a transaction that read many
 * rows checks only what its body writes (and its look-ups, whose keys come from the caller).
 */
const madeFromServerRows = new WeakSet<object>();

/** @internal Marks `operation` as made from server rows (see {@link madeFromServerRows}); returns it. */
export function fromServerRows<O extends Operation>(operation: O): O {
  madeFromServerRows.add(operation);
  return operation;
}

/**
 * Checks every operation of a transaction against `schema`. Throws the first problem found as
 * {@link InvalidOperationError} (unknown table or column, immutable column, bad condition or
 * mutator) or `InvalidValueError` (a value outside its column's type or constraints).
 */
export function validateOperations(schema: DatabaseSchema, operations: readonly Operation[]): void {
  // Operations of a transaction tend to come in runs on one table (many inserts): the run
  // shares one table lookup and one TableCheck, its index moved along.
  let previous: TableCheck | undefined;
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]!;
    if (!madeFromServerRows.has(operation)) previous = validateOperation(schema, operation, i, previous);
  }
}

/**
 * Throws unless `name` is an OVSDB <id> (letters, digits and underscores, not starting with a
 * digit), as lock names and `uuid-name`s must be; the server would answer `syntax error`.
 */
export function checkId(name: unknown, what: string, operationIndex = -1, table?: string): void {
  // The error's details are made only when it is thrown: a valid name allocates nothing.
  if (typeof name !== 'string' || !ID_PATTERN.test(name)) {
    throw new InvalidOperationError(
      'bad-operation',
      `${what} must be letters, digits and underscores, not starting with a digit`,
      table === undefined ? { operationIndex, value: name } : { operationIndex, table, value: name },
    );
  }
}

const OPERATIONS: ReadonlySet<string> = new Set([
  'insert',
  'select',
  'update',
  'mutate',
  'delete',
  'wait',
  'commit',
  'abort',
  'comment',
  'assert',
]);

/** Throws unless `value` is an array: a caller without types may pass anything. */
function requireArray(value: unknown, what: string, operationIndex: number, table: string): void {
  if (!Array.isArray(value)) {
    throw new InvalidOperationError('bad-operation', `${what} must be an array`, {
      operationIndex,
      table,
      value,
    });
  }
}

/** Checks one operation; returns the TableCheck it used (for the next operation), if any. */
function validateOperation(
  schema: DatabaseSchema,
  operation: Operation,
  index: number,
  previous: TableCheck | undefined,
): TableCheck | undefined {
  const given: unknown = operation;
  if (!isJsonObject(given) || typeof given.op !== 'string' || !OPERATIONS.has(given.op)) {
    throw new InvalidOperationError(
      'bad-operation',
      'an operation is an object whose op is insert, select, update, mutate, delete, wait, commit, abort, comment or assert',
      { operationIndex: index, value: operation },
    );
  }
  if (operation.op === 'assert') checkId(operation.lock, 'a lock name', index);
  if (operation.op === 'comment') checkComment(operation.comment, index);
  if (!('table' in operation)) return previous;
  if (typeof operation.table !== 'string') {
    throw new InvalidOperationError('bad-operation', 'table must be a string', {
      operationIndex: index,
      value: operation.table,
    });
  }
  const t = tableCheck(schema, operation.table, index, previous);
  const table = t.table;
  switch (operation.op) {
    case 'insert':
      if (operation['uuid-name'] !== undefined)
        checkId(operation['uuid-name'], 'a uuid-name', index, table.name);
      checkRow(t, operation.row, 'insert');
      return t;
    case 'update':
      checkConditions(t, operation.where);
      checkRow(t, operation.row, 'update');
      return t;
    case 'mutate':
      checkConditions(t, operation.where);
      requireArray(operation.mutations, 'mutations', index, table.name);
      checkMutations(t, operation.mutations);
      return t;
    case 'select':
    case 'delete':
      checkConditions(t, operation.where);
      if (operation.op === 'select' && operation.columns !== undefined) {
        requireArray(operation.columns, 'columns', index, table.name);
        for (const name of operation.columns) column(t, name);
      }
      return t;
    case 'wait':
      checkConditions(t, operation.where);
      requireArray(operation.columns, 'columns', index, table.name);
      requireArray(operation.rows, 'rows', index, table.name);
      for (const name of operation.columns) column(t, name);
      for (const row of operation.rows) checkRow(t, row, 'wait');
      return t;
  }
  return t;
}

/**
 * The TableCheck of table `name` for operation `index`: `previous`, moved to `index`, when it
 * is of the same table. Throws for a table the schema does not have.
 */
function tableCheck(
  schema: DatabaseSchema,
  name: string,
  index: number,
  previous: TableCheck | undefined,
): TableCheck {
  if (previous !== undefined && previous.name === name) {
    previous.index = index;
    return previous;
  }
  const table = schema.tables.get(name);
  if (!table) {
    throw new InvalidOperationError('unknown-table', `database ${schema.name} has no table ${name}`, {
      operationIndex: index,
      table: name,
    });
  }
  return { table, name: table.name, rules: columnRules(table), index };
}

/**
 * Checks monitor conditions (`monitor_cond`'s `where`) of `table` as a transaction's
 * conditions are checked: a value ovsdb-server cannot read would close the connection.
 * Throws {@link InvalidOperationError} or `InvalidValueError`.
 */
export function validateConditions(table: TableSchema, conditions: readonly Condition[]): void {
  checkConditions({ table, name: table.name, rules: columnRules(table), index: -1 }, conditions);
}

/** A comment is a string as any other: no NUL, no lone surrogate (see atom.ts). */
function checkComment(comment: unknown, index: number): void {
  checkDatum({ key: { type: 'string' }, min: 1, max: 1 }, comment, { operation: index, column: 'comment' });
}

/** The operation being checked: its table's name and column rules, and its index. */
interface TableCheck {
  readonly table: TableSchema;
  readonly name: string;
  readonly rules: ReadonlyMap<string, ColumnRule>;
  index: number;
}

function column(t: TableCheck, name: string): ColumnRule {
  const found = t.rules.get(name);
  if (!found) {
    throw new InvalidOperationError('unknown-column', `table ${t.name} has no column ${name}`, {
      operationIndex: t.index,
      table: t.name,
      column: name,
    });
  }
  return found;
}

function checkRow(t: TableCheck, row: WireRow, kind: 'insert' | 'update' | 'wait'): void {
  if (!isJsonObject(row)) throw invalid(t, 'bad-operation', 'a row must be an object', undefined, row);
  for (const name in row) {
    const rule = column(t, name);
    const value = row[name];
    if (kind !== 'wait' && rule.implicit) {
      throw invalid(t, 'read-only-column', `column ${name} is set by the server`, name);
    }
    if (kind === 'update' && !rule.schema.mutable) {
      throw invalid(t, 'immutable-column', `column ${name} cannot be changed after insert`, name, value);
    }
    if (!rule.check(value)) fullCheck(t, rule.schema.type, name, value);
  }
}

function invalid(
  t: TableCheck,
  reason: InvalidOperationReason,
  message: string,
  column?: string,
  value?: unknown,
): InvalidOperationError {
  return new InvalidOperationError(reason, message, {
    operationIndex: t.index,
    table: t.name,
    ...(column === undefined ? {} : { column }),
    ...(value === undefined ? {} : { value }),
  });
}

// The quick checks confirm the common valid case without allocating; when one cannot, the full
// check decides, and builds the error.
function fullCheck(t: TableCheck, type: ColumnType, column: string, value: unknown): void {
  const where = t.index >= 0 ? { table: t.name, column, operation: t.index } : { table: t.name, column };
  checkDatum(type, value, where, { allowNamedUuid: true });
}

function checkConditions(t: TableCheck, conditions: readonly Condition[]): void {
  if (!Array.isArray(conditions)) throw invalid(t, 'bad-condition', 'where must be an array of conditions');
  for (const condition of conditions) {
    if (!Array.isArray(condition) || condition.length !== 3 || typeof condition[0] !== 'string') {
      throw invalid(t, 'bad-condition', 'a condition is [column, function, value]', undefined, condition);
    }
    const [name, fn, value] = condition;
    const rule = column(t, name);
    if (!conditionFunctions.has(fn)) {
      throw invalid(t, 'bad-condition', `unknown condition function ${JSON.stringify(fn)}`, name);
    }
    const type = rule.schema.type;
    const ordered = fn !== '==' && fn !== '!=' && fn !== 'includes' && fn !== 'excludes';
    const scalarNumber = type.min === 1 && type.max === 1 && !type.value;
    const numeric = type.key.type === 'integer' || type.key.type === 'real';
    if (ordered && !(scalarNumber && numeric)) {
      throw invalid(t, 'bad-condition', `function ${fn} applies only to integer or real scalars`, name);
    }
    // includes/excludes take any number of elements, whatever the column's min/max.
    if (fn === 'includes' || fn === 'excludes') {
      if (!rule.checkAnySize(value)) fullCheck(t, rule.anySizeType, name, value);
    } else if (!rule.check(value)) {
      fullCheck(t, type, name, value);
    }
  }
}

function checkMutations(t: TableCheck, mutations: readonly Mutation[]): void {
  for (const m of mutations) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string') {
      throw invalid(t, 'bad-mutation', 'a mutation is [column, mutator, value]', undefined, m);
    }
    const [name, mutator, value] = m;
    const rule = column(t, name);
    const type = rule.schema.type;
    if (rule.implicit || !rule.schema.mutable) {
      throw invalid(t, 'immutable-column', `column ${name} cannot be mutated`, name);
    }
    if (arithmeticMutators.has(mutator)) {
      const keyType = type.key.type;
      if (type.value || (keyType !== 'integer' && keyType !== 'real')) {
        throw invalid(t, 'bad-mutation', `mutator ${mutator} applies only to integer or real columns`, name);
      }
      // The operand is one atom of the column's type; range constraints apply to the result, not the operand.
      checkDatum({ key: { type: keyType }, min: 1, max: 1 }, value, {
        table: t.name,
        column: name,
        operation: t.index,
      });
    } else if (mutator === 'insert' || mutator === 'delete') {
      if (type.min === 1 && type.max === 1) {
        throw invalid(t, 'bad-mutation', `mutator ${mutator} applies only to sets and maps`, name);
      }
      if (mutator === 'delete' && isMapType(type) && !(Array.isArray(value) && value[0] === 'map')) {
        // Deleting from a map by keys: the operand is a set of keys.
        if (!rule.checkKeys(value)) fullCheck(t, rule.keysType, name, value);
      } else if (!rule.checkAnySize(value)) {
        fullCheck(t, rule.anySizeType, name, value);
      }
    } else {
      throw invalid(t, 'bad-mutation', `unknown mutator ${JSON.stringify(mutator)}`, name);
    }
  }
}
