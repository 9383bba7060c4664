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
import type { CallOptions } from '../client/options.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { SchemaSkew } from '../model/schema-skew.js';
import { ServerSchemaView } from '../model/server-schema-view.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import { UnknownMethodError } from '../protocol/server-errors.js';
import { type TableUpdates, type TableUpdates2, ZERO_TXN_ID } from '../protocol/updates.js';
import { ConnectionClosedError, InactivityTimeoutError } from '../rpc/rpc-errors.js';
import { isLazyResult, type LazyResult } from '../rpc/segmented-frame.js';
import {
  applyUpdates1,
  applyUpdates2,
  applyUpdates2Sliced,
  type ChangeSink,
  type ClientFilter,
  listRows,
  type Resolve,
} from './apply-updates.js';
import type { Change, RowChange } from './change.js';
import {
  ChangeStream,
  ChangeStreamClosedError,
  type ChangeStreamOptions,
  type ReadPauser,
} from './change-stream.js';
import { encodeMonitorCondition, type MonitorPlan, planMonitor } from './monitor-plan.js';
import { methodOrder, monitorRequests } from './monitor-request.js';
import { ReadHolds } from './read-holds.js';
import { type ConditionEntry, ReplicaConditions } from './replica-conditions.js';
import type { MonitorMethod, ReplicaOptions, SyncProgress } from './replica-options.js';
import { resyncTables } from './resync.js';

export type { SyncProgress } from './replica-options.js';

import {
  ConditionChangeUnsupportedError,
  MonitorCanceledError,
  ReplicaAlreadySyncedError,
  ReplicaClosedError,
  type ReplicaEvents,
  ReplicaSuspendedError,
  ReplicatedTableRemovedError,
  type ResumeInfo,
  ResumeUnavailableError,
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
  ReplicaSuspendedError,
  ReplicatedTableRemovedError,
  type ResumeInfo,
  ResumeUnavailableError,
  TableNotReplicatedError,
} from './replica-events.js';

let nextMonitorNumber = 1;

type Pending =
  | { method: 'update'; updates: TableUpdates }
  | { method: 'update2'; updates: TableUpdates2; lastTxnId?: string };

type Method = Exclude<MonitorMethod, 'auto'>;

/** A monitor request's answer, before it is applied. */
interface MonitorReply {
  readonly method: Method;
  /** The reply's JSON (its outline, when lazy). */
  readonly root: unknown;
  readonly lazy: LazyResult | undefined;
  /** The conditions the request carried. */
  readonly sent: Map<string, ConditionEntry>;
  readonly filters: Map<string, ClientFilter>;
}

const identity: Resolve = (value) => value;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function isConnectionLoss(error: unknown): boolean {
  return error instanceof ConnectionClosedError || error instanceof InactivityTimeoutError;
}

/** A replica of one database. Start one with {@link Replica.start}. */
export class Replica<T extends object> extends EventEmitter<ReplicaEvents<T>> implements ReadPauser {
  private stores = new Map<string, TableStore>();
  private filters = new Map<string, ClientFilter>();
  private readonly streams = new Set<ChangeStream<Change<T>>>();
  private readonly monitorId: string;
  private readonly holds = new ReadHolds();
  private readonly conditions: ReplicaConditions;
  private currentClient: OvsdbClient;
  private currentView: ServerSchemaView;
  private detach: () => void = () => {};
  /** Messages that arrived while the initial contents were still being applied. */
  private pending: Pending[] | undefined = [];
  private stopped: Error | undefined;
  private usedMethod: Method = 'monitor_cond_since';
  private txnId: string = ZERO_TXN_ID;
  private syncStarted = false;
  private synced = false;
  private resumable = false;
  /** Why the replica is suspended (resumable mode, connection lost); undefined while live. */
  private suspendedBy: ReplicaSuspendedError | undefined;
  /** True while a monitor is being set up again (resume, or after `monitor_canceled`). */
  private reestablishing = false;
  /** Bumped each time a monitor is set up again: answers to older requests are stale. */
  private epoch = 0;
  /** The server canceled the monitor (schema changed): the next monitor re-reads the schema. */
  private replanNeeded = false;
  /** Resumes and re-monitors run one at a time, in order. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    client: OvsdbClient,
    readonly model: DatabaseModel<T>,
    readonly database: string,
    view: ServerSchemaView,
    private plan: MonitorPlan,
    private readonly options: ReplicaOptions<T>,
  ) {
    super();
    this.monitorId = `ovndb-${database}-${nextMonitorNumber++}`;
    this.currentClient = client;
    this.currentView = view;
    this.stores = buildStores(plan);
    this.conditions = new ReplicaConditions(plan);
    this.detach = this.attach(client);
    this.holds.attach(client);
  }

  /** Listens to `client` for this replica's monitor; returns what stops listening. */
  private attach(client: OvsdbClient): () => void {
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
      if (client.state.status !== 'closed') return;
      const error = client.state.error;
      if (this.resumable) this.suspend(error);
      else this.stop(error ?? new ReplicaClosedError());
    };
    const onCanceled = (id: unknown) => {
      if (id !== this.monitorId) return;
      if (!this.resumable) {
        this.stop(new MonitorCanceledError(this.database));
        return;
      }
      this.replanNeeded = true;
      void this.serialize(() => this.remonitor(client)).catch(() => {});
    };
    client.on('update', onUpdate);
    client.on('update2', onUpdate2);
    client.on('update3', onUpdate3);
    client.on('state', onState);
    client.on('monitorCanceled', onCanceled);
    return () => {
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

  /** The client the replica uses (after a resume, the one it resumed on). */
  get client(): OvsdbClient {
    return this.currentClient;
  }

  /** The server's schema seen through the model: `has`, and what the model lacks or has extra. */
  get view(): ServerSchemaView {
    return this.currentView;
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
      this.synced = true;
    } catch (error) {
      this.stop(error instanceof Error ? error : new ReplicaClosedError(new Error(String(error))));
      throw error;
    }
  }

  private async monitor(options: ReplicaOptions<T>): Promise<void> {
    const call = options.signal ? { signal: options.signal } : {};
    const reply = await this.requestMonitor(this.currentClient, this.plan, ZERO_TXN_ID, call);
    this.filters = reply.filters;
    const { root, lazy } = reply;
    if (reply.method === 'monitor') {
      this.applyInitial1(root as TableUpdates, lazy?.resolve);
    } else if (reply.method === 'monitor_cond') {
      await this.applyInitial2(root as TableUpdates2, options, lazy);
    } else {
      const [, lastTxnId, updates] = root as [boolean, string, TableUpdates2];
      this.txnId = lastTxnId;
      await this.applyInitial2(updates, options, lazy);
    }
    this.conditions.established(reply.sent);
    this.drainPending();
  }

  /**
   * Sends the monitor request of `plan` with the conditions in force, trying older methods
   * when the server does not know a newer one (with `method: 'auto'`).
   */
  private async requestMonitor(
    client: OvsdbClient,
    plan: MonitorPlan,
    since: string,
    call: CallOptions,
  ): Promise<MonitorReply> {
    const order = methodOrder(this.options.method ?? 'auto');
    for (let i = 0; ; i++) {
      const method = order[i] as Method;
      this.usedMethod = method;
      const sent = this.conditions.snapshot();
      // A table new to the plan (after a schema change) starts with the plan's condition.
      const whereOf = (table: string) => {
        const entry = sent.get(table);
        return entry === undefined ? plan.tables.get(table)?.where : entry.where;
      };
      const { requests, filters } = monitorRequests(plan, whereOf, method);
      const params: unknown[] =
        method === 'monitor_cond_since'
          ? [this.database, this.monitorId, requests, since]
          : [this.database, this.monitorId, requests];
      try {
        // A big reply comes lazily: rows are parsed as they are applied, a slice at a time.
        const reply = await client.monitorInitial(method, this.database, params, call);
        const lazy = isLazyResult(reply) ? reply : undefined;
        return { method, root: lazy === undefined ? reply : lazy.root, lazy, sent, filters };
      } catch (error) {
        // An older server lacks the newer methods: fall back to the next one.
        if (error instanceof UnknownMethodError && i + 1 < order.length) continue;
        throw error;
      }
    }
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
    await nextTurn();
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
        return nextTurn();
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
    if (this.stopped !== undefined) return;
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
    const stream = new ChangeStream<Change<T>>(this, (s) => this.streams.delete(s), options);
    // A stream whose signal had already fired is born closed and needs no changes.
    if (!stream.closed) this.streams.add(stream);
    return stream;
  }

  /**
   * @internal The streams' read pauser: holds are counted here, so that a hold taken on one
   * connection is taken again on the one the replica resumes on.
   */
  pauseReading(): () => void {
    return this.holds.pauseReading();
  }

  /**
   * Replaces the monitor condition of `table` (`monitor_cond_change`): rows that start to
   * match arrive as inserts, rows that stop matching leave as deletes. With the `monitor`
   * method the replica cannot ask the server for rows it filtered out, so this throws there.
   *
   * On a resumable replica whose connection is lost before the server answers (or while it
   * is suspended), this resolves once the replica resumed with the new condition.
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
    if (this.stopped !== undefined) throw new ReplicaClosedError(this.stopped);
    const entry = this.conditions.ask(table, wire);
    if (!this.resumable) {
      try {
        await this.client.monitorCondChange(this.monitorId, this.monitorId, { [table]: [{ where: wire }] });
      } catch (error) {
        this.conditions.refused(table, entry, error);
        throw error;
      }
      this.conditions.acknowledged(table, entry);
      return;
    }
    const done = this.conditions.wait(table, entry);
    // While suspended or re-monitoring, the next monitor request carries the condition.
    if (this.suspendedBy === undefined && !this.reestablishing) void this.sendCondition(table, entry);
    return done;
  }

  /** Sends one table's condition on the live monitor (resumable mode). */
  private async sendCondition(table: string, entry: ConditionEntry): Promise<void> {
    const client = this.client;
    const epoch = this.epoch;
    try {
      await client.monitorCondChange(this.monitorId, this.monitorId, { [table]: [{ where: entry.where }] });
      if (epoch === this.epoch) this.conditions.acknowledged(table, entry);
    } catch (error) {
      // A monitor set up since carried the condition; a lost connection leaves it to the resume.
      if (epoch !== this.epoch || this.stopped !== undefined) return;
      if (client.state.status !== 'open' || isConnectionLoss(error)) return;
      this.conditions.refused(table, entry, error);
    }
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
    this.detach = () => {};
    this.holds.detach();
    this.conditions.failAll(new ReplicaClosedError(this.stopped));
    const failure = error === undefined ? undefined : new ChangeStreamClosedError(error);
    for (const stream of this.streams) stream.close(failure);
    this.streams.clear();
    this.emit('closed', error);
  }

  // ---- resuming -------------------------------------------------------------------------

  /**
   * @internal Resumable mode, for reconnecting sessions: when the connection closes the
   * replica does not stop but is {@link suspended} (it keeps its rows and streams) until
   * {@link resume}; and when the server cancels the monitor after an online conversion, the
   * replica re-reads the schema and monitors again on the same connection.
   */
  enableResume(): void {
    this.resumable = true;
  }

  /** @internal True while a resumable replica waits for (or is in) a {@link resume}. */
  get suspended(): boolean {
    return this.suspendedBy !== undefined && this.stopped === undefined;
  }

  private suspend(cause?: unknown): void {
    if (this.stopped !== undefined || this.suspendedBy !== undefined) return;
    const error = new ReplicaSuspendedError(cause);
    this.suspendedBy = error;
    this.detach();
    this.detach = () => {};
    this.holds.detach();
    this.emit('suspended', error);
  }

  /**
   * @internal Moves the replica to `client` and monitors again with the same monitor id, plan
   * and the latest conditions. With monitor_cond_since the server is asked for the changes
   * since the replica's last transaction; when it has them (`found`) they are applied as
   * ordinary changes. Otherwise (or with the older methods, or when a condition changed since
   * the server last acknowledged one) its full contents are compared with what the replica
   * holds and only the difference is applied and reported. Updates arriving meanwhile wait and
   * follow. On failure the replica stays suspended and another resume may be tried.
   */
  resume(client: OvsdbClient, options: { signal?: AbortSignal } = {}): Promise<ResumeInfo> {
    return this.serialize(async () => {
      if (this.stopped !== undefined) throw new ReplicaClosedError(this.stopped);
      if (!this.resumable) throw new ResumeUnavailableError('not-resumable');
      if (!this.synced) throw new ResumeUnavailableError('not-synced');
      const old = this.currentClient;
      if (this.suspendedBy === undefined) {
        // Leaving a live connection: its monitor is not needed any more.
        this.suspend();
        if (old.state.status === 'open') {
          const canceled = old.monitorCancel(this.monitorId).catch(() => {});
          // The same connection cannot take the monitor id again before the cancel is done.
          if (old === client) await canceled;
        }
      }
      this.currentClient = client;
      this.detach = this.attach(client);
      try {
        return await this.establish(client, options.signal);
      } catch (error) {
        if (this.stopped === undefined && this.currentClient === client) {
          this.detach();
          this.detach = () => {};
          if (client.state.status === 'open') await client.monitorCancel(this.monitorId).catch(() => {});
        }
        if (error instanceof ReplicatedTableRemovedError) this.stop(error);
        throw error;
      }
    });
  }

  /** After `monitor_canceled` (resumable mode): the same connection, the new schema. */
  private async remonitor(client: OvsdbClient): Promise<void> {
    // Suspended or moved: the next resume re-reads the schema.
    if (this.stopped !== undefined || this.suspendedBy !== undefined || this.currentClient !== client) return;
    try {
      await this.establish(client, undefined);
    } catch (error) {
      if (this.stopped !== undefined) return;
      if (client.state.status !== 'open' || isConnectionLoss(error)) {
        this.suspend(client.state.status === 'closed' ? client.state.error : error);
        return;
      }
      this.stop(error instanceof Error ? error : new ReplicaClosedError(new Error(String(error))));
    }
  }

  private serialize<R>(task: () => Promise<R>): Promise<R> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => {});
    return run;
  }

  /**
   * Sets the monitor up again on `client` (already listened to) and brings the replica to the
   * server's contents. Changes the rows only once the reply is there; until it succeeds the
   * replica stays as it was (suspended, when it was).
   */
  private async establish(client: OvsdbClient, signal: AbortSignal | undefined): Promise<ResumeInfo> {
    const epoch = ++this.epoch;
    this.reestablishing = true;
    this.pending = [];
    // The reply must be read even while a stream lags: holds are taken again once resumed.
    this.holds.detach();
    const check = (): void => {
      if (this.stopped !== undefined) throw new ReplicaClosedError(this.stopped);
      signal?.throwIfAborted();
      if (client.state.status !== 'open') {
        const cause = client.state.status === 'closed' ? client.state.error : undefined;
        throw new ConnectionClosedError('the connection closed while the replica resumed', cause);
      }
    };
    const call: CallOptions = signal ? { signal } : {};
    try {
      check();
      let plan = this.plan;
      let view: ServerSchemaView | undefined;
      if (this.replanNeeded) {
        const server = await client.getSchema(this.database, call);
        check();
        plan = planMonitor(this.model, server, this.options);
        const removed = [...this.stores.keys()].filter((table) => !plan.tables.has(table));
        if (removed.length > 0) throw new ReplicatedTableRemovedError(this.database, removed);
        view = new ServerSchemaView(this.model, server);
      }
      // Changes since the last transaction are only right under the conditions then in force.
      const full = view !== undefined || this.conditions.unacknowledged();
      const reply = await this.requestMonitor(client, plan, full ? ZERO_TXN_ID : this.txnId, call);
      check();
      await nextTurn();
      check();
      // Until the reply is wholly applied the replica is at no server transaction.
      this.txnId = ZERO_TXN_ID;
      const { found, rows, lastTxnId } = await this.applyResume(reply, plan, view, check);
      if (reply.method === 'monitor_cond_since') this.txnId = lastTxnId;
      this.filters = reply.filters;
      this.conditions.established(reply.sent);
      this.emit('batch', {
        rows,
        lastTxnId: reply.method === 'monitor_cond_since' ? lastTxnId : undefined,
        initial: false,
      });
      this.suspendedBy = undefined;
      this.reestablishing = false;
      this.drainPending();
      if (this.stopped !== undefined) throw new ReplicaClosedError(this.stopped);
      this.holds.attach(client);
      // Conditions asked for while the request was out follow on the new monitor.
      for (const [table, entry] of this.conditions.behind()) void this.sendCondition(table, entry);
      const info: ResumeInfo = { found, method: reply.method, rows };
      this.emit('resumed', info);
      return info;
    } catch (error) {
      if (epoch === this.epoch) this.pending = undefined;
      throw error;
    } finally {
      if (epoch === this.epoch) this.reestablishing = false;
    }
  }

  /** Applies a resumed monitor's reply: the changes since, or the difference with its contents. */
  private async applyResume(
    reply: MonitorReply,
    plan: MonitorPlan,
    view: ServerSchemaView | undefined,
    check: () => void,
  ): Promise<{ found: boolean; rows: number; lastTxnId: string }> {
    const { lazy } = reply;
    const sliceRows = Math.max(1, this.options.initialSliceRows ?? 2000);
    const yieldTurn = async (): Promise<void> => {
      await nextTurn();
      check();
    };
    let found = false;
    let lastTxnId = ZERO_TXN_ID;
    let contents = reply.root as TableUpdates | TableUpdates2;
    if (reply.method === 'monitor_cond_since') {
      const [wasFound, last, updates] = reply.root as [boolean, string, TableUpdates2];
      found = wasFound;
      lastTxnId = last;
      contents = updates;
    }
    if (found) {
      const resolve = lazy?.resolve ?? identity;
      const listed = listRows(
        this.stores,
        contents as TableUpdates2,
        resolve,
        lazy?.bytesOf,
        lazy?.resolveInPieces,
      );
      const rows = await applyUpdates2Sliced(this.stores, listed, this.sink(), sliceRows, yieldTurn, resolve);
      return { found, rows, lastTxnId };
    }
    const format = reply.method === 'monitor' ? 'update' : 'update2';
    if (view === undefined) {
      const rows = await resyncTables(this.stores, this.stores, contents, {
        format,
        filters: reply.filters,
        lazy,
        sink: this.sink(),
        sliceRows,
        yieldTurn,
      });
      return { found, rows, lastTxnId };
    }
    // A new schema: the rows go into new stores, swapped in whole once complete, and the
    // changes are reported after the swap so that listeners read the new stores.
    const stores = buildStores(plan);
    const changes: RowChange[] = [];
    const rows = await resyncTables(this.stores, stores, contents, {
      format,
      filters: reply.filters,
      lazy,
      sink: (change) => changes.push(change),
      sliceRows,
      yieldTurn,
    });
    check();
    this.stores = stores;
    this.plan = plan;
    this.currentView = view;
    this.conditions.replan(plan);
    this.replanNeeded = false;
    const sink = this.sink();
    if (sink !== undefined) for (const change of changes) sink(change);
    return { found, rows, lastTxnId };
  }
}

/** An empty store, with its indexes, for every table of `plan`. */
function buildStores(plan: MonitorPlan): Map<string, TableStore> {
  const stores = new Map<string, TableStore>();
  for (const [name, table] of plan.tables) {
    const store = new TableStore(table.schema, table.columns);
    for (const index of table.indexes) store.addIndex(index);
    stores.set(name, store);
  }
  return stores;
}
