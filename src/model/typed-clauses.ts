/**
 * Typed `where` conditions and mutations for the typed operation builders (typed-ops.ts). A
 * clause names a column of the generated row type and holds a typed value; it is encoded to
 * its wire form only when an operation is built, because only then is the table (and so the
 * column's {@link ColumnType}) known.
 */
import { entryOf } from '../entry-of.js';
import type { ColumnType } from '../protocol/column-type.js';
import type { Condition, ConditionFunction } from '../protocol/conditions.js';
import type { ArithmeticMutator, Mutation, Mutator } from '../protocol/mutations.js';
import type { WireValue } from '../protocol/notation.js';
import { implicitColumnType } from '../protocol/schema.js';
import { InvalidOperationError } from '../protocol/validation.js';
import { encodeValueOf } from './row-encode.js';
import { CLEAR, type WriteValue } from './write-markers.js';

// Type-only key for the phantom row type of a clause: it never exists at runtime.
declare const clauseRow: unique symbol;

/** A column of row type `Row` that a clause may name (`_uuid` included, for lookups by UUID). */
export type ColumnOf<Row> = keyof Row & string;

/** A column type without `undefined` (optional columns). */
export type Present<V> = Exclude<V, undefined>;
/** True for map columns (records and Maps), false for sets and scalars. */
export type IsMap<V> = [Present<V>] extends [ReadonlyArray<unknown>]
  ? false
  : [Present<V>] extends [ReadonlyMap<unknown, unknown>]
    ? true
    : [Present<V>] extends [object]
      ? true
      : false;
/** The element type of a set column; for a scalar or optional column, the value itself. */
export type ElementOf<V> = [Present<V>] extends [ReadonlyArray<infer E>] ? E : Present<V>;
/** The key type of a map column. */
export type KeyOf<V> = [Present<V>] extends [ReadonlyMap<infer K, unknown>] ? K : keyof Present<V>;

/**
 * The typed value a condition with function `F` takes for a column of type `V`:
 * `==`/`!=` the column's own type (`undefined` = empty, for optional columns);
 * `includes`/`excludes` an array of elements (a partial map for map columns);
 * `<`, `<=`, `>=`, `>` a number, and only for integer and real columns.
 */
export type ConditionValue<V, F extends ConditionFunction> = F extends 'includes' | 'excludes'
  ? IsMap<V> extends true
    ? Present<V>
    : ReadonlyArray<ElementOf<V>>
  : F extends '<' | '<=' | '>=' | '>'
    ? [Present<V>] extends [number | bigint]
      ? Present<V>
      : never
    : V;

/**
 * The typed value a mutation with mutator `M` takes for a column of type `V`: arithmetic
 * mutators a number, and only for integer and real columns (or sets of them); `insert` an
 * array of elements (a partial map for map columns), where UUIDs may be `NamedRef`s; `delete`
 * an array of elements, and for map columns a partial map or an array of keys.
 */
export type MutationValue<V, M extends Mutator> = M extends ArithmeticMutator
  ? [ElementOf<V>] extends [number | bigint]
    ? ElementOf<V>
    : never
  : IsMap<V> extends true
    ? M extends 'delete'
      ? WriteValue<Present<V>> | ReadonlyArray<KeyOf<V>>
      : WriteValue<Present<V>>
    : ReadonlyArray<WriteValue<ElementOf<V>>>;

/** A condition on a column of row type `Row`, still typed. Make one with {@link whereColumn}. */
export interface TypedCondition<Row> {
  /** The column compared. */
  readonly column: ColumnOf<Row>;
  /** The comparison function. */
  readonly fn: ConditionFunction;
  /** The typed value, encoded when the operation is built. */
  readonly value: unknown;
  /** Phantom: the row type. Absent at runtime; only for type checks. */
  readonly [clauseRow]?: Row;
}

/** A mutation of a column of row type `Row`, still typed. Make one with {@link mutateColumn}. */
export interface TypedMutation<Row> {
  /** The column changed. */
  readonly column: ColumnOf<Row>;
  /** The mutator. */
  readonly mutator: Mutator;
  /** The typed value, encoded when the operation is built. */
  readonly value: unknown;
  /** Phantom: the row type. Absent at runtime; only for type checks. */
  readonly [clauseRow]?: Row;
}

/**
 * A typed condition `[column, fn, value]`. The row type comes from where the condition is
 * used (e.g. `updateRows(LogicalRouterTable, [whereColumn('name', '==', 'lr0')], ...)`), or
 * is given explicitly as `whereColumn<LogicalRouter, 'name', '=='>(...)`. Named `whereColumn`
 * so it does not clash with the untyped `where` of protocol/conditions.ts.
 */
export function whereColumn<Row, K extends ColumnOf<Row>, F extends ConditionFunction>(
  column: K,
  fn: F,
  value: ConditionValue<Row[K], F>,
): TypedCondition<Row> {
  return { column, fn, value };
}

/** A typed mutation `[column, mutator, value]`; the row type comes from where it is used. */
export function mutateColumn<Row, K extends ColumnOf<Row>, M extends Mutator>(
  column: K,
  mutator: M,
  value: MutationValue<Row[K], M>,
): TypedMutation<Row> {
  return { column, mutator, value };
}

/** A condition of any row type, as the encoders see it. */
export interface AnyCondition {
  readonly column: string;
  readonly fn: ConditionFunction;
  readonly value: unknown;
}

/** A mutation of any row type, as the encoders see it. */
export interface AnyMutation {
  readonly column: string;
  readonly mutator: Mutator;
  readonly value: unknown;
}

/** What encoding a clause needs of its table. */
export interface ClauseTable {
  readonly name: string;
  readonly columns: ReadonlyMap<string, { readonly type: ColumnType }>;
}

// `_uuid` and `_version` are not declared columns but may be compared.

function columnType(
  table: ClauseTable,
  column: string,
  reason: 'bad-condition' | 'bad-mutation',
): ColumnType {
  const found = table.columns.get(column)?.type;
  if (found !== undefined) return found;
  const implicit = implicitColumnType(column);
  if (implicit !== undefined) {
    if (reason === 'bad-condition') return implicit;
    throw new InvalidOperationError('read-only-column', `column ${column} is set by the server`, {
      operationIndex: -1,
      table: table.name,
      column,
    });
  }
  throw new InvalidOperationError('unknown-column', `table ${table.name} has no column ${column}`, {
    operationIndex: -1,
    table: table.name,
    column,
  });
}

// Like ovsdb-server, a clause's value may be empty, and for includes/excludes and collection
// mutations may hold any number of elements. The relaxed types are made once per column type
// (schema and descriptor types live as long as their schema), not per clause built.
const relaxedExact = new WeakMap<ColumnType, ColumnType>();
const relaxedAnyCount = new WeakMap<ColumnType, ColumnType>();
const relaxedKeys = new WeakMap<ColumnType, ColumnType>();
const scalarElement = new WeakMap<ColumnType, ColumnType>();

/** `type` with no fewer than 0 elements, and with `max` elements at most. */
function withMin0(type: ColumnType, max: number): ColumnType {
  return type.value === undefined
    ? { key: type.key, min: 0, max }
    : { key: type.key, value: type.value, min: 0, max };
}
const exactCount = (type: ColumnType): ColumnType => withMin0(type, type.max);
const anyCountOf = (type: ColumnType): ColumnType => withMin0(type, Number.POSITIVE_INFINITY);

function relaxed(type: ColumnType, anyCount: boolean): ColumnType {
  return anyCount ? entryOf(relaxedAnyCount, type, anyCountOf) : entryOf(relaxedExact, type, exactCount);
}

const keySet = (type: ColumnType): ColumnType => ({ key: type.key, min: 0, max: Number.POSITIVE_INFINITY });
const oneElement = (type: ColumnType): ColumnType => ({ key: type.key, min: 1, max: 1 });

/** The keys of map type `type` as a set of any size: a map `delete`'s operand. */
const keysOf = (type: ColumnType): ColumnType => entryOf(relaxedKeys, type, keySet);

/** One element of `type`: an arithmetic mutation's operand. */
const elementOf = (type: ColumnType): ColumnType => entryOf(scalarElement, type, oneElement);

/** The wire form of `condition` for table `table`. Throws for an unknown column or a bad value. */
export function encodeCondition(table: ClauseTable, condition: AnyCondition): Condition {
  const { column, fn } = condition;
  const type = columnType(table, column, 'bad-condition');
  const value = condition.value === undefined ? CLEAR : condition.value;
  const anyCount = fn === 'includes' || fn === 'excludes';
  return [column, fn, encodeValueOf(relaxed(type, anyCount), value, table.name, column)];
}

/** The wire form of `mutation` for table `table`. Throws for an unknown column or a bad value. */
export function encodeMutation(table: ClauseTable, mutation: AnyMutation): Mutation {
  const { column, mutator, value } = mutation;
  const type = columnType(table, column, 'bad-mutation');
  let wire: WireValue;
  if (mutator === 'insert' || mutator === 'delete') {
    // Deleting from a map by key: the value is a set of keys.
    const keysOnly = mutator === 'delete' && type.value !== undefined && Array.isArray(value);
    wire = encodeValueOf(keysOnly ? keysOf(type) : relaxed(type, true), value, table.name, column);
  } else {
    // Arithmetic applies a scalar of the element type.
    wire = encodeValueOf(elementOf(type), value, table.name, column);
  }
  return [column, mutator, wire];
}

/** Wire conditions of `conditions`, in order. */
export function encodeConditions(table: ClauseTable, conditions: ReadonlyArray<AnyCondition>): Condition[] {
  const n = conditions.length;
  const out = new Array<Condition>(n);
  for (let i = 0; i < n; i++) out[i] = encodeCondition(table, conditions[i]!);
  return out;
}
