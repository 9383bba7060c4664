/**
 * What one replica holds and every part of it works on: its stores, plan, schema view,
 * client, monitor id, conditions, read holds and streams, the transaction it is at, and how
 * it stops. The facade (`Replica`), the update feed, the initial sync and the resume
 * machinery all share one of these, so that each lives in its own module; they read it
 * freely and change it only through the methods below, each named for the step it records.
 */
import type { EventEmitter } from 'eventemitter3';
import type { DatabaseModel } from '../model/descriptor.js';
import type { ServerSchemaView } from '../model/server-schema-view.js';
import type { MonitorNotice } from '../protocol/monitor-notice.js';
import { ZERO_TXN_ID } from '../protocol/updates.js';
import type { ChangeSink, ClientFilter } from './apply-updates.js';
import type { Change, RowChange } from './change.js';
import { ChangeStream, ChangeStreamClosedError, type ChangeStreamOptions } from './change-stream.js';
import type { MonitorPlan } from './monitor-plan.js';
import { ReadHolds } from './read-holds.js';
import type { ReplicaClient } from './replica-client.js';
import { ReplicaConditions } from './replica-conditions.js';
import { ReplicaClosedError, type ReplicaEvents, TableNotReplicatedError } from './replica-events.js';
import { type FeedHandlers, listenForUpdates } from './replica-feed.js';
import { defaultReplicaOptions, type MonitorMethod, type ReplicaOptions } from './replica-options.js';
import type { IndexSpec } from './row-index.js';
import { TableStore } from './table-store.js';

/** A monitor method actually sent (never `auto`). */
export type Method = Exclude<MonitorMethod, 'auto'>;

/**
 * One update notification, as received for the replica's monitor: the updates of a big one
 * unparsed (a `LazyReply`), to be applied a slice at a time.
 */
export type Pending = MonitorNotice;

let nextMonitorNumber = 1;

/** The shared state of one replica (internal to src/cache). */
export class ReplicaState<T extends object> {
  readonly monitorId: string;
  readonly holds = new ReadHolds();
  readonly conditions: ReplicaConditions;
  private tableStores: Map<string, TableStore>;
  /** Client indexes added after start (`Replica.ensureIndex`), by table. */
  private readonly addedIndexes = new Map<string, IndexSpec[]>();
  private clientFilters: ReadonlyMap<string, ClientFilter> = new Map();
  private readonly streams = new Set<ChangeStream<Change<T>>>();
  private connection: ReplicaClient;
  private schemaView: ServerSchemaView;
  private monitorPlan: MonitorPlan;
  /** Stops listening to the client's notifications for this monitor. */
  private detach: () => void = () => {};
  /** Messages that arrived while a monitor reply was still being applied; undefined: none wait. */
  private held: Pending[] | undefined = [];
  /** The apply of a big update under way over several turns; undefined when none is. */
  private stagedApply: Promise<void> | undefined;
  /** Messages that arrived during {@link stagedApply}, to follow it in order. */
  private afterStaged: Pending[] = [];
  private stopReason: Error | undefined;
  private method: Method = 'monitor_cond_since';
  private lastTxnId: string = ZERO_TXN_ID;
  private initialApplied = false;

  constructor(
    /** The replica itself, which emits the events. */
    readonly events: EventEmitter<ReplicaEvents<T>>,
    client: ReplicaClient,
    readonly model: DatabaseModel<T>,
    readonly database: string,
    view: ServerSchemaView,
    plan: MonitorPlan,
    readonly options: ReplicaOptions<T>,
  ) {
    this.monitorId = `ovndb-${database}-${nextMonitorNumber++}`;
    this.connection = client;
    this.schemaView = view;
    this.monitorPlan = plan;
    this.tableStores = buildStores(plan);
    this.conditions = new ReplicaConditions(plan);
  }

  // ---- what the replica is at ----------------------------------------------------------

  /** The client the replica monitors over. */
  get client(): ReplicaClient {
    return this.connection;
  }

  /** The server's schema seen through the model. */
  get view(): ServerSchemaView {
    return this.schemaView;
  }

  /** What the replica monitors. */
  get plan(): MonitorPlan {
    return this.monitorPlan;
  }

  /** The table stores, by table name. */
  get stores(): ReadonlyMap<string, TableStore> {
    return this.tableStores;
  }

  /** Client-side row filters of the `monitor` method, by table. */
  get filters(): ReadonlyMap<string, ClientFilter> {
    return this.clientFilters;
  }

  /** The monitor method of the latest monitor request. */
  get usedMethod(): Method {
    return this.method;
  }

  /** The newest transaction applied (monitor_cond_since; all zeros otherwise). */
  get txnId(): string {
    return this.lastTxnId;
  }

  /** True once the initial contents were applied: only then can the replica resume. */
  get synced(): boolean {
    return this.initialApplied;
  }

  /** Why the replica stopped; undefined while it runs. */
  get stopped(): Error | undefined {
    return this.stopReason;
  }

  /** The store of `table`; throws when the table is not replicated. */
  store(table: string): TableStore {
    const store = this.tableStores.get(table);
    if (store === undefined) throw new TableNotReplicatedError(table);
    return store;
  }

  /**
   * Adds client index `spec` to `table` unless the table has an index of that name; kept across
   * schema changes. True when the index was added.
   */
  ensureIndex(table: string, spec: IndexSpec): boolean {
    const store = this.store(table);
    if (store.hasIndex(spec.name)) return false;
    store.addIndex(spec);
    const specs = this.addedIndexes.get(table);
    if (specs === undefined) this.addedIndexes.set(table, [spec]);
    else specs.push(spec);
    return true;
  }

  /** Throws `ReplicaClosedError` once the replica stopped. */
  assertRunning(): void {
    if (this.stopReason !== undefined) throw new ReplicaClosedError(this.stopReason);
  }

  // ---- steps the parts record --------------------------------------------------------------

  /** A monitor request by `method` is about to be sent. */
  recordMethod(method: Method): void {
    this.method = method;
  }

  /** The replica now shows the database as of transaction `txnId`. */
  recordTxnId(txnId: string): void {
    this.lastTxnId = txnId;
  }

  /** The initial contents were applied. */
  markSynced(): void {
    this.initialApplied = true;
  }

  /** From now on the `monitor` method's rows are filtered by `filters`. */
  adoptFilters(filters: ReadonlyMap<string, ClientFilter>): void {
    this.clientFilters = filters;
  }

  /** The replica moves to `client` (a resume). */
  adoptClient(client: ReplicaClient): void {
    this.connection = client;
  }

  /** The database's schema changed: `stores`, filled for the new `plan`, replace the old ones. */
  adoptSchema(stores: Map<string, TableStore>, plan: MonitorPlan, view: ServerSchemaView): void {
    for (const [table, specs] of this.addedIndexes) {
      const store = stores.get(table);
      if (store !== undefined) for (const spec of specs) if (!store.hasIndex(spec.name)) store.addIndex(spec);
    }
    this.tableStores = stores;
    this.monitorPlan = plan;
    this.schemaView = view;
    this.conditions.replan(plan);
  }

  // ---- notifications ---------------------------------------------------------------------

  /** Listens to `client` for this replica's monitor, until {@link unlisten}. */
  listenTo(client: ReplicaClient, handlers: FeedHandlers): void {
    this.unlisten();
    this.detach = listenForUpdates(this, client, handlers);
  }

  /** Stops listening to the client (until the next {@link listenTo}). */
  unlisten(): void {
    this.detach();
    this.detach = () => {};
  }

  /** Notifications wait from now on, until a monitor reply is applied. */
  holdUpdates(): void {
    this.held = [];
  }

  /** Keeps `message` for later when notifications wait; false when it is to be applied now. */
  holdIfWaiting(message: Pending): boolean {
    if (this.held === undefined) return false;
    this.held.push(message);
    return true;
  }

  /** The messages that waited, in order; from now on they are applied as they come. */
  releaseHeldUpdates(): Pending[] {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }

  /** Rows per slice of a big apply (initial contents, a resume, a big update). */
  get sliceRows(): number {
    return Math.max(1, this.options.initialSliceRows ?? defaultReplicaOptions.initialSliceRows);
  }

  /** True while a big update is being applied over several turns. */
  get staging(): boolean {
    return this.stagedApply !== undefined;
  }

  /** `apply`, which applies a big update over several turns, is under way from now on. */
  startStaging(apply: Promise<void>): void {
    this.stagedApply = apply;
  }

  /** Keeps `message` to follow the update being applied; false when none is. */
  queueIfStaging(message: Pending): boolean {
    if (this.stagedApply === undefined) return false;
    this.afterStaged.push(message);
    return true;
  }

  /** The big update is in: returns the messages that waited for it, in order. */
  endStaging(): Pending[] {
    const queued = this.afterStaged;
    this.stagedApply = undefined;
    this.afterStaged = [];
    return queued;
  }

  /** Resolves once no big update is being applied (nor one that followed it). */
  async whenStaged(): Promise<void> {
    while (this.stagedApply !== undefined) await this.stagedApply.catch(() => {});
  }

  /** Forgets the messages that waited (their monitor is being abandoned). */
  dropHeldUpdates(): void {
    this.held = undefined;
  }

  // ---- changes -----------------------------------------------------------------------------

  /** Where changes go: the `change` listeners and every stream; undefined when nobody listens. */
  sink(): ChangeSink {
    if (this.streams.size === 0 && this.events.listenerCount('change') === 0) return undefined;
    return (change: RowChange) => {
      const typed = change as Change<T>;
      this.events.emit('change', typed);
      for (const stream of this.streams) stream.push(typed);
    };
  }

  /** A new change stream, fed until it ends or the replica stops; its read holds are counted here. */
  openStream(options: ChangeStreamOptions): ChangeStream<Change<T>> {
    this.assertRunning();
    const stream = ChangeStream.create<Change<T>>(this.holds, (s) => this.streams.delete(s), options);
    // A stream whose signal had already fired is born closed and needs no changes.
    if (!stream.closed) this.streams.add(stream);
    return stream;
  }

  // ---- stopping ----------------------------------------------------------------------------

  /** Stops the replica for good: callers waiting on a condition fail, streams end. */
  stop(error?: Error): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = error ?? new ReplicaClosedError();
    this.unlisten();
    this.holds.detach();
    this.conditions.failAll(new ReplicaClosedError(this.stopReason));
    const failure = error === undefined ? undefined : new ChangeStreamClosedError(error);
    for (const stream of this.streams) stream.close(failure);
    this.streams.clear();
    this.events.emit('closed', error);
  }

  /** Stops the replica with `error`, wrapped when it is not an `Error`. */
  fail(error: unknown): void {
    this.stop(error instanceof Error ? error : new ReplicaClosedError(new Error(String(error))));
  }
}

/** An empty store, with its indexes, for every table of `plan`. */
export function buildStores(plan: MonitorPlan): Map<string, TableStore> {
  const stores = new Map<string, TableStore>();
  for (const [name, table] of plan.tables) {
    const store = new TableStore(table.schema, table.columns);
    for (const index of table.indexes) store.addIndex(index);
    stores.set(name, store);
  }
  return stores;
}
