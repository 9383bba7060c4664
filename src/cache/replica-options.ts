/** What a replica monitors and how: the options of {@link Replica.start}. */
import type { ColumnOf, TypedCondition } from '../model/typed-clauses.js';
import type { IndexSpec } from './row-index.js';

/** Progress of the initial contents. */
export interface SyncProgress {
  /** Rows applied so far. */
  readonly rows: number;
  /** Rows in the initial contents. */
  readonly totalRows: number;
  /** Tables in the initial contents. */
  readonly tables: number;
  /** Size of the reply that carried them, in bytes, when it was big enough to arrive in parts. */
  readonly bytes?: number;
}

/** Which monitor method keeps the replica: `auto` tries them newest first. */
export type MonitorMethod = 'auto' | 'monitor_cond_since' | 'monitor_cond' | 'monitor';

/** How one table is replicated. */
export interface ReplicaTableOptions<Row> {
  /**
   * Columns to replicate. Default: every column the server has (so columns a newer server
   * adds arrive too, untyped). Columns the server lacks are left out and reported in the skew.
   */
  columns?: ReadonlyArray<ColumnOf<Row>>;
  /**
   * Replicate only rows matching any of these conditions (monitor_cond semantics: a row is
   * included when one clause holds; `true`/`false` select all/none). Default: every row.
   * Change later with {@link Replica.setCondition}.
   */
  where?: ReadonlyArray<TypedCondition<Row> | boolean>;
  /**
   * Client indexes, besides the schema's own unique indexes. Their names and parts become part
   * of the replica's type when the options are written in the call (see `Replica.find`).
   */
  indexes?: ReadonlyArray<IndexSpec<Row>>;
}

/** The tables a replica replicates, each `true` (all rows and columns) or with its options. */
export type ReplicaTablesOption<T extends object> = {
  [K in keyof T & string]?: ReplicaTableOptions<T[K]> | true;
};

/**
 * Options of {@link Replica.start}. `Tables` is the type of the `tables` option, kept literal
 * by `Replica.start` so that the client indexes it declares become part of the replica's type.
 */
export interface ReplicaOptions<
  T extends object,
  Tables extends ReplicaTablesOption<T> = ReplicaTablesOption<T>,
> {
  /**
   * Tables to replicate (`true` for all rows and columns). Default: every table of the model
   * that the server has.
   */
  tables?: Tables;
  /**
   * Tables the server has and the model does not, replicated untyped by name.
   * @default none
   */
  extraTables?: ReadonlyArray<string>;
  /** @default 'auto' */
  method?: MonitorMethod;
  /**
   * Rows applied per slice of the initial contents (and of a resync) before the event loop
   * gets a turn, so a big initial dump does not block timers and I/O for long. A slice also
   * ends after 256 KiB of row JSON or 5 ms, whichever comes first.
   * @default 2000
   */
  initialSliceRows?: number;
  /**
   * Called while the initial contents are applied, after each slice and at the end (rows
   * applied so far, rows in total): progress for big dumps.
   */
  onProgress?: (progress: SyncProgress) => void;
  /** Aborts starting. */
  signal?: AbortSignal;
}

/** The defaults of {@link ReplicaOptions}, in one place. */
export const defaultReplicaOptions = Object.freeze({ initialSliceRows: 2000 });
