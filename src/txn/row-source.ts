/**
 * Where a transaction's reads come from. The default reads through the client with a
 * `select` per read; an in-memory replica can implement the same interface and answer
 * synchronously, which is why every method may return a plain value or a promise.
 */
import type { OvsdbClient } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import { decodeRow } from '../model/row-decode.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import { selectRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { SelectResult } from '../protocol/results.js';
import { descriptorOf } from './descriptor-of.js';
import { clientTarget, isClient, type TransactionTarget } from './transaction-target.js';

/** A value now, or later. */
export type MaybePromise<V> = V | Promise<V>;

/** A table name of the database described by tables map `T`. */
export type TableNameOf<T extends object> = keyof T & string;

/** What a read may be given besides its target. */
export interface ReadContext {
  /** Aborts the read when it is a request on the wire. */
  signal?: AbortSignal;
}

/**
 * Typed rows of the database with tables map `T` (the generated `Tables`), as the transaction
 * runner reads them. Rows are full rows (every column the source has) decoded as the row codec
 * decodes them (`decodeRow`): an empty optional column is absent.
 */
export interface RowSource<T extends object> {
  /**
   * True when every read comes from one consistent snapshot (a replica applies each server
   * transaction at once): a body that only reads from it needs no commit to prove its reads
   * consistent. @default false
   */
  readonly snapshot?: boolean;
  /** The row of `table` with UUID `uuid`, or undefined when there is none. */
  get<K extends TableNameOf<T>>(
    table: K,
    uuid: Uuid<K>,
    context?: ReadContext,
  ): MaybePromise<T[K] | undefined>;
  /** The rows of `table` matching every condition of `where` (all rows when empty). */
  select<K extends TableNameOf<T>>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[K]>>,
    context?: ReadContext,
  ): MaybePromise<ReadonlyArray<T[K]>>;
}

/** The condition `_uuid == uuid` for any row type: `_uuid` is a column of every table. */
export function uuidCondition<Row>(uuid: unknown): TypedCondition<Row> {
  return { column: '_uuid' as TypedCondition<Row>['column'], fn: '==', value: uuid };
}

/**
 * A {@link RowSource} that reads from the server: each read is one `transact` with one
 * `select`, decoded with the model's descriptors, through a client or any database handle (a
 * session resends a read whose reply was lost). Every read sees the latest committed state,
 * so a retried transaction always starts from fresh rows.
 */
export function clientRowSource<T extends object>(
  target: OvsdbClient | TransactionTarget,
  model: DatabaseModel<T>,
): RowSource<T> {
  const database = isClient(target) ? clientTarget(target, model.name) : target;
  async function select<K extends TableNameOf<T>>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[K]>>,
    context?: ReadContext,
  ): Promise<T[K][]> {
    const descriptor = descriptorOf(model, table);
    const options = context?.signal === undefined ? {} : { signal: context.signal };
    const [result] = await database.transact([selectRows(descriptor, where)], options);
    const rows = (result as SelectResult).rows;
    const n = rows.length;
    const out = new Array<T[K]>(n);
    for (let i = 0; i < n; i++) out[i] = decodeRow(descriptor, rows[i]!);
    return out;
  }
  return {
    select,
    async get(table, uuid, context) {
      const rows = await select(table, [uuidCondition(uuid)], context);
      return rows[0];
    },
  };
}
