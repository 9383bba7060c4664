/**
 * Typed operation builders over generated table descriptors. Each takes a descriptor (e.g.
 * `LogicalRouterTable`), checks rows and clauses against the generated row type at compile
 * time, encodes them with the row codec, and returns the plain wire operation of
 * protocol/operations.ts: typed and untyped (`op.*`) operations mix in one `transact` list.
 */
import { OvndbError } from '../errors.js';
import type { UuidString, WireRow } from '../protocol/notation.js';
import type {
  DeleteOperation,
  InsertOperation,
  MutateOperation,
  Operation,
  SelectOperation,
  UpdateOperation,
  WaitOperation,
} from '../protocol/operations.js';
import { insertedUuids } from '../protocol/results.js';
import type { TableDescriptor } from './descriptor.js';
import { encodeRow } from './row-encode.js';
import {
  type ColumnOf,
  encodeConditions,
  encodeMutation,
  type TypedCondition,
  type TypedMutation,
} from './typed-clauses.js';
import type { Uuid } from './uuid.js';
import { type NamedRef, namedRef, type RowWrite } from './write-markers.js';

/** An `insert` that carries its table name and `uuid-name` in its type, for {@link typedResults}. */
export interface TypedInsertOperation<Name extends string = string, UuidName extends string = string>
  extends InsertOperation {
  table: Name;
  'uuid-name'?: UuidName;
}

/** Options of {@link insertRow}. */
export interface InsertRowOptions<UuidName extends string = string> {
  /** Name by which later operations (and rows, through the returned `ref`) refer to the new row. */
  uuidName?: UuidName;
  /** The new row's UUID, chosen by the client (Open vSwitch extension). */
  uuid?: UuidString;
}

/**
 * What {@link insertRow} returns: the operation to put in the `transact` list and, when a
 * `uuidName` was given, a {@link NamedRef} to the new row for later rows and mutations of the
 * same transaction (undefined otherwise). One shape either way.
 */
export interface InsertedRow<
  Name extends string,
  Ref extends NamedRef<Name> | undefined,
  UuidName extends string = string,
> {
  /** The wire `insert` operation. */
  readonly operation: TypedInsertOperation<Name, UuidName>;
  /** Reference to the new row, present exactly when `uuidName` was given. */
  readonly ref: Ref;
}

/**
 * An `insert` of `row` into `table`. Throws `InvalidOperationError` for an unknown column and
 * `InvalidValueError` for a bad value, or for a `uuidName` that is not an identifier.
 *
 * @example
 * ```ts
 * const route = insertRow(LogicalRouterStaticRouteTable, { ip_prefix: '10.0.0.0/24', nexthop: '192.0.2.1' },
 *   { uuidName: 'route' });
 * const router = insertRow(LogicalRouterTable, { name: 'lr0', static_routes: [route.ref] }, { uuidName: 'lr' });
 * const results = await client.transact('OVN_Northbound', [route.operation, router.operation]);
 * ```
 */
export function insertRow<Name extends string, Row, const UuidName extends string>(
  table: TableDescriptor<Name, Row>,
  row: RowWrite<Row>,
  options: InsertRowOptions<UuidName> & { uuidName: UuidName },
): InsertedRow<Name, NamedRef<Name>, UuidName>;
export function insertRow<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  row: RowWrite<Row>,
  options?: InsertRowOptions<never>,
): InsertedRow<Name, undefined, never>;
export function insertRow<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  row: RowWrite<Row>,
  options: InsertRowOptions = {},
): InsertedRow<Name, NamedRef<Name> | undefined> {
  // Checked first: a bad name should not cost an encode.
  const ref = options.uuidName === undefined ? undefined : namedRef<Name>(options.uuidName);
  const operation: TypedInsertOperation<Name, string> = {
    op: 'insert',
    table: table.name,
    row: encodeRow(table, row as object),
  };
  if (options.uuidName !== undefined) operation['uuid-name'] = options.uuidName;
  if (options.uuid !== undefined) operation.uuid = options.uuid;
  return { operation, ref };
}

/**
 * An `update` setting the columns of `row` on every row of `table` matching `where`:
 * `undefined` leaves a column untouched, `CLEAR` empties it. Columns that cannot change after
 * insert are refused (`InvalidOperationError`, reason `immutable-column`).
 */
export function updateRows<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  where: ReadonlyArray<TypedCondition<Row>>,
  row: RowWrite<Row>,
): UpdateOperation {
  return {
    op: 'update',
    table: table.name,
    where: encodeConditions(table, where),
    row: encodeRow(table, row as object, { partial: true }),
  };
}

/** A `mutate` applying `mutations`, in order, to every row of `table` matching `where`. */
export function mutateRows<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  where: ReadonlyArray<TypedCondition<Row>>,
  mutations: ReadonlyArray<TypedMutation<Row>>,
): MutateOperation {
  const n = mutations.length;
  const wire = new Array<MutateOperation['mutations'][number]>(n);
  for (let i = 0; i < n; i++) wire[i] = encodeMutation(table, mutations[i]!);
  return { op: 'mutate', table: table.name, where: encodeConditions(table, where), mutations: wire };
}

/** A `delete` of every row of `table` matching `where`. */
export function deleteRows<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  where: ReadonlyArray<TypedCondition<Row>>,
): DeleteOperation {
  return { op: 'delete', table: table.name, where: encodeConditions(table, where) };
}

/**
 * A `select` of the rows of `table` matching `where` (all rows when empty), optionally only
 * `columns`. Decode each result row with `decodeRow(table, row)`.
 */
export function selectRows<Name extends string, Row>(
  table: TableDescriptor<Name, Row>,
  where: ReadonlyArray<TypedCondition<Row>> = [],
  columns?: ReadonlyArray<ColumnOf<Row>>,
): SelectOperation {
  const operation: SelectOperation = {
    op: 'select',
    table: table.name,
    where: encodeConditions(table, where),
  };
  if (columns !== undefined) operation.columns = [...columns];
  return operation;
}

/**
 * A `wait` until the `columns` of the rows of `table` matching `where` do (`==`) or do not
 * (`!=`) equal `rows`, for up to `timeout` ms (0: check once; omitted: forever). `rows` are
 * typed rows encoded like an insert's (give exactly the listed columns).
 */
export function waitRows<Name extends string, Row, const C extends ColumnOf<Row>>(
  table: TableDescriptor<Name, Row>,
  where: ReadonlyArray<TypedCondition<Row>>,
  columns: ReadonlyArray<C>,
  until: '==' | '!=',
  rows: ReadonlyArray<RowWrite<Pick<Row, C>>>,
  timeout?: number,
): WaitOperation {
  const n = rows.length;
  const wire = new Array<WireRow>(n);
  for (let i = 0; i < n; i++) wire[i] = encodeRow(table, rows[i] as object);
  const operation: WaitOperation = {
    op: 'wait',
    table: table.name,
    where: encodeConditions(table, where),
    columns: [...columns],
    until,
    rows: wire,
  };
  if (timeout !== undefined) operation.timeout = timeout;
  return operation;
}

/** The inserted rows' UUIDs by `uuid-name`, each typed with its table, for operations `O`. */
export type InsertedUuids<O extends Operation> = {
  [I in Extract<O, { op: 'insert'; 'uuid-name'?: string }> as I extends {
    'uuid-name'?: infer N extends string;
  }
    ? N
    : never]: Uuid<I['table']>;
};

/** A named insert of the operations has no UUID in the results (the reply was not a success). */
export class MissingInsertResultError extends OvndbError {
  /** The `uuid-name` without a result. */
  readonly uuidName: string;

  constructor(uuidName: string, operationIndex: number) {
    super(
      'OVNDB_MISSING_INSERT_RESULT',
      `no UUID in the results for insert "${uuidName}" (operation ${operationIndex}): was the reply a success?`,
    );
    this.uuidName = uuidName;
  }
}

/**
 * The UUIDs the server gave the named inserts of `operations`, by `uuid-name`, typed as
 * `Uuid<Table>` of each insert's table (insert with {@link insertRow} for precise names).
 * `results` is what `transact` resolved with. Throws {@link MissingInsertResultError} when a
 * named insert has no result.
 */
export function typedResults<const Ops extends ReadonlyArray<Operation>>(
  operations: Ops,
  results: ReadonlyArray<unknown>,
): InsertedUuids<Ops[number]> {
  const byName = insertedUuids(operations, results);
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]!;
    if (operation.op !== 'insert') continue;
    const name = operation['uuid-name'];
    if (name !== undefined && byName[name] === undefined) throw new MissingInsertResultError(name, i);
  }
  return byName as InsertedUuids<Ops[number]>;
}
