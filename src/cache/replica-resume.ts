/**
 * Resumable mode, for reconnecting sessions: when the connection closes the replica does
 * not stop but is suspended (it keeps its rows, streams and read holds) until it is resumed
 * on another connection; when the server cancels the monitor after an online conversion,
 * the replica re-reads the schema and monitors again on the same connection. Either way the
 * rows change only once the server's answer is there, and only by what changed meanwhile.
 */

import { ServerSchemaView } from '../model/server-schema-view.js';
import { ConnectionClosedError, isConnectionLoss } from '../protocol/connection-loss.js';
import { type TableUpdates, type TableUpdates2, ZERO_TXN_ID } from '../protocol/updates.js';
import { applyUpdates2Sliced, identity, listRows } from './apply-updates.js';
import type { RowChange } from './change.js';
import { type MonitorPlan, planMonitor } from './monitor-plan.js';
import { nextTurn } from './next-turn.js';
import type { ReplicaCallOptions, ReplicaClient } from './replica-client.js';
import type { ConditionEntry } from './replica-conditions.js';
import {
  MonitorCanceledError,
  ReplicaClosedError,
  ReplicaSuspendedError,
  ReplicatedTableRemovedError,
  type ResumeInfo,
  ResumeUnavailableError,
} from './replica-events.js';
import { drainPending } from './replica-feed.js';
import { type MonitorReply, requestMonitor } from './replica-monitor.js';
import { buildStores, type ReplicaState } from './replica-state.js';
import { resyncTables } from './resync.js';

/** The suspend/resume machinery of one replica (internal to src/cache). */
export class ReplicaResume<T extends object> {
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

  /**
   * @param listen Listens to a client for the replica's monitor (through `state.listenTo`);
   *   the facade wires it, since the listener reports back here.
   */
  constructor(
    private readonly state: ReplicaState<T>,
    private readonly listen: (client: ReplicaClient) => void,
  ) {}

  /** Turns resumable mode on. */
  enable(): void {
    this.resumable = true;
  }

  /** True in resumable mode. */
  get enabled(): boolean {
    return this.resumable;
  }

  /** True while a resumable replica waits for (or is in) a resume. */
  get suspended(): boolean {
    return this.suspendedBy !== undefined && this.state.stopped === undefined;
  }

  /** The connection closed: a resumable replica is suspended, any other stops. */
  connectionClosed(error: Error | undefined): void {
    if (this.resumable) this.suspend(error);
    else this.state.stop(error ?? new ReplicaClosedError());
  }

  /** The server canceled the monitor on `client`: a resumable replica monitors again, any other stops. */
  monitorCanceled(client: ReplicaClient): void {
    if (!this.resumable) {
      this.state.stop(new MonitorCanceledError(this.state.database));
      return;
    }
    this.replanNeeded = true;
    void this.serialize(() => this.remonitor(client)).catch(() => {});
  }

  /**
   * A new condition `entry` of `table` was asked for (resumable mode): resolves once it is in
   * force. While suspended or re-monitoring, the next monitor request carries it.
   */
  changeCondition(table: string, entry: ConditionEntry): Promise<void> {
    const done = this.state.conditions.wait(table, entry);
    if (this.suspendedBy === undefined && !this.reestablishing) void this.sendCondition(table, entry);
    return done;
  }

  /** Sends one table's condition on the live monitor (resumable mode). */
  private async sendCondition(table: string, entry: ConditionEntry): Promise<void> {
    const { state } = this;
    const client = state.client;
    const epoch = this.epoch;
    try {
      await client.monitorCondChange(state.monitorId, state.monitorId, { [table]: [{ where: entry.where }] });
      if (epoch === this.epoch) state.conditions.acknowledged(table, entry);
    } catch (error) {
      // A monitor set up since carried the condition; a lost connection leaves it to the resume.
      if (epoch !== this.epoch || state.stopped !== undefined) return;
      if (client.state.status !== 'open' || isConnectionLoss(error)) return;
      state.conditions.refused(table, entry, error);
    }
  }

  private suspend(cause?: unknown): void {
    const { state } = this;
    if (state.stopped !== undefined || this.suspendedBy !== undefined) return;
    const error = new ReplicaSuspendedError(cause);
    this.suspendedBy = error;
    state.unlisten();
    state.holds.detach();
    state.events.emit('suspended', error);
  }

  /** See `Replica.resume`. */
  resume(client: ReplicaClient, options: { signal?: AbortSignal } = {}): Promise<ResumeInfo> {
    const { state } = this;
    return this.serialize(async () => {
      state.assertRunning();
      if (!this.resumable) throw new ResumeUnavailableError('not-resumable');
      if (!state.synced) throw new ResumeUnavailableError('not-synced');
      const old = state.client;
      if (this.suspendedBy === undefined) {
        // Leaving a live connection: its monitor is not needed any more.
        this.suspend();
        if (old.state.status === 'open') {
          const canceled = old.monitorCancel(state.monitorId).catch(() => {});
          // The same connection cannot take the monitor id again before the cancel is done.
          if (old === client) await canceled;
        }
      }
      state.adoptClient(client);
      this.listen(client);
      try {
        return await this.establish(client, options.signal);
      } catch (error) {
        if (state.stopped === undefined && state.client === client) {
          state.unlisten();
          if (client.state.status === 'open') await client.monitorCancel(state.monitorId).catch(() => {});
        }
        if (error instanceof ReplicatedTableRemovedError) state.stop(error);
        throw error;
      }
    });
  }

  /** After `monitor_canceled` (resumable mode): the same connection, the new schema. */
  private async remonitor(client: ReplicaClient): Promise<void> {
    const { state } = this;
    // Suspended or moved: the next resume re-reads the schema.
    if (state.stopped !== undefined || this.suspendedBy !== undefined || state.client !== client) return;
    try {
      await this.establish(client, undefined);
    } catch (error) {
      if (state.stopped !== undefined) return;
      if (client.state.status !== 'open' || isConnectionLoss(error)) {
        this.suspend(client.state.status === 'closed' ? client.state.error : error);
        return;
      }
      state.fail(error);
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
  private async establish(client: ReplicaClient, signal: AbortSignal | undefined): Promise<ResumeInfo> {
    const { state } = this;
    // A big update still being applied came before anything the new monitor brings, and the
    // transaction the request resumes from is the one it ends at.
    await state.whenStaged();
    const epoch = ++this.epoch;
    this.reestablishing = true;
    state.holdUpdates();
    // The reply must be read even while a stream lags: holds are taken again once resumed.
    state.holds.detach();
    const check = (): void => {
      state.assertRunning();
      signal?.throwIfAborted();
      if (client.state.status !== 'open') {
        const cause = client.state.status === 'closed' ? client.state.error : undefined;
        throw new ConnectionClosedError('the connection closed while the replica resumed', cause);
      }
    };
    const call: ReplicaCallOptions = signal ? { signal } : {};
    try {
      check();
      let plan = state.plan;
      let view: ServerSchemaView | undefined;
      if (this.replanNeeded) {
        const server = await client.getSchema(state.database, call);
        check();
        plan = planMonitor(state.model, server, state.options);
        const removed = [...state.stores.keys()].filter((table) => !plan.tables.has(table));
        if (removed.length > 0) throw new ReplicatedTableRemovedError(state.database, removed);
        view = new ServerSchemaView(state.model, server);
      }
      // Changes since the last transaction are only right under the conditions then in force.
      const full = view !== undefined || state.conditions.unacknowledged();
      const reply = await requestMonitor(state, client, plan, full ? ZERO_TXN_ID : state.txnId, call);
      check();
      await nextTurn();
      check();
      // Until the reply is wholly applied the replica is at no server transaction.
      state.recordTxnId(ZERO_TXN_ID);
      const { found, rows, lastTxnId } = await this.applyResume(reply, plan, view, check);
      if (reply.method === 'monitor_cond_since') state.recordTxnId(lastTxnId);
      state.adoptFilters(reply.filters);
      state.conditions.established(reply.sent);
      state.events.emit('batch', {
        rows,
        lastTxnId: reply.method === 'monitor_cond_since' ? lastTxnId : undefined,
        initial: false,
      });
      this.suspendedBy = undefined;
      this.reestablishing = false;
      drainPending(state);
      state.assertRunning();
      state.holds.attach(client);
      // Conditions asked for while the request was out follow on the new monitor.
      for (const [table, entry] of state.conditions.behind()) void this.sendCondition(table, entry);
      const info: ResumeInfo = { found, method: reply.method, rows };
      state.events.emit('resumed', info);
      return info;
    } catch (error) {
      if (epoch === this.epoch) state.dropHeldUpdates();
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
    const { state } = this;
    const { lazy } = reply;
    const sliceRows = state.sliceRows;
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
    if (view === undefined) return this.applyInPlace(found, contents, reply, sliceRows, yieldTurn, lastTxnId);
    // A new schema: the rows go into new stores, swapped in whole once complete, and the
    // changes are reported after the swap so that listeners read the new stores.
    const stores = buildStores(plan);
    const changes: RowChange[] = [];
    const rows = await resyncTables(state.stores, stores, contents, {
      format: reply.method === 'monitor' ? 'update' : 'update2',
      filters: reply.filters,
      lazy,
      sink: (change) => changes.push(change),
      sliceRows,
      yieldTurn,
    });
    check();
    state.adoptSchema(stores, plan, view);
    this.replanNeeded = false;
    const sink = state.sink();
    if (sink !== undefined) for (const change of changes) sink(change);
    return { found, rows, lastTxnId };
  }

  /**
   * The changes since (`found`) or the difference with the full contents, applied to the
   * stores a slice at a time while reads keep answering from the rows as they were (as for a
   * big update, staged-apply.ts); the changes are reported once all are in. A resume cut short
   * leaves what was applied visible and reported, and the next one asks for the full contents.
   */
  private async applyInPlace(
    found: boolean,
    contents: TableUpdates | TableUpdates2,
    reply: MonitorReply,
    sliceRows: number,
    yieldTurn: () => Promise<void>,
    lastTxnId: string,
  ): Promise<{ found: boolean; rows: number; lastTxnId: string }> {
    const { state } = this;
    const { lazy } = reply;
    const changes: RowChange[] = [];
    const collect = (change: RowChange) => changes.push(change);
    for (const store of state.stores.values()) store.beginStaged();
    try {
      if (found) {
        const listed = listRows(
          state.stores,
          contents as TableUpdates2,
          lazy?.resolve ?? identity,
          lazy?.bytesOf,
          lazy?.resolveInPieces,
        );
        const rows = await applyUpdates2Sliced(
          state.stores,
          listed,
          collect,
          sliceRows,
          yieldTurn,
          lazy?.resolve,
        );
        return { found, rows, lastTxnId };
      }
      const rows = await resyncTables(state.stores, state.stores, contents, {
        format: reply.method === 'monitor' ? 'update' : 'update2',
        filters: reply.filters,
        lazy,
        sink: collect,
        sliceRows,
        yieldTurn,
      });
      return { found, rows, lastTxnId };
    } finally {
      for (const store of state.stores.values()) store.commitStaged();
      const sink = state.sink();
      if (sink !== undefined) for (const change of changes) sink(change);
    }
  }
}
