/**
 * What one replica holds and every part of it works on: its stores, plan, schema view,
 * client, monitor id, conditions, read holds and streams, the transaction it is at, and how
 * it stops. The facade (`Replica`), the update feed, the initial sync and the resume
 * machinery all share one of these, so that each lives in its own module.
 */
import type { EventEmitter } from 'eventemitter3';
import type { OvsdbClient } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { ServerSchemaView } from '../model/server-schema-view.js';
import { type TableUpdates, type TableUpdates2, ZERO_TXN_ID } from '../protocol/updates.js';
import type { ChangeSink, ClientFilter } from './apply-updates.js';
import type { Change, RowChange } from './change.js';
import { type ChangeStream, ChangeStreamClosedError } from './change-stream.js';
import type { MonitorPlan } from './monitor-plan.js';
import { ReadHolds } from './read-holds.js';
import { ReplicaConditions } from './replica-conditions.js';
import { ReplicaClosedError, type ReplicaEvents, TableNotReplicatedError } from './replica-events.js';
import type { MonitorMethod, ReplicaOptions } from './replica-options.js';
import { TableStore } from './table-store.js';

/** A monitor method actually sent (never `auto`). */
export type Method = Exclude<MonitorMethod, 'auto'>;

/** One update notification, as received for the replica's monitor. */
export type Pending =
  | { method: 'update'; updates: TableUpdates }
  | { method: 'update2'; updates: TableUpdates2; lastTxnId?: string };

let nextMonitorNumber = 1;

/** The shared state of one replica (internal to src/cache). */
export class ReplicaState<T extends object> {
  stores: Map<string, TableStore>;
  filters = new Map<string, ClientFilter>();
  readonly streams = new Set<ChangeStream<Change<T>>>();
  readonly monitorId: string;
  readonly holds = new ReadHolds();
  readonly conditions: ReplicaConditions;
  client: OvsdbClient;
  view: ServerSchemaView;
  plan: MonitorPlan;
  /** Stops listening to the client's notifications for this monitor. */
  detach: () => void = () => {};
  /** Messages that arrived while the initial contents were still being applied. */
  pending: Pending[] | undefined = [];
  stopped: Error | undefined;
  usedMethod: Method = 'monitor_cond_since';
  txnId: string = ZERO_TXN_ID;
  /** The initial contents were applied: only then can the replica resume. */
  synced = false;

  constructor(
    /** The replica itself, which emits the events. */
    readonly events: EventEmitter<ReplicaEvents<T>>,
    client: OvsdbClient,
    readonly model: DatabaseModel<T>,
    readonly database: string,
    view: ServerSchemaView,
    plan: MonitorPlan,
    readonly options: ReplicaOptions<T>,
  ) {
    this.monitorId = `ovndb-${database}-${nextMonitorNumber++}`;
    this.client = client;
    this.view = view;
    this.plan = plan;
    this.stores = buildStores(plan);
    this.conditions = new ReplicaConditions(plan);
  }

  /** Where changes go: the `change` listeners and every stream; undefined when nobody listens. */
  sink(): ChangeSink {
    if (this.streams.size === 0 && this.events.listenerCount('change') === 0) return undefined;
    return (change: RowChange) => {
      const typed = change as Change<T>;
      this.events.emit('change', typed);
      for (const stream of this.streams) stream.push(typed);
    };
  }

  /** The store of `table`; throws when the table is not replicated. */
  store(table: string): TableStore {
    const store = this.stores.get(table);
    if (store === undefined) throw new TableNotReplicatedError(table);
    return store;
  }

  /** Stops listening to the client (until the next attach). */
  unlisten(): void {
    this.detach();
    this.detach = () => {};
  }

  /** Stops the replica for good: callers waiting on a condition fail, streams end. */
  stop(error?: Error): void {
    if (this.stopped !== undefined) return;
    this.stopped = error ?? new ReplicaClosedError();
    this.unlisten();
    this.holds.detach();
    this.conditions.failAll(new ReplicaClosedError(this.stopped));
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
