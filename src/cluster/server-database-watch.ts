/**
 * Watches one database's row of the `_Server.Database` table on a connected client and
 * classifies the server on every change (leader flips, loss of the raft majority, index
 * moving on), so a caller can tell when to write elsewhere or reconnect.
 *
 * Built on a {@link Replica} of the generated `_Server` model: the server pushes each change
 * of the row as a monitor update, so no polling is involved.
 */
import { EventEmitter } from 'eventemitter3';
import { Replica } from '../cache/replica.js';
import type { OvsdbClient } from '../client/client.js';
import { OvndbError } from '../errors.js';
import { model as serverModel } from '../generated/server/model.js';
import type { Database, Tables } from '../generated/server/rows.js';
import {
  classifyMember,
  type MemberStatus,
  NOTHING_SEEN,
  type SeenState,
  updateSeen,
} from './member-status.js';

/** One report of a {@link ServerDatabaseWatch}. */
export interface ServerDatabaseStatus {
  /** The database watched. */
  readonly database: string;
  /** Its `_Server.Database` row, or undefined while the server does not serve it. */
  readonly row: Database | undefined;
  /** The server classified from `row` against what was seen before this row. */
  readonly status: MemberStatus;
  /** What has been seen after this row (carry it to the next connection). */
  readonly seen: SeenState;
}

/** Events of a {@link ServerDatabaseWatch}. */
export interface ServerDatabaseWatchEvents {
  /** The row changed (or appeared, or went away). Not emitted for the first report. */
  status: [status: ServerDatabaseStatus];
  /** The watch stopped: closed by the caller, or its connection failed (`error`). */
  closed: [error?: Error];
}

/** Options of {@link watchServerDatabase}. */
export interface ServerDatabaseWatchOptions {
  /** What the client has already seen of the database, e.g. on another cluster member. @default nothing */
  seen?: SeenState;
  /**
   * The server is known to be an active-backup backup (see `probeReadOnly`); `_Server`
   * cannot tell. @default false
   */
  readOnly?: boolean;
  /** Aborts starting. */
  signal?: AbortSignal;
}

/** A wait on a {@link ServerDatabaseWatch} ran out of time. */
export class ServerDatabaseWaitTimeoutError extends OvndbError {
  constructor(
    readonly database: string,
    readonly timeoutMs: number,
    readonly last: ServerDatabaseStatus,
  ) {
    super(
      'OVNDB_SERVER_DATABASE_WAIT_TIMEOUT',
      `database ${database} did not reach the awaited status within ${timeoutMs} ms (last: ${last.status.reason})`,
      { details: { database, timeoutMs, reason: last.status.reason } },
    );
  }
}

/** The watch stopped while a wait was pending, or was used after it stopped. */
export class ServerDatabaseWatchClosedError extends OvndbError {
  constructor(database: string, cause?: Error) {
    super(
      'OVNDB_SERVER_DATABASE_WATCH_CLOSED',
      `the watch of database ${database} is closed`,
      cause ? { cause, details: { database } } : { details: { database } },
    );
  }
}

/** A live view of one database's `_Server.Database` row. Start one with {@link watchServerDatabase}. */
export class ServerDatabaseWatch extends EventEmitter<ServerDatabaseWatchEvents> {
  private latest: ServerDatabaseStatus;
  private stopped: Error | undefined;

  /** @internal use {@link watchServerDatabase} */
  static create(
    database: string,
    replica: Replica<Tables>,
    readOnly: boolean,
    seen: SeenState,
  ): ServerDatabaseWatch {
    return new ServerDatabaseWatch(database, replica, readOnly, seen);
  }

  // Private, so that the published declarations do not offer a constructor: `create` is stripped from them.
  private constructor(
    readonly database: string,
    private readonly replica: Replica<Tables>,
    private readonly readOnly: boolean,
    seen: SeenState,
  ) {
    super();
    this.latest = this.report(this.findRow(), seen);
    replica.on('batch', () => this.refresh());
    replica.on('closed', (error) => {
      this.stopped = new ServerDatabaseWatchClosedError(database, error);
      this.emit('closed', error);
    });
  }

  /** The latest report. */
  current(): ServerDatabaseStatus {
    return this.latest;
  }

  /**
   * Resolves with the first report (the current one included) for which `predicate` holds.
   * Rejects with {@link ServerDatabaseWaitTimeoutError} after `timeoutMs`, or
   * {@link ServerDatabaseWatchClosedError} when the watch stops first.
   */
  until(
    predicate: (status: ServerDatabaseStatus) => boolean,
    timeoutMs: number,
  ): Promise<ServerDatabaseStatus> {
    if (predicate(this.latest)) return Promise.resolve(this.latest);
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.off('status', onStatus);
        this.off('closed', onClosed);
      };
      const onStatus = (status: ServerDatabaseStatus): void => {
        if (!predicate(status)) return;
        finish();
        resolve(status);
      };
      const onClosed = (): void => {
        finish();
        reject(this.stopped ?? new ServerDatabaseWatchClosedError(this.database));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new ServerDatabaseWaitTimeoutError(this.database, timeoutMs, this.latest));
      }, timeoutMs);
      this.on('status', onStatus);
      this.on('closed', onClosed);
    });
  }

  /** Stops watching (cancels the monitor). The client stays open. Idempotent. */
  async close(): Promise<void> {
    await this.replica.close();
  }

  private findRow(): Database | undefined {
    // The table has one row per database the server hosts: a handful, so a scan is fine.
    for (const row of this.replica.rows('Database')) if (row.name === this.database) return row;
    return undefined;
  }

  private refresh(): void {
    const row = this.findRow();
    // Rows are immutable versions: the same object means the row did not change.
    if (row === this.latest.row) return;
    this.latest = this.report(row, this.latest.seen);
    this.emit('status', this.latest);
  }

  private report(row: Database | undefined, seen: SeenState): ServerDatabaseStatus {
    const status = classifyMember(row, seen, { readOnly: this.readOnly });
    return { database: this.database, row, status, seen: updateSeen(seen, row) };
  }
}

/**
 * Starts watching `database`'s row of `_Server.Database` over `client`; resolves once the
 * first report is ready ({@link ServerDatabaseWatch.current}). Later changes are `status`
 * events. Close the watch when done; closing the client stops it too.
 *
 * @example
 * ```ts
 * const watch = await watchServerDatabase(client, 'OVN_Northbound');
 * if (!watch.current().status.writable) console.log('not the leader');
 * watch.on('status', (s) => console.log(s.status.reason));
 * ```
 */
export async function watchServerDatabase(
  client: OvsdbClient,
  database: string,
  options: ServerDatabaseWatchOptions = {},
): Promise<ServerDatabaseWatch> {
  const replica = await Replica.start(client, serverModel, {
    // `schema` is left out: the whole schema text, and no rule here reads it.
    tables: { Database: { columns: ['name', 'model', 'connected', 'leader', 'cid', 'sid', 'index'] } },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return ServerDatabaseWatch.create(
    database,
    replica,
    options.readOnly ?? false,
    options.seen ?? NOTHING_SEEN,
  );
}
