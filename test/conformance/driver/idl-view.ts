/**
 * The database as the `idl` driver shows it, with the timing of Open vSwitch's IDL.
 *
 * The Python IDL applies server messages only when its owner calls `Idl.run()`: before each
 * step that waits for a change, and while a transaction commits. test-ovsdb.py's expected
 * output depends on that (a transaction built right after another client's write still sees
 * the old row, so its verify fails). Our replica applies updates as they arrive, so this view
 * queues the replica's change events and applies them only at those points ({@link drain}),
 * counting changes in `changeSeqno` the way `Idl.change_seqno` counts them and calling a
 * replaceable `notify` hook, like `Idl.notify`, once per applied server message.
 *
 * Across a reconnect (a replica kept by a `Session`) the view holds still, as the IDL does
 * while it reconnects, and when the replica resumes it counts one change, as the IDL counts
 * the reply to its monitor request. When the server could not send only what changed (its
 * `found` is false), the IDL empties itself and takes the full contents as new rows; the
 * view does the same with a snapshot of the replica, so creations are reported again.
 */
import type { RowChange } from '../../../src/cache/change.js';
import type { Replica } from '../../../src/cache/replica.js';
import type { ResumeInfo } from '../../../src/cache/replica-events.js';
import type { DatabaseModel } from '../../../src/model/descriptor.js';
import type { TableSchema } from '../../../src/protocol/schema.js';
import type { Registration } from './idl-args.js';
import type { ColumnLookup } from './idl-print.js';

/** Rows of a database whose tables hold untyped rows. */
export type Tables = Record<string, Record<string, unknown>>;

/** One table of the view: what was registered, what is monitored, the rows. */
export interface ViewTable {
  readonly schema: TableSchema;
  /** Columns the IDL knows (registered), monitored or fetch-only. */
  readonly registered: ReadonlySet<string>;
  /** Columns the monitor delivers. */
  readonly monitored: ReadonlySet<string>;
  readonly rows: Map<string, Readonly<Record<string, unknown>>>;
  /** Values read with `fetch` for columns that are registered but not monitored, by row. */
  readonly fetched: Map<string, Map<string, unknown>>;
}

/**
 * The view's tables for `model`: every table and column, or with `register` only the
 * registered ones (columns registered with `!` are known but not monitored).
 */
export function viewTables(
  model: DatabaseModel<Tables>,
  register: ReadonlyMap<string, Registration> | undefined,
): Map<string, ViewTable> {
  const tables = new Map<string, ViewTable>();
  for (const name of model.tableNames) {
    const schema = model.tables[name];
    const registered = register?.get(name);
    if (schema === undefined || (register !== undefined && registered === undefined)) continue;
    const all = registered?.columns ?? [...schema.columns.keys()];
    const monitored = all.filter((c) => !registered?.readonly.includes(c));
    tables.set(name, {
      schema,
      registered: new Set(all),
      monitored: new Set(monitored),
      rows: new Map(),
      fetched: new Map(),
    });
  }
  return tables;
}

/** A row as the driver's printers see it. */
export interface IdlRow {
  readonly table: string;
  readonly uuid: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The column's value when Python's `hasattr(row, column)` would be true. */
  readonly lookup: ColumnLookup;
}

/** What `Idl.notify` is told. */
export interface Notice {
  readonly event: 'create' | 'update' | 'delete';
  /** The row: after the change, or as it was for a delete. */
  readonly row: IdlRow;
  /** For an update: the changed columns with their old values. */
  readonly updates?: IdlRow;
  /** For an update: the names of the changed columns, as the server listed them. */
  readonly changed?: ReadonlyArray<string>;
}

/** Rows of every table at one moment: the replica's immutable row versions. */
type Snapshot = ReadonlyArray<
  readonly [table: string, rows: ReadonlyArray<Readonly<Record<string, unknown>>>]
>;

type Queued =
  | { kind: 'change'; change: RowChange }
  | { kind: 'message'; counts: boolean }
  /** Empty the view, then take these rows as new ones (`Idl.__clear` and a full update). */
  | { kind: 'contents'; snapshot: Snapshot }
  /** The replica lost its connection: nothing after this applies until it resumes. */
  | { kind: 'suspended' }
  | { kind: 'server-row'; uuid: string };

/** The view; see the module comment. */
export class IdlView {
  /** Counts applied changes, like `Idl.change_seqno`. */
  changeSeqno = 0;
  /** Called for each row change applied, after the server message that held it. */
  notify: (notice: Notice) => void = () => {};
  /** Called as each row change is applied (the C IDL's change tracking listens here). */
  observe: ((change: RowChange) => void) | undefined;
  private queue: Queued[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private detach: (() => void) | undefined;
  private serverRows: ReadonlyArray<string> = [];

  constructor(readonly tables: ReadonlyMap<string, ViewTable>) {}

  /** A row of the view, or undefined. */
  rowOf(table: string, uuid: string): IdlRow | undefined {
    const t = this.tables.get(table);
    const data = t?.rows.get(uuid);
    return t === undefined || data === undefined ? undefined : this.idlRow(table, t, uuid, data);
  }

  /** Every row of `table` (none for a table the view lacks). */
  rowsOf(table: string): IdlRow[] {
    const t = this.tables.get(table);
    if (t === undefined) return [];
    return [...t.rows].map(([uuid, data]) => this.idlRow(table, t, uuid, data));
  }

  private idlRow(table: string, t: ViewTable, uuid: string, data: Readonly<Record<string, unknown>>): IdlRow {
    const lookup: ColumnLookup = (column) => {
      const schema = t.schema.columns.get(column);
      if (schema === undefined || !t.registered.has(column)) return undefined;
      // Python raises (so `hasattr` is false) for references into a table it does not hold.
      const refs = [schema.type.key.refTable, schema.type.value?.refTable];
      if (refs.some((r) => r !== undefined && !this.tables.has(r))) return undefined;
      if (t.monitored.has(column)) return { type: schema.type, value: data[column] };
      const fetched = t.fetched.get(uuid);
      return fetched?.has(column) ? { type: schema.type, value: fetched.get(column) } : undefined;
    };
    return { table, uuid, data, lookup };
  }

  /** Records a value read with `fetch`. */
  setFetched(table: string, uuid: string, column: string, value: unknown): void {
    const t = this.tables.get(table);
    if (t === undefined) return;
    let values = t.fetched.get(uuid);
    if (values === undefined) {
      values = new Map();
      t.fetched.set(uuid, values);
    }
    values.set(column, value);
  }

  /**
   * Feeds the view from `replica`, already synced: its contents arrive as the first message.
   * With `serverRows`, `_Server` Database rows come first as creations, as the Python IDL
   * reports the rows of its `_Server` monitor; it monitors them again on each reconnect, so
   * they are reported again when the replica resumes (the same rows: `track-notify` runs
   * against one standalone server).
   */
  attach(replica: Replica<Tables>, options: { serverRows: ReadonlyArray<string> }): void {
    this.detach?.();
    this.serverRows = options.serverRows;
    for (const uuid of options.serverRows) this.queue.push({ kind: 'server-row', uuid });
    this.queue.push({ kind: 'contents', snapshot: this.snapshot(replica) });
    this.push({ kind: 'message', counts: true });
    const onChange = (change: RowChange) => this.queue.push({ kind: 'change', change });
    const onBatch = (info: { rows: number; initial: boolean }) =>
      this.push({ kind: 'message', counts: info.rows > 0 || info.initial });
    const onSuspended = () => this.queue.push({ kind: 'suspended' });
    const onResumed = (info: ResumeInfo) => this.resumed(replica, info);
    const onClosed = (error?: Error) => {
      if (error !== undefined) this.fail(error);
    };
    replica.on('change', onChange as never);
    replica.on('batch', onBatch);
    replica.on('suspended', onSuspended);
    replica.on('resumed', onResumed);
    replica.on('closed', onClosed);
    this.detach = () => {
      replica.off('change', onChange as never);
      replica.off('batch', onBatch);
      replica.off('suspended', onSuspended);
      replica.off('resumed', onResumed);
      replica.off('closed', onClosed);
    };
  }

  private snapshot(replica: Replica<Tables>): Snapshot {
    const held = new Set(replica.tables);
    return [...this.tables.keys()]
      .filter((table) => held.has(table))
      .map((table) => [table, [...replica.rows(table)]] as const);
  }

  /**
   * The replica resumed: what it applied since it was suspended is kept when the server sent
   * only the changes (`found`), and replaced by its full contents otherwise.
   */
  private resumed(replica: Replica<Tables>, info: ResumeInfo): void {
    const mark = this.queue.findIndex((item) => item.kind === 'suspended');
    const server: Queued[] = this.serverRows.map((uuid) => ({ kind: 'server-row', uuid }));
    if (info.found) {
      if (mark >= 0) this.queue.splice(mark, 1, ...server);
      else this.queue.push(...server);
    } else {
      if (mark >= 0) this.queue.splice(mark);
      this.queue.push(...server, { kind: 'contents', snapshot: this.snapshot(replica) });
    }
    this.push({ kind: 'message', counts: true });
  }

  /**
   * For a forced reconnect: what arrived but was not yet applied no longer counts as a
   * change, as the IDL drops the messages it had not processed with the old connection. The
   * rows still come in (the replica already holds them), so the next change that counts is
   * the resume on the new connection.
   */
  discardPending(): void {
    for (const item of this.queue) if (item.kind === 'message') item.counts = false;
  }

  /** Stops listening to the attached replica. */
  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  private push(item: Queued): void {
    this.queue.push(item);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Makes the current and every later {@link waitForChange} reject with `error`. */
  fail(error: Error): void {
    this.failure = error;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Applies everything queued, like `Idl.run()` (up to a reconnect still under way). */
  drain(): void {
    const stop = this.queue.findIndex((item) => item.kind === 'suspended');
    const queue = stop < 0 ? this.queue : this.queue.slice(0, stop);
    this.queue = stop < 0 ? [] : this.queue.slice(stop);
    let notices: Notice[] = [];
    const flush = () => {
      const out = notices;
      notices = [];
      for (const notice of out) this.notify(notice);
    };
    const take = (change: RowChange) => {
      const notice = this.apply(change);
      if (notice === undefined) return;
      notices.push(notice);
      this.observe?.(change);
    };
    for (const item of queue) {
      if (item.kind === 'change') take(item.change);
      else if (item.kind === 'message') {
        if (item.counts) this.changeSeqno++;
        flush();
      } else if (item.kind === 'contents') {
        for (const t of this.tables.values()) {
          t.rows.clear();
          t.fetched.clear();
        }
        for (const [table, rows] of item.snapshot) {
          for (const row of rows)
            take({ kind: 'insert', table, uuid: String(row._uuid), new: row, initial: true });
        }
      } else if (item.kind === 'server-row') {
        const row: IdlRow = { table: '_Server', uuid: item.uuid, data: {}, lookup: () => undefined };
        notices.push({ event: 'create', row });
      }
    }
    flush();
  }

  private apply(change: RowChange): Notice | undefined {
    const t = this.tables.get(change.table);
    if (t === undefined) return undefined;
    if (change.kind === 'delete') {
      t.rows.delete(change.uuid);
      t.fetched.delete(change.uuid);
      return { event: 'delete', row: this.idlRow(change.table, t, change.uuid, change.old) };
    }
    t.rows.set(change.uuid, change.new);
    const row = this.idlRow(change.table, t, change.uuid, change.new);
    if (change.kind === 'insert') return { event: 'create', row };
    const changed = new Set(change.columns);
    const old: ViewTable = { ...t, registered: new Set([...t.registered].filter((c) => changed.has(c))) };
    const updates = this.idlRow(change.table, old, change.uuid, change.old);
    return { event: 'update', row, updates, changed: change.columns };
  }

  /** Applies what is queued and, if `changeSeqno` is still `seqno`, waits for a change. */
  async waitForChange(seqno: number): Promise<void> {
    // Like `Idl.run()`, first take in whatever the server has already sent: one turn of the
    // event loop reads every socket that is readable now.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      this.drain();
      if (this.changeSeqno !== seqno) return;
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
