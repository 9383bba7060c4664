/**
 * An in-memory replica of an OVSDB database, kept up to date by a monitor: typed reads
 * (`get`, `list`, `find` by index, `where`), change events and lossless change streams.
 *
 * Updates are applied synchronously, in the order the server sent them, as each message is
 * read. The server sends a transaction's update before its reply on the same session, so
 * once a `transact` through the same client resolves, the replica already shows its effect
 * (read-your-writes), and a transaction that touches nothing monitored costs no wait at all.
 */
import { EventEmitter } from 'eventemitter3';
import type { OvsdbClient } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { SchemaSkew } from '../model/schema-skew.js';
import { ServerSchemaView } from '../model/server-schema-view.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import { UnknownMethodError } from '../protocol/server-errors.js';
import {
  type MonitorCondRequest,
  type TableUpdates,
  type TableUpdates2,
  ZERO_TXN_ID,
} from '../protocol/updates.js';
import { isLazyResult, type LazyResult } from '../rpc/segmented-frame.js';
import {
  applyUpdates1,
  applyUpdates2,
  applyUpdates2Sliced,
  type ChangeSink,
  type ClientFilter,
  clientFilter,
  listRows,
  type Resolve,
} from './apply-updates.js';
import type { Change, RowChange } from './change.js';
import { ChangeStream, ChangeStreamClosedError, type ChangeStreamOptions } from './change-stream.js';
import { encodeMonitorCondition, type MonitorPlan, planMonitor } from './monitor-plan.js';
import type { MonitorMethod, ReplicaOptions, SyncProgress } from './replica-options.js';

export type { SyncProgress } from './replica-options.js';

import {
  ConditionChangeUnsupportedError,
  MonitorCanceledError,
  ReplicaAlreadySyncedError,
  ReplicaClosedError,
  type ReplicaEvents,
  TableNotReplicatedError,
} from './replica-events.js';
import { TableStore } from './table-store.js';

export {
  type BatchInfo,
  ConditionChangeUnsupportedError,
  MonitorCanceledError,
  ReplicaAlreadySyncedError,
  ReplicaClosedError,
  type ReplicaEvents,
  TableNotReplicatedError,
} from './replica-events.js';

let nextMonitorNumber = 1;

type Pending =
  | { method: 'update'; updates: TableUpdates }
  | { method: 'update2'; updates: TableUpdates2; lastTxnId?: string };

/** A replica of one database. Start one with {@link Replica.start}. */
export class Replica<T extends object> extends EventEmitter<ReplicaEvents<T>> {
  private readonly stores = new Map<string, TableStore>();
  private readonly filters = new Map<string, ClientFilter>();
  private readonly streams = new Set<ChangeStream<Change<T>>>();
  private readonly monitorId: string;
  private readonly detach: () => void;
  /** Messages that arrived while the initial contents were still being applied. */
  private pending: Pending[] | undefined = [];
  private stopped: Error | undefined;
  private usedMethod: Exclude<MonitorMethod, 'auto'> = 'monitor_cond_since';
  private txnId: string = ZERO_TXN_ID;
  private syncStarted = false;

  private constructor(
    readonly client: OvsdbClient,
    readonly model: DatabaseModel<T>,
    readonly database: string,
    /** The server's schema seen through the model: `has`, and what the model lacks or has extra. */
    readonly view: ServerSchemaView,
    private readonly plan: MonitorPlan,
    private readonly options: ReplicaOptions<T>,
  ) {
    super();
    this.monitorId = `ovndb-${database}-${nextMonitorNumber++}`;
    for (const [name, table] of plan.tables) {
      const store = new TableStore(table.schema, table.columns);
      for (const index of table.indexes) store.addIndex(index);
      this.stores.set(name, store);
    }
    const onUpdate = (id: unknown, updates: TableUpdates) => {
      if (id === this.monitorId) this.receive({ method: 'update', updates });
    };
    const onUpdate2 = (id: unknown, updates: TableUpdates2) => {
      if (id === this.monitorId) this.receive({ method: 'update2', updates });
    };
    const onUpdate3 = (id: unknown, lastTxnId: string, updates: TableUpdates2) => {
      if (id === this.monitorId) this.receive({ method: 'update2', updates, lastTxnId });
    };
    const onState = () => {
      if (client.state.status === 'closed') this.stop(client.state.error ?? new ReplicaClosedError());
    };
    const onCanceled = (id: unknown) => {
      if (id === this.monitorId) this.stop(new MonitorCanceledError(database));
    };
    client.on('update', onUpdate);
    client.on('update2', onUpdate2);
    client.on('update3', onUpdate3);
    client.on('state', onState);
    client.on('monitorCanceled', onCanceled);
    this.detach = () => {
      client.off('update', onUpdate);
      client.off('update2', onUpdate2);
      client.off('update3', onUpdate3);
      client.off('state', onState);
      client.off('monitorCanceled', onCanceled);
    };
  }

  /**
   * Starts replicating `model`'s database over `client`: reads the server's schema, compares
   * it with the model (every difference is in {@link Replica.skew}; columns and tables the
   * server lacks are left out of the monitor), monitors, and applies the initial contents.
   * Resolves once the replica holds them. To see the initial contents as change events too,
   * use {@link Replica.create}, attach listeners or streams, then {@link Replica.sync}.
   */
  static async start<T extends object>(
    client: OvsdbClient,
    model: DatabaseModel<T>,
    options: ReplicaOptions<T> = {},
  ): Promise<Replica<T>> {
    const replica = await Replica.create(client, model, options);
    await replica.sync();
    return replica;
  }

  /**
   * A replica not yet monitoring: the server's schema is read and compared with the model,
   * and the plan is made, but nothing is replicated until {@link Replica.sync}. Listeners and
   * streams attached in between see the initial contents as `insert` changes (`initial: true`).
   */
  static async create<T extends object>(
    client: OvsdbClient,
    model: DatabaseModel<T>,
    options: ReplicaOptions<T> = {},
  ): Promise<Replica<T>> {
    const server = await client.getSchema(model.name, options.signal ? { signal: options.signal } : {});
    const view = new ServerSchemaView(model, server);
    return new Replica(client, model, model.name, view, planMonitor(model, server, options), options);
  }

  /**
   * Sends the monitor request and applies the initial contents; resolves once the replica
   * holds them. Call once, after {@link Replica.create}. When it fails the replica stops.
   */
  async sync(): Promise<void> {
    if (this.syncStarted) throw new ReplicaAlreadySyncedError();
    this.syncStarted = true;
    try {
      await this.monitor(this.options);
    } catch (error) {
      this.stop(error instanceof Error ? error : new ReplicaClosedError(new Error(String(error))));
      throw error;
    }
  }

  private async monitor(options: ReplicaOptions<T>): Promise<void> {
    const method = options.method ?? 'auto';
    const signal = options.signal;
    const call = signal ? { signal } : {};
    const order: Array<Exclude<MonitorMethod, 'auto'>> =
      method === 'auto' ? ['monitor_cond_since', 'monitor_cond', 'monitor'] : [method];
    for (let i = 0; i < order.length; i++) {
      const m = order[i] as Exclude<MonitorMethod, 'auto'>;
      try {
        this.usedMethod = m;
        const requests = this.requests(m);
        const params: unknown[] =
          m === 'monitor_cond_since'
            ? [this.database, this.monitorId, requests, ZERO_TXN_ID]
            : [this.database, this.monitorId, requests];
        // A big initial reply comes lazily: rows are parsed as they are applied, a slice at a time.
        const reply = await this.client.monitorInitial(m, this.database, params, call);
        const lazy = isLazyResult(reply) ? reply : undefined;
        const root = lazy === undefined ? reply : lazy.root;
        if (m === 'monitor') {
          this.applyInitial1(root as TableUpdates, lazy?.resolve);
        } else if (m === 'monitor_cond') {
          await this.applyInitial2(root as TableUpdates2, options, lazy);
        } else {
          const [, lastTxnId, updates] = root as [boolean, string, TableUpdates2];
          this.txnId = lastTxnId;
          await this.applyInitial2(updates, options, lazy);
        }
        this.drainPending();
        return;
      } catch (error) {
        // An older server lacks the newer methods: fall back to the next one.
        if (error instanceof UnknownMethodError && i + 1 < order.length) continue;
        throw error;
      }
    }
  }

  /**
   * The monitor request of every planned table. `monitor` has no conditions: the replica then
   * filters on its side, so the columns a condition tests are monitored too.
   */
  private requests(method: Exclude<MonitorMethod, 'auto'>): Record<string, MonitorCondRequest> {
    this.filters.clear();
    const out: Record<string, MonitorCondRequest> = {};
    for (const [name, table] of this.plan.tables) {
      const request: MonitorCondRequest = {};
      const columns = table.columns === undefined ? undefined : new Set(table.columns);
      if (table.where !== undefined && method === 'monitor') {
        const filter = clientFilter(table.schema, table.where);
        this.filters.set(name, filter);
        for (const clause of filter.condition) if (clause.kind === 'test') columns?.add(clause.column.name);
      } else if (table.where !== undefined) {
        request.where = table.where;
      }
      if (columns !== undefined) request.columns = [...columns];
      out[name] = request;
    }
    return out;
  }

  private sink(): ChangeSink {
    if (this.streams.size === 0 && this.listenerCount('change') === 0) return undefined;
    return (change: RowChange) => {
      const typed = change as Change<T>;
      this.emit('change', typed);
      for (const stream of this.streams) stream.push(typed);
    };
  }

  private applyInitial1(updates: TableUpdates, resolve: Resolve | undefined): void {
    const rows = applyUpdates1(this.stores, updates, this.filters, true, this.sink(), resolve);
    this.emit('batch', { rows, lastTxnId: undefined, initial: true });
  }

  private async applyInitial2(
    updates: TableUpdates2,
    options: ReplicaOptions<T>,
    lazy: LazyResult | undefined,
  ): Promise<void> {
    // Give the event loop a turn between receiving the reply and applying it.
    await new Promise((next) => setImmediate(next));
    const resolve = lazy?.resolve;
    const listed = listRows(this.stores, updates, resolve, lazy?.bytesOf, lazy?.resolveInPieces);
    const tables = listed.length;
    let totalRows = 0;
    for (const t of listed) totalRows += t.count;
    const sliceRows = Math.max(1, options.initialSliceRows ?? 2000);
    const bytes = lazy?.bytes;
    const report = (rows: number) => {
      const progress: SyncProgress =
        bytes === undefined ? { rows, totalRows, tables } : { rows, totalRows, tables, bytes };
      options.onProgress?.(progress);
      this.emit('progress', progress);
    };
    const rows = await applyUpdates2Sliced(
      this.stores,
      listed,
      this.sink(),
      sliceRows,
      (done) => {
        report(done);
        return new Promise((next) => setImmediate(next));
      },
      resolve,
    );
    report(rows);
    this.emit('batch', {
      rows,
      lastTxnId: this.usedMethod === 'monitor_cond_since' ? this.txnId : undefined,
      initial: true,
    });
  }

  private receive(message: Pending): void {
    if (this.stopped !== undefined) return;
    if (this.pending !== undefined) {
      this.pending.push(message);
      return;
    }
    this.apply(message);
  }

  private drainPending(): void {
    const queued = this.pending ?? [];
    this.pending = undefined;
    for (const message of queued) this.apply(message);
  }

  private apply(message: Pending): void {
    try {
      let rows: number;
      if (message.method === 'update') {
        rows = applyUpdates1(this.stores, message.updates, this.filters, false, this.sink());
      } else {
        rows = applyUpdates2(this.stores, message.updates, this.sink());
        if (message.lastTxnId !== undefined) this.txnId = message.lastTxnId;
      }
      this.emit('batch', {
        rows,
        lastTxnId: message.method === 'update2' ? message.lastTxnId : undefined,
        initial: false,
      });
    } catch (error) {
      // A message the replica cannot apply leaves it unreliable: stop rather than serve wrong data.
      this.stop(error instanceof Error ? error : new ReplicaClosedError(new Error(String(error))));
    }
  }

  /** The monitor method in use (after falling back, with `method: 'auto'`). */
  get method(): Exclude<MonitorMethod, 'auto'> {
    return this.usedMethod;
  }

  /** The id of the newest transaction applied (monitor_cond_since; all zeros otherwise). */
  get lastTxnId(): string {
    return this.txnId;
  }

  /** Every difference between the model's schema and the server's, found at start. */
  get skew(): SchemaSkew {
    return this.view.skew;
  }

  /** Tables and `table.column`s the replica was asked for (or the model has) that the server lacks. */
  get leftOut(): ReadonlyArray<string> {
    return this.plan.leftOut;
  }

  /** True when the server has the table (and the column, when given). */
  has(table: string, column?: string): boolean {
    return this.view.has(table, column);
  }

  /** Names of the replicated tables. */
  get tables(): ReadonlyArray<string> {
    return [...this.stores.keys()];
  }

  private store(table: string): TableStore {
    const store = this.stores.get(table);
    if (store === undefined) throw new TableNotReplicatedError(table);
    return store;
  }

  /** The row of `table` with UUID `uuid`, or undefined. */
  get<K extends keyof T & string>(table: K, uuid: string): T[K] | undefined {
    return this.store(table).get(uuid) as T[K] | undefined;
  }

  /** Every row of `table`, in no particular order. */
  list<K extends keyof T & string>(table: K): T[K][] {
    return [...this.store(table).values()] as T[K][];
  }

  /** Iterates the rows of `table` without copying them into an array. */
  rows<K extends keyof T & string>(table: K): IterableIterator<T[K]> {
    return this.store(table).values() as IterableIterator<T[K]>;
  }

  /** Number of rows of `table`. */
  count<K extends keyof T & string>(table: K): number {
    return this.store(table).size;
  }

  /** Rows of `table` for which `predicate` holds (a scan of the table). */
  where<K extends keyof T & string>(table: K, predicate: (row: T[K]) => boolean): T[K][] {
    const out: T[K][] = [];
    for (const row of this.store(table).values()) if (predicate(row as T[K])) out.push(row as T[K]);
    return out;
  }

  /**
   * Rows of `table` whose key in index `index` equals `values` (one value per index part).
   * Schema indexes are named by their columns joined with `+` (`name`, `chassis+name`).
   */
  find<K extends keyof T & string>(table: K, index: string, ...values: unknown[]): T[K][] {
    return this.store(table).find(index, values) as T[K][];
  }

  /** The one row {@link find} would return (the first, for a non-unique index), or undefined. */
  findOne<K extends keyof T & string>(table: K, index: string, ...values: unknown[]): T[K] | undefined {
    return this.store(table).find(index, values)[0] as T[K] | undefined;
  }

  /** Index names of `table`. */
  indexes<K extends keyof T & string>(table: K): string[] {
    return this.store(table).indexNames();
  }

  /**
   * A lossless stream of every change from now on, in order. Reading from the server pauses
   * while the stream's consumer lags by `highWaterMark` changes (see {@link ChangeStream}).
   */
  changes(options: ChangeStreamOptions = {}): ChangeStream<Change<T>> {
    if (this.stopped !== undefined) throw new ReplicaClosedError(this.stopped);
    const stream = new ChangeStream<Change<T>>(this.client, (s) => this.streams.delete(s), options);
    // A stream whose signal had already fired is born closed and needs no changes.
    if (!stream.closed) this.streams.add(stream);
    return stream;
  }

  /**
   * Replaces the monitor condition of `table` (`monitor_cond_change`): rows that start to
   * match arrive as inserts, rows that stop matching leave as deletes. With the `monitor`
   * method the replica cannot ask the server for rows it filtered out, so this throws there.
   */
  async setCondition<K extends keyof T & string>(
    table: K,
    where: ReadonlyArray<TypedCondition<T[K]> | boolean>,
  ): Promise<void> {
    const store = this.store(table);
    if (this.usedMethod === 'monitor') {
      throw new ConditionChangeUnsupportedError(table);
    }
    const wire = encodeMonitorCondition(store.schema, where);
    await this.client.monitorCondChange(this.monitorId, this.monitorId, { [table]: [{ where: wire }] });
  }

  /** Stops the monitor (when the connection is still open) and ends every change stream. */
  async close(): Promise<void> {
    if (this.stopped !== undefined) return;
    this.stop();
    if (this.client.state.status === 'open') {
      try {
        await this.client.monitorCancel(this.monitorId);
      } catch {
        // The monitor is gone either way; the connection may have closed meanwhile.
      }
    }
  }

  private stop(error?: Error): void {
    if (this.stopped !== undefined) return;
    this.stopped = error ?? new ReplicaClosedError();
    this.detach();
    const failure = error === undefined ? undefined : new ChangeStreamClosedError(error);
    for (const stream of this.streams) stream.close(failure);
    this.streams.clear();
    this.emit('closed', error);
  }
}
