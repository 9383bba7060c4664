/**
 * An in-memory replica of an OVSDB database, kept up to date by a monitor: typed reads
 * (`get`, `list`, `find` by index, `where`), change events and lossless change streams.
 *
 * Updates are applied synchronously, in the order the server sent them, as each message is
 * read. The server sends a transaction's update before its reply on the same session, so
 * once a `transact` through the same client resolves, the replica already shows its effect
 * (read-your-writes), and a transaction that touches nothing monitored costs no wait at all.
 *
 * This file is the facade: the shared state is in `replica-state.ts`, the update feed in
 * `replica-feed.ts`, the monitor request in `replica-monitor.ts`, the initial sync in
 * `replica-initial-sync.ts` and suspend/resume in `replica-resume.ts`.
 */
import { EventEmitter } from 'eventemitter3';
import type { DatabaseModel } from '../model/descriptor.js';
import type { SchemaSkew } from '../model/schema-skew.js';
import { ServerSchemaView } from '../model/server-schema-view.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import type { Change } from './change.js';
import type { ChangeStream, ChangeStreamOptions } from './change-stream.js';
import { encodeMonitorCondition, type MonitorPlan, planMonitor } from './monitor-plan.js';
import type { ReplicaClient } from './replica-client.js';
import {
  ConditionChangeUnsupportedError,
  ReplicaAlreadySyncedError,
  type ReplicaEvents,
  type ResumeInfo,
} from './replica-events.js';
import { initialSync } from './replica-initial-sync.js';
import type { MonitorMethod, ReplicaOptions, ReplicaTablesOption } from './replica-options.js';
import { ReplicaResume } from './replica-resume.js';
import { ReplicaState } from './replica-state.js';
import type { IndexPart, IndexSpec } from './row-index.js';
import type {
  DeclaredIndexes,
  IndexDeclarations,
  IndexName,
  IndexValues,
  NoClientIndexes,
} from './typed-indexes.js';

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
export type { SyncProgress } from './replica-options.js';

/**
 * A replica of one database. Start one with {@link Replica.start}.
 *
 * `T` maps table names to row types (a generated `Tables`, which also lists the schema's
 * indexes); `I` holds the client indexes declared at start (see {@link DeclaredIndexes}), so
 * that {@link Replica.find} accepts exactly the indexes a table has.
 */
export class Replica<T extends object, I extends IndexDeclarations = NoClientIndexes> extends EventEmitter<
  ReplicaEvents<T>
> {
  private readonly state: ReplicaState<T>;
  private readonly resumer: ReplicaResume<T>;
  private syncStarted = false;

  private constructor(
    client: ReplicaClient,
    readonly model: DatabaseModel<T>,
    readonly database: string,
    view: ServerSchemaView,
    plan: MonitorPlan,
    options: ReplicaOptions<T>,
  ) {
    super();
    this.state = new ReplicaState(this, client, model, database, view, plan, options);
    this.resumer = new ReplicaResume(this.state, (c) => this.listen(c));
    this.listen(client);
    this.state.holds.attach(client);
  }

  /** Listens to `client` for this replica's monitor (until the state's `unlisten`). */
  private listen(client: ReplicaClient): void {
    this.state.listenTo(client, {
      closed: (error) => this.resumer.connectionClosed(error),
      canceled: () => this.resumer.monitorCanceled(client),
    });
  }

  /**
   * Starts replicating `model`'s database over `client`: reads the server's schema, compares
   * it with the model (every difference is in {@link Replica.skew}; columns and tables the
   * server lacks are left out of the monitor), monitors, and applies the initial contents.
   * Resolves once the replica holds them. To see the initial contents as change events too,
   * use {@link Replica.create}, attach listeners or streams, then {@link Replica.sync}.
   */
  static async start<T extends object, const Tables extends ReplicaTablesOption<T> = Record<never, never>>(
    client: ReplicaClient,
    model: DatabaseModel<T>,
    options?: ReplicaOptions<T, Tables>,
  ): Promise<Replica<T, DeclaredIndexes<ReplicaOptions<T, Tables>>>> {
    const replica = await Replica.create(client, model, options);
    await replica.sync();
    return replica;
  }

  /**
   * A replica not yet monitoring: the server's schema is read and compared with the model,
   * and the plan is made, but nothing is replicated until {@link Replica.sync}. Listeners and
   * streams attached in between see the initial contents as `insert` changes (`initial: true`).
   */
  static async create<T extends object, const Tables extends ReplicaTablesOption<T> = Record<never, never>>(
    client: ReplicaClient,
    model: DatabaseModel<T>,
    options?: ReplicaOptions<T, Tables>,
  ): Promise<Replica<T, DeclaredIndexes<ReplicaOptions<T, Tables>>>> {
    const opts: ReplicaOptions<T> = options ?? {};
    const server = await client.getSchema(model.name, opts.signal ? { signal: opts.signal } : {});
    const view = new ServerSchemaView(model, server);
    const plan = planMonitor(model, server, opts);
    return new Replica<T, DeclaredIndexes<ReplicaOptions<T, Tables>>>(
      client,
      model,
      model.name,
      view,
      plan,
      opts,
    );
  }

  /** The client the replica uses (after a resume, the one it resumed on). */
  get client(): ReplicaClient {
    return this.state.client;
  }

  /** The server's schema seen through the model: `has`, and what the model lacks or has extra. */
  get view(): ServerSchemaView {
    return this.state.view;
  }

  /**
   * Sends the monitor request and applies the initial contents; resolves once the replica
   * holds them. Call once, after {@link Replica.create}. When it fails the replica stops.
   */
  async sync(): Promise<void> {
    if (this.syncStarted) throw new ReplicaAlreadySyncedError();
    this.syncStarted = true;
    try {
      await initialSync(this.state);
    } catch (error) {
      this.state.fail(error);
      throw error;
    }
  }

  /** The monitor method in use (after falling back, with `method: 'auto'`). */
  get method(): Exclude<MonitorMethod, 'auto'> {
    return this.state.usedMethod;
  }

  /** The id of the newest transaction applied (monitor_cond_since; all zeros otherwise). */
  get lastTxnId(): string {
    return this.state.txnId;
  }

  /** Every difference between the model's schema and the server's, found at start. */
  get skew(): SchemaSkew {
    return this.view.skew;
  }

  /** Tables and `table.column`s the replica was asked for (or the model has) that the server lacks. */
  get leftOut(): ReadonlyArray<string> {
    return this.state.plan.leftOut;
  }

  /** True when the server has the table (and the column, when given). */
  has(table: string, column?: string): boolean {
    return this.view.has(table, column);
  }

  /** Names of the replicated tables. */
  get tables(): ReadonlyArray<string> {
    return [...this.state.stores.keys()];
  }

  /** The row of `table` with UUID `uuid`, or undefined. */
  get<K extends keyof T & string>(table: K, uuid: string): T[K] | undefined {
    return this.state.store(table).get(uuid) as T[K] | undefined;
  }

  /** Every row of `table`, in no particular order. */
  list<K extends keyof T & string>(table: K): T[K][] {
    return [...this.state.store(table).values()] as T[K][];
  }

  /** Iterates the rows of `table` without copying them into an array. */
  rows<K extends keyof T & string>(table: K): IterableIterator<T[K]> {
    return this.state.store(table).values() as IterableIterator<T[K]>;
  }

  /** Number of rows of `table`. */
  count<K extends keyof T & string>(table: K): number {
    return this.state.store(table).size;
  }

  /** Rows of `table` for which `predicate` holds (a scan of the table). */
  where<K extends keyof T & string>(table: K, predicate: (row: T[K]) => boolean): T[K][] {
    const out: T[K][] = [];
    for (const row of this.state.store(table).values()) if (predicate(row as T[K])) out.push(row as T[K]);
    return out;
  }

  /**
   * Rows of `table` whose key in index `index` equals `values` (one value per index part).
   * Schema indexes are named by their columns joined with `+` (`name`, `chassis+name`); client
   * indexes by the names given at start. With a generated model, an index the table does not
   * have, or a value of the wrong type, does not compile; an index whose columns were left out
   * of the monitor does not exist (`UnknownIndexError`, as for any unknown name at run time).
   */
  find<K extends keyof T & string, N extends IndexName<T, I, K>>(
    table: K,
    index: N,
    ...values: IndexValues<T, I, K, N>
  ): T[K][] {
    return this.state.store(table).find(index, values) as T[K][];
  }

  /** The one row {@link find} would return (the first, for a non-unique index), or undefined. */
  findOne<K extends keyof T & string, N extends IndexName<T, I, K>>(
    table: K,
    index: N,
    ...values: IndexValues<T, I, K, N>
  ): T[K] | undefined {
    return this.state.store(table).find(index, values)[0] as T[K] | undefined;
  }

  /** Index names of `table`. */
  indexes<K extends keyof T & string>(table: K): string[] {
    return this.state.store(table).indexNames();
  }

  /**
   * Adds client index `spec` to `table` unless the table already has an index of that name:
   * filled from the rows present, then kept up to date as changes are applied (and across
   * schema changes), as the indexes declared at start are. For code that is handed a replica
   * it did not start, such as planners that need a look-up its options may not declare. The
   * name is not part of the replica's type: look it up with {@link find} untyped, or declare
   * the index at start to have it typed. Cheap when the index exists: call it before each use.
   * @returns true when the index was added.
   * @throws `TableNotReplicatedError` when the table is not replicated.
   */
  ensureIndex<K extends keyof T & string>(table: K, spec: IndexSpec<T[K]>): boolean {
    return this.state.ensureIndex(table, spec as unknown as IndexSpec);
  }

  /**
   * Adds the client indexes `tables` declares (as the `tables` option of {@link Replica.start}
   * declares them, `indexes` per table) with {@link ensureIndex}, and returns this replica
   * typed with them, so that {@link find} takes their names and values typed:
   * `replica.withIndexes({ Logical_Router: { indexes: [{ name: 'byName', columns: ['name'] }] } })`.
   */
  withIndexes<const Tables extends ReplicaTablesOption<T>>(
    tables: Tables,
  ): Replica<T, I & DeclaredIndexes<ReplicaOptions<T, Tables>>> {
    for (const [table, options] of Object.entries(tables) as [keyof T & string, unknown][]) {
      const specs = (options as { indexes?: ReadonlyArray<IndexSpec<T[typeof table]>> }).indexes ?? [];
      for (const spec of specs) this.ensureIndex(table, spec);
    }
    return this as unknown as Replica<T, I & DeclaredIndexes<ReplicaOptions<T, Tables>>>;
  }

  /** The parts of the key of index `index` of `table` (columns, or keys of map columns); undefined when there is no such index. */
  indexParts<K extends keyof T & string>(table: K, index: string): ReadonlyArray<IndexPart> | undefined {
    return this.state.store(table).indexParts(index);
  }

  /**
   * A lossless stream of every change from now on, in order. Reading from the server pauses
   * while the stream's consumer lags by `highWaterMark` changes (see {@link ChangeStream}).
   */
  changes(options: ChangeStreamOptions = {}): ChangeStream<Change<T>> {
    return this.state.openStream(options);
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
    const { state } = this;
    const store = state.store(table);
    if (state.usedMethod === 'monitor') {
      throw new ConditionChangeUnsupportedError(table);
    }
    const wire = encodeMonitorCondition(store.schema, where);
    state.assertRunning();
    const entry = state.conditions.ask(table, wire);
    if (this.resumer.enabled) return this.resumer.changeCondition(table, entry);
    try {
      await this.client.monitorCondChange(state.monitorId, state.monitorId, { [table]: [{ where: wire }] });
    } catch (error) {
      state.conditions.refused(table, entry, error);
      throw error;
    }
    state.conditions.acknowledged(table, entry);
  }

  /** Stops the monitor (when the connection is still open) and ends every change stream. */
  async close(): Promise<void> {
    if (this.state.stopped !== undefined) return;
    this.state.stop();
    if (this.client.state.status === 'open') {
      try {
        await this.client.monitorCancel(this.state.monitorId);
      } catch {
        // The monitor is gone either way; the connection may have closed meanwhile.
      }
    }
  }

  // ---- resuming (see replica-resume.ts) ---------------------------------------------------

  /**
   * @internal Resumable mode, for reconnecting sessions: when the connection closes the
   * replica does not stop but is {@link suspended} (it keeps its rows and streams) until
   * {@link resume}; and when the server cancels the monitor after an online conversion, the
   * replica re-reads the schema and monitors again on the same connection.
   */
  enableResume(): void {
    this.resumer.enable();
  }

  /** @internal True while a resumable replica waits for (or is in) a {@link resume}. */
  get suspended(): boolean {
    return this.resumer.suspended;
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
  resume(client: ReplicaClient, options: { signal?: AbortSignal } = {}): Promise<ResumeInfo> {
    return this.resumer.resume(client, options);
  }
}
