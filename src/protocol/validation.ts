/**
 * Client-side checking of operations against the database schema, so that bad input fails
 * with an error naming the table, column and value before anything is sent.
 */
import { OvndbError } from '../errors.js';
import { type ColumnType, isMapType } from './column-type.js';
import type { Condition } from './conditions.js';
import { conditionFunctions } from './conditions.js';
import { checkDatum } from './datum.js';
import { quickCheckFor } from './fast-check.js';
import type { Mutation } from './mutations.js';
import { arithmeticMutators } from './mutations.js';
import type { WireRow } from './notation.js';
import type { Operation } from './operations.js';
import type { ColumnSchema, DatabaseSchema, TableSchema } from './schema.js';

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

const UUID_TYPE: ColumnType = { key: { type: 'uuid' }, min: 1, max: 1 };

// Columns every table has without declaring them; readable, never writable.
const IMPLICIT: ReadonlyMap<string, ColumnSchema> = new Map(
  ['_uuid', '_version'].map((name) => [name, { name, type: UUID_TYPE, ephemeral: false, mutable: false }]),
);

function implicitColumn(name: string): ColumnSchema | undefined {
  return IMPLICIT.get(name);
}

/**
 * Checks every operation of a transaction against `schema`. Throws the first problem found as
 * {@link InvalidOperationError} (unknown table or column, immutable column, bad condition or
 * mutator) or `InvalidValueError` (a value outside its column's type or constraints).
 */
export function validateOperations(schema: DatabaseSchema, operations: readonly Operation[]): void {
  for (let i = 0; i < operations.length; i++) validateOperation(schema, operations[i]!, i);
}

const ID = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

/**
 * Throws unless `name` is an OVSDB <id> (letters, digits and underscores, not starting with a
 * digit), as lock names and `uuid-name`s must be; the server would answer `syntax error`.
 */
export function checkId(
  name: unknown,
  what: string,
  where: { operationIndex: number; table?: string } = { operationIndex: -1 },
): void {
  if (typeof name !== 'string' || !ID.test(name)) {
    throw new InvalidOperationError(
      'bad-operation',
      `${what} must be letters, digits and underscores, not starting with a digit`,
      {
        ...where,
        value: name,
      },
    );
  }
}

function validateOperation(schema: DatabaseSchema, operation: Operation, index: number): void {
  if (operation.op === 'assert') checkId(operation.lock, 'a lock name', { operationIndex: index });
  if (!('table' in operation)) return;
  const table = schema.tables.get(operation.table);
  if (!table) {
    throw new InvalidOperationError(
      'unknown-table',
      `database ${schema.name} has no table ${operation.table}`,
      {
        operationIndex: index,
        table: operation.table,
      },
    );
  }
  switch (operation.op) {
    case 'insert':
      if (operation['uuid-name'] !== undefined) {
        checkId(operation['uuid-name'], 'a uuid-name', { operationIndex: index, table: table.name });
      }
      checkRow(table, operation.row, index, 'insert');
      return;
    case 'update':
      checkConditions(table, operation.where, index);
      checkRow(table, operation.row, index, 'update');
      return;
    case 'mutate':
      checkConditions(table, operation.where, index);
      checkMutations(table, operation.mutations, index);
      return;
    case 'select':
    case 'delete':
      checkConditions(table, operation.where, index);
      if (operation.op === 'select' && operation.columns) {
        for (const name of operation.columns) column(table, name, index);
      }
      return;
    case 'wait':
      checkConditions(table, operation.where, index);
      for (const name of operation.columns) column(table, name, index);
      for (const row of operation.rows) checkRow(table, row, index, 'wait');
      return;
  }
}

function column(table: TableSchema, name: string, index: number): ColumnSchema {
  const found = table.columns.get(name) ?? implicitColumn(name);
  if (!found) {
    throw new InvalidOperationError('unknown-column', `table ${table.name} has no column ${name}`, {
      operationIndex: index,
      table: table.name,
      column: name,
    });
  }
  return found;
}

function checkRow(table: TableSchema, row: WireRow, index: number, kind: 'insert' | 'update' | 'wait'): void {
  for (const name in row) {
    const col = column(table, name, index);
    const value = row[name];
    if (kind !== 'wait' && implicitColumn(name)) {
      throw new InvalidOperationError('read-only-column', `column ${name} is set by the server`, {
        operationIndex: index,
        table: table.name,
        column: name,
      });
    }
    if (kind === 'update' && !col.mutable) {
      throw new InvalidOperationError('immutable-column', `column ${name} cannot be changed after insert`, {
        operationIndex: index,
        table: table.name,
        column: name,
        value,
      });
    }
    checkValue(col.type, value, table.name, name, index);
  }
}

// The quick check confirms the common valid case without allocating; the full check decides
// the rest and builds the error.
function checkValue(type: ColumnType, value: unknown, table: string, column: string, index: number): void {
  if (quickCheckFor(type)(value)) return;
  checkDatum(type, value, { table, column, operation: index }, { allowNamedUuid: true });
}

// includes/excludes and set mutators take any number of elements, whatever the column's min/max.
const anySizeTypes = new WeakMap<ColumnType, ColumnType>();
function anySize(type: ColumnType): ColumnType {
  let relaxed = anySizeTypes.get(type);
  if (relaxed === undefined) {
    relaxed = { ...type, min: 0, max: Number.POSITIVE_INFINITY };
    anySizeTypes.set(type, relaxed);
  }
  return relaxed;
}

function checkConditions(table: TableSchema, conditions: readonly Condition[], index: number): void {
  if (!Array.isArray(conditions)) {
    throw new InvalidOperationError('bad-condition', 'where must be an array of conditions', {
      operationIndex: index,
      table: table.name,
    });
  }
  for (const condition of conditions) {
    if (!Array.isArray(condition) || condition.length !== 3 || typeof condition[0] !== 'string') {
      throw new InvalidOperationError('bad-condition', 'a condition is [column, function, value]', {
        operationIndex: index,
        table: table.name,
        value: condition,
      });
    }
    const [name, fn, value] = condition;
    const col = column(table, name, index);
    if (!conditionFunctions.has(fn)) {
      throw new InvalidOperationError('bad-condition', `unknown condition function ${JSON.stringify(fn)}`, {
        operationIndex: index,
        table: table.name,
        column: name,
      });
    }
    const ordered = fn !== '==' && fn !== '!=' && fn !== 'includes' && fn !== 'excludes';
    const scalarNumber = col.type.min === 1 && col.type.max === 1 && !col.type.value;
    const numeric = col.type.key.type === 'integer' || col.type.key.type === 'real';
    if (ordered && !(scalarNumber && numeric)) {
      throw new InvalidOperationError(
        'bad-condition',
        `function ${fn} applies only to integer or real scalars`,
        {
          operationIndex: index,
          table: table.name,
          column: name,
        },
      );
    }
    const type = fn === 'includes' || fn === 'excludes' ? anySize(col.type) : col.type;
    checkValue(type, value, table.name, name, index);
  }
}

function checkMutations(table: TableSchema, mutations: readonly Mutation[], index: number): void {
  for (const m of mutations) {
    if (!Array.isArray(m) || m.length !== 3 || typeof m[0] !== 'string') {
      throw new InvalidOperationError('bad-mutation', 'a mutation is [column, mutator, value]', {
        operationIndex: index,
        table: table.name,
        value: m,
      });
    }
    const [name, mutator, value] = m;
    const col = column(table, name, index);
    if (implicitColumn(name) || !col.mutable) {
      throw new InvalidOperationError('immutable-column', `column ${name} cannot be mutated`, {
        operationIndex: index,
        table: table.name,
        column: name,
      });
    }
    if (arithmeticMutators.has(mutator)) {
      const keyType = col.type.key.type;
      if (col.type.value || (keyType !== 'integer' && keyType !== 'real')) {
        throw new InvalidOperationError(
          'bad-mutation',
          `mutator ${mutator} applies only to integer or real columns`,
          {
            operationIndex: index,
            table: table.name,
            column: name,
          },
        );
      }
      // The operand is one atom of the column's type; range constraints apply to the result, not the operand.
      checkDatum({ key: { type: keyType }, min: 1, max: 1 }, value, {
        table: table.name,
        column: name,
        operation: index,
      });
    } else if (mutator === 'insert' || mutator === 'delete') {
      if (col.type.min === 1 && col.type.max === 1) {
        throw new InvalidOperationError('bad-mutation', `mutator ${mutator} applies only to sets and maps`, {
          operationIndex: index,
          table: table.name,
          column: name,
        });
      }
      if (mutator === 'delete' && isMapType(col.type) && !(Array.isArray(value) && value[0] === 'map')) {
        // Deleting from a map by keys: the operand is a set of keys.
        const keys = { key: col.type.key, min: 0, max: Number.POSITIVE_INFINITY };
        checkValue(keys, value, table.name, name, index);
      } else {
        checkValue(anySize(col.type), value, table.name, name, index);
      }
    } else {
      throw new InvalidOperationError('bad-mutation', `unknown mutator ${JSON.stringify(mutator)}`, {
        operationIndex: index,
        table: table.name,
        column: name,
      });
    }
  }
}
