/**
 * RFC 7047 §5.2 operations and the Open vSwitch extensions to them (client-chosen `uuid` on
 * insert). Builders return plain wire objects; one `transact` call sends a list of them.
 */
import type { Condition } from './conditions.js';
import type { Mutation } from './mutations.js';
import type { UuidString, WireRow, WireValue } from './notation.js';

/** `insert`: adds a row. `uuid-name` lets later operations refer to it as `["named-uuid", name]`. */
export interface InsertOperation {
  op: 'insert';
  table: string;
  row: WireRow;
  'uuid-name'?: string;
  /** Open vSwitch extension: the row's UUID, chosen by the client. Reuse fails with `duplicate uuid`. */
  uuid?: UuidString;
}
/** `select`: reads the rows that match `where`, optionally only some columns. */
export interface SelectOperation {
  op: 'select';
  table: string;
  where: Condition[];
  columns?: string[];
}
/** `update`: sets columns of every matching row. */
export interface UpdateOperation {
  op: 'update';
  table: string;
  where: Condition[];
  row: WireRow;
}
/** `mutate`: changes columns of every matching row relative to their current value. */
export interface MutateOperation {
  op: 'mutate';
  table: string;
  where: Condition[];
  mutations: Mutation[];
}
/** `delete`: removes every matching row. */
export interface DeleteOperation {
  op: 'delete';
  table: string;
  where: Condition[];
}
/** `wait`: blocks (up to `timeout` ms) until the selected rows do, or do not, equal `rows`. */
export interface WaitOperation {
  op: 'wait';
  table: string;
  where: Condition[];
  columns: string[];
  until: '==' | '!=';
  rows: WireRow[];
  timeout?: number;
}
/** `commit`: with `durable: true`, asks for the transaction to be on disk before the reply. */
export interface CommitOperation {
  op: 'commit';
  durable: boolean;
}
/** `abort`: makes the transaction fail with `aborted`. */
export interface AbortOperation {
  op: 'abort';
}
/** `comment`: text written to the database log with the transaction. */
export interface CommentOperation {
  op: 'comment';
  comment: string;
}
/** `assert`: the transaction fails with `not owner` unless this session holds the lock. */
export interface AssertOperation {
  op: 'assert';
  lock: string;
}

/** Any operation of a `transact` request. */
export type Operation =
  | InsertOperation
  | SelectOperation
  | UpdateOperation
  | MutateOperation
  | DeleteOperation
  | WaitOperation
  | CommitOperation
  | AbortOperation
  | CommentOperation
  | AssertOperation;

/** Operations that name a table. */
export type TableOperation = Extract<Operation, { table: string }>;

/** Options of {@link op.insert}. */
export interface InsertOptions {
  /** Name by which later operations of the same transaction refer to the new row. */
  uuidName?: string;
  /** The new row's UUID, chosen by the client (Open vSwitch extension). */
  uuid?: UuidString;
}

/** Options of {@link op.wait}. */
export interface WaitOptions {
  /** Milliseconds the server may wait; 0 checks once (optimistic concurrency). Omitted: forever. */
  timeout?: number;
}

function insert(table: string, row: WireRow, options: InsertOptions = {}): InsertOperation {
  const operation: InsertOperation = { op: 'insert', table, row };
  if (options.uuidName !== undefined) operation['uuid-name'] = options.uuidName;
  if (options.uuid !== undefined) operation.uuid = options.uuid;
  return operation;
}

function select(table: string, where: Condition[] = [], columns?: string[]): SelectOperation {
  return columns === undefined ? { op: 'select', table, where } : { op: 'select', table, where, columns };
}

function wait(
  table: string,
  where: Condition[],
  columns: string[],
  until: '==' | '!=',
  rows: WireRow[],
  options: WaitOptions = {},
): WaitOperation {
  const operation: WaitOperation = { op: 'wait', table, where, columns, until, rows };
  if (options.timeout !== undefined) operation.timeout = options.timeout;
  return operation;
}

/**
 * Builders for every operation. Each returns the wire object; nothing is sent until the list
 * is passed to `transact`, so operations from several helpers compose into one atomic transaction.
 *
 * @example
 * ```ts
 * await client.transact('OVN_Northbound', [
 *   op.insert('Logical_Router_Static_Route', { ip_prefix: '10.0.0.0/24', nexthop: '1.1.1.1' }, { uuidName: 'r' }),
 *   op.mutate('Logical_Router', [['name', '==', 'lr0']], [['static_routes', 'insert', ['named-uuid', 'r']]]),
 * ]);
 * ```
 */
export const op = {
  insert,
  select,
  /** Sets the columns in `row` on every row matching `where`. */
  update: (table: string, where: Condition[], row: WireRow): UpdateOperation => ({
    op: 'update',
    table,
    where,
    row,
  }),
  /** Applies `mutations` to every row matching `where`. */
  mutate: (table: string, where: Condition[], mutations: Mutation[]): MutateOperation => ({
    op: 'mutate',
    table,
    where,
    mutations,
  }),
  /** Deletes every row matching `where`. */
  delete: (table: string, where: Condition[]): DeleteOperation => ({ op: 'delete', table, where }),
  wait,
  /** Asks for a durable commit. */
  commit: (durable = true): CommitOperation => ({ op: 'commit', durable }),
  /** Makes the transaction fail on purpose. */
  abort: (): AbortOperation => ({ op: 'abort' }),
  /** Adds a comment to the database log. */
  comment: (comment: string): CommentOperation => ({ op: 'comment', comment }),
  /** Requires that this session holds `lock`. */
  assert: (lock: string): AssertOperation => ({ op: 'assert', lock }),
} as const;

/** The wire value `["uuid", id]`. */
export function uuidRef(id: UuidString): WireValue {
  return ['uuid', id];
}

/** The wire value `["named-uuid", name]`. */
export function namedUuid(name: string): WireValue {
  return ['named-uuid', name];
}
