/**
 * The client facade: one connection to one OVSDB server, with a method per RFC 7047 and
 * Open vSwitch JSON-RPC method. Requests go down to the rpc layer; notifications come back
 * up as typed events.
 */
import { EventEmitter } from 'eventemitter3';
import { plainUpdates } from '../protocol/monitor-notice.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { type DatabaseSchema, parseDatabaseSchema } from '../protocol/schema.js';
import { serverError } from '../protocol/server-errors.js';
import type {
  MonitorCondChangeRequests,
  MonitorCondRequests,
  MonitorCondSinceReply,
  MonitorRequests,
  TableUpdates,
  TableUpdates2,
} from '../protocol/updates.js';
import { ZERO_TXN_ID } from '../protocol/updates.js';
import { checkId, validateOperations } from '../protocol/validation.js';
import type { RequestOptions, RpcConnection, StartedRequest } from '../rpc/connection.js';
import { ConnectionClosedError, RequestAbortedError, RpcRemoteError } from '../rpc/rpc-errors.js';
import type { ClientEvents } from './client-events.js';
import type { ConnectionState } from './connection-state.js';
import { report, transactionMetric, updateMetric } from './metrics.js';
import type { CallOptions, ResolvedClientOptions } from './options.js';
import { SchemaNotFetchedError } from './schema-not-fetched-error.js';
import { TransactRequest } from './transact-request.js';
import { waitDeadline } from './wait-deadline.js';

/** Options of {@link OvsdbClient.transact}. */
export interface TransactOptions extends CallOptions {
  /** Check the operations against the schema before sending. @default the client's `validate` option */
  validate?: boolean;
}

/** The options of a call given none (shared: a call without options allocates none). */
const NO_OPTIONS: TransactOptions = Object.freeze({});

/** A connected OVSDB client. Create one with {@link connect}. */
export class OvsdbClient extends EventEmitter<ClientEvents> {
  private currentState: ConnectionState;
  private readonly schemas = new Map<string, DatabaseSchema>();
  private readonly schemaRequests = new Map<string, Promise<DatabaseSchema>>();

  /** @internal use {@link connect} */
  static create(rpc: RpcConnection, remote: string, options: ResolvedClientOptions): OvsdbClient {
    return new OvsdbClient(rpc, remote, options);
  }

  // Private, so that the published declarations do not offer a constructor: `create` is stripped from them.
  private constructor(
    private readonly rpc: RpcConnection,
    readonly remote: string,
    private readonly options: ResolvedClientOptions,
  ) {
    super();
    this.currentState = { status: 'open', remote };
    rpc.on('notification', (method: string, params: unknown[]) => this.dispatch(method, params));
    rpc.on('close', (error?: Error) =>
      this.setState({ status: 'closed', remote, ...(error ? { error } : {}) }),
    );
  }

  /** The connection's current state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  private setState(state: ConnectionState): void {
    if (this.currentState.status === 'closed') return;
    this.currentState = state;
    this.emit('state', state);
  }

  private async call(
    method: string,
    params: unknown[],
    options: CallOptions = {},
    database?: string,
  ): Promise<unknown> {
    try {
      return await this.rpc.request(method, params, this.requestOptions(options));
    } catch (error) {
      if (error instanceof RpcRemoteError) {
        throw serverError(error.details, database === undefined ? {} : { database });
      }
      throw error;
    }
  }

  /** `list_dbs`: the names of the databases the server serves. */
  async listDbs(options?: CallOptions): Promise<string[]> {
    return (await this.call('list_dbs', [], options)) as string[];
  }

  /** `get_schema`: the database's schema, parsed and checked. Cached for the connection's life. */
  async getSchema(database: string, options?: CallOptions): Promise<DatabaseSchema> {
    const json = await this.call('get_schema', [database], options, database);
    const schema = parseDatabaseSchema(json);
    this.schemas.set(database, schema);
    return schema;
  }

  /** The cached schema of `database`, fetching it once when missing. */
  private schemaFor(database: string): Promise<DatabaseSchema> {
    const known = this.schemas.get(database);
    if (known) return Promise.resolve(known);
    let pending = this.schemaRequests.get(database);
    if (!pending) {
      pending = this.getSchema(database).finally(() => this.schemaRequests.delete(database));
      this.schemaRequests.set(database, pending);
    }
    return pending;
  }

  /**
   * `transact`: runs the operations as one atomic transaction. Operations are checked against the
   * schema first (unless `validate` is false), so bad input throws before anything is sent.
   * Resolves with one result per operation; rejects with the typed server error of the first
   * failed operation, or of the commit.
   */
  transact(
    database: string,
    operations: readonly Operation[],
    options: TransactOptions = NO_OPTIONS,
  ): Promise<OperationResult[]> {
    // Written with plain promises rather than async/await: this is the hot path of every write.
    if ((options.validate ?? this.options.validate) && !this.schemas.has(database)) {
      // Fetched once per database; later calls check synchronously.
      return this.schemaFor(database).then(() => this.transact(database, operations, options));
    }
    try {
      return this.startTransact(database, operations, options).response as Promise<OperationResult[]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @internal Every transaction goes through here, from `transact` and from a session: the one
   * place operations are checked against the schema (unless `validate` is false; the schema must
   * have been fetched on this connection, as `transact` and a session's adoption of a member
   * do). Throws the validation error, before anything is sent. Returns the started request,
   * whose `written` flag tells, if the connection drops, whether the server may have seen it.
   */
  startTransact(
    database: string,
    operations: readonly Operation[],
    options: TransactOptions = NO_OPTIONS,
  ): StartedRequest {
    if (options.validate ?? this.options.validate) {
      const schema = this.schemas.get(database);
      if (schema === undefined) throw new SchemaNotFetchedError(database);
      validateOperations(schema, operations);
    }
    // Results are checked and errors typed as the reply settles the request's own promise.
    const request = new TransactRequest(database, operations, this.transactErrorMapper(database));
    request.timeoutMs =
      options.timeoutMs === undefined
        ? waitDeadline(operations, this.options.requestTimeoutMs)
        : options.timeoutMs;
    request.signal = options.signal;
    const started = this.rpc.start('transact', [database, ...operations], request);
    if (this.options.metrics?.transaction !== undefined) this.measure(started, database, operations.length);
    return started;
  }

  /** Reports the transaction's settlement to the metrics hook (only when one is set: no cost otherwise). */
  private measure(started: StartedRequest, database: string, operations: number): void {
    const startedAt = performance.now();
    const hook = this.options.metrics?.transaction;
    started.response.then(
      () => report(hook, transactionMetric(database, operations, startedAt)),
      (error: unknown) => report(hook, transactionMetric(database, operations, startedAt, error)),
    );
  }

  /**
   * @internal For the session: a `transact` sent as given, resolving with the reply array as
   * it is (error elements included), with the started request's `written` flag.
   */
  startTransactRaw(
    database: string,
    operations: readonly unknown[],
    options: CallOptions = {},
  ): StartedRequest {
    return this.rpc.start('transact', [database, ...operations], this.requestOptions(options, database));
  }

  /** The schema of `database` fetched on this connection, if any. */
  cachedSchema(database: string): DatabaseSchema | undefined {
    return this.schemas.get(database);
  }

  /**
   * `transact` without checking: sends the operations as given and resolves with the server's
   * reply array as it is, error elements included. Aborting a call that was already written
   * also sends `cancel` for it.
   */
  transactRaw(database: string, operations: readonly unknown[], options: CallOptions = {}): Promise<unknown> {
    return this.startTransactRaw(database, operations, options).response;
  }

  /**
   * The rpc options of a call: its timeout and signal, and, for a call to a `database`, how its
   * failures are typed (a written `transact` that is aborted is also canceled on the server).
   */
  private requestOptions(options: CallOptions, database?: string): RequestOptions | undefined {
    // Without a timeout of its own, the connection's default deadline applies (replyTimeoutMs).
    const timeoutMs = options.timeoutMs;
    if (timeoutMs === undefined && options.signal === undefined && database === undefined) return undefined;
    const request: RequestOptions = {};
    if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
    if (options.signal !== undefined) request.signal = options.signal;
    if (database !== undefined) request.mapError = this.transactErrorMapper(database);
    return request;
  }

  private readonly transactErrorMappers = new Map<string, RequestOptions['mapError']>();

  /** One error mapper per database, made once, for every transact to it. */
  private transactErrorMapper(database: string): RequestOptions['mapError'] {
    let mapper = this.transactErrorMappers.get(database);
    if (mapper === undefined) {
      mapper = (error, request) => this.transactFailed(database, request, error);
      this.transactErrorMappers.set(database, mapper);
    }
    return mapper;
  }

  /** Types a failed transact's error; cancels it on the server if it was aborted after being written. */
  private transactFailed(database: string, request: StartedRequest, error: Error): Error {
    if (error instanceof RequestAbortedError && request.written && !this.rpc.closed) this.cancel(request.id);
    if (error instanceof RpcRemoteError) return serverError(error.details, { database });
    return error;
  }

  /** `cancel`: asks the server to give up on an earlier request (it then fails with `canceled`). */
  cancel(requestId: unknown): void {
    this.rpc.notify('cancel', [requestId]);
  }

  /** `monitor`: starts a monitor and resolves with the initial contents; changes arrive as `update` events. */
  async monitor(
    database: string,
    monitorId: unknown,
    requests: MonitorRequests,
    options?: CallOptions,
  ): Promise<TableUpdates> {
    return (await this.call('monitor', [database, monitorId, requests], options, database)) as TableUpdates;
  }

  /** `monitor_cond`: a monitor with conditions; changes arrive as `update2` events. */
  async monitorCond(
    database: string,
    monitorId: unknown,
    requests: MonitorCondRequests,
    options?: CallOptions,
  ): Promise<TableUpdates2> {
    return (await this.call(
      'monitor_cond',
      [database, monitorId, requests],
      options,
      database,
    )) as TableUpdates2;
  }

  /**
   * `monitor_cond_since`: a conditional monitor that can resume. With the `lastTxnId` of an earlier
   * monitor the server sends only what changed since (`found: true`) when it still has that history.
   * Changes arrive as `update3` events.
   */
  async monitorCondSince(
    database: string,
    monitorId: unknown,
    requests: MonitorCondRequests,
    lastTxnId: string = ZERO_TXN_ID,
    options?: CallOptions,
  ): Promise<MonitorCondSinceReply> {
    const reply = (await this.call(
      'monitor_cond_since',
      [database, monitorId, requests, lastTxnId],
      options,
      database,
    )) as [boolean, string, TableUpdates2];
    return { found: reply[0], lastTxnId: reply[1], updates: reply[2] };
  }

  /**
   * @internal For the replica: sends a monitor request (`params` as the method takes them) and
   * resolves with its result, in lazy form (a `LazyResult` whose rows are parsed on demand)
   * when the reply is big enough to arrive segmented, plain JSON otherwise.
   */
  async monitorInitial(
    method: 'monitor' | 'monitor_cond' | 'monitor_cond_since',
    database: string,
    params: unknown[],
    options: CallOptions = {},
  ): Promise<unknown> {
    try {
      return await this.rpc.request(method, params, { ...this.requestOptions(options), segmented: true });
    } catch (error) {
      if (error instanceof RpcRemoteError) throw serverError(error.details, { database });
      throw error;
    }
  }

  /** `monitor_cond_change`: replaces the conditions of a monitor; rows entering and leaving arrive as updates. */
  async monitorCondChange(
    monitorId: unknown,
    newMonitorId: unknown,
    requests: MonitorCondChangeRequests,
    options?: CallOptions,
  ): Promise<void> {
    await this.call('monitor_cond_change', [monitorId, newMonitorId, requests], options);
  }

  /** `monitor_cancel`: stops a monitor. */
  async monitorCancel(monitorId: unknown, options?: CallOptions): Promise<void> {
    await this.call('monitor_cancel', [monitorId], options);
  }

  /** `lock`: asks for a lock; resolves true when granted now, false when queued (a `locked` event follows). */
  async lock(lockId: string, options?: CallOptions): Promise<boolean> {
    return ((await this.lockCall('lock', lockId, options)) as { locked: boolean }).locked;
  }

  /** `steal`: takes a lock from whoever holds it (the holder gets `stolen`). Resolves true. */
  async steal(lockId: string, options?: CallOptions): Promise<boolean> {
    return ((await this.lockCall('steal', lockId, options)) as { locked: boolean }).locked;
  }

  /** `unlock`: gives a lock up, or stops waiting for it. */
  async unlock(lockId: string, options?: CallOptions): Promise<void> {
    await this.lockCall('unlock', lockId, options);
  }

  private lockCall(
    method: 'lock' | 'steal' | 'unlock',
    lockId: string,
    options?: CallOptions,
  ): Promise<unknown> {
    checkId(lockId, 'a lock name');
    return this.call(method, [lockId], options);
  }

  /** True while at least one {@link pauseReading} hold is unreleased. */
  get readingPaused(): boolean {
    return this.rpc.readingPaused;
  }

  /**
   * Stops reading from the server until every hold is released; returns this hold's release
   * function (idempotent). For a consumer of `update*` events whose queue is full: memory stays
   * bounded because the kernel window closes and ovsdb-server, with a backlog toward us,
   * coalesces monitor changes instead of queuing them.
   *
   * The tradeoff: while paused, replies to this client's own requests are delayed as well (they
   * queue behind the unread updates), so a call with a timeout may time out, and locks or
   * transactions wait. And the session must stay alive: ovsdb-server drops a session whose
   * inactivity probe goes unanswered, and it does not even read our messages while its backlog
   * toward us is nonempty. So a paused client still reads one chunk every
   * {@link ClientOptions.pausedTrickleIntervalMs} (updates in it are emitted as usual: expect a
   * trickle of events, bounded by that rate) and sends an `echo` every
   * {@link ClientOptions.pausedEchoIntervalMs}.
   *
   * @example
   * ```ts
   * const release = client.pauseReading();
   * await queue.drained();
   * release();
   * ```
   */
  pauseReading(): () => void {
    return this.rpc.pauseReading({
      trickleIntervalMs: this.options.pausedTrickleIntervalMs,
      echoIntervalMs: this.options.pausedEchoIntervalMs,
    });
  }

  /**
   * @internal Holds back every message read from now on, replies included, until the returned
   * release is called; they are then delivered in order. A replica takes it while it applies a
   * big update over several turns, so that a transaction's reply read after that update is not
   * seen before the update is applied (read-your-writes).
   */
  holdDelivery(): () => void {
    return this.rpc.holdDelivery({
      trickleIntervalMs: this.options.pausedTrickleIntervalMs,
      echoIntervalMs: this.options.pausedEchoIntervalMs,
    });
  }

  /** `echo`: the server returns the params; a liveness check. */
  async echo(params: unknown[] = [], options?: CallOptions): Promise<unknown[]> {
    return (await this.call('echo', params, options)) as unknown[];
  }

  /** `get_server_id`: the server's UUID, stable across its restarts (Open vSwitch extension). */
  async getServerId(options?: CallOptions): Promise<string> {
    return (await this.call('get_server_id', [], options)) as string;
  }

  /** `set_db_change_aware`: asks the server to cancel monitors (`monitorCanceled`) instead of closing the connection when a database changes. */
  async setDbChangeAware(enabled = true, options?: CallOptions): Promise<void> {
    await this.call('set_db_change_aware', [enabled], options);
  }

  /** `convert`: converts a database online to a new schema. The cached schema is dropped. */
  async convert(database: string, schema: unknown, options?: CallOptions): Promise<void> {
    await this.call('convert', [database, schema], options, database);
    this.schemas.delete(database);
  }

  /**
   * Closes the connection. Every pending request rejects with `ConnectionClosedError`.
   * Resolves once closed; calling it again is harmless.
   */
  async close(): Promise<void> {
    if (this.currentState.status === 'closed') return;
    this.setState({ status: 'closing', remote: this.remote });
    const closed = new Promise<void>((resolve) => {
      if (this.rpc.closed) resolve();
      else this.rpc.once('close', () => resolve());
    });
    this.rpc.close();
    await closed;
    this.setState({ status: 'closed', remote: this.remote });
  }

  /**
   * @internal For the session: drops a connection it no longer wants (a member not chosen in
   * a round, one lost or given up on) at once, without the graceful close's wait for the peer,
   * which a hung or stalled member never answers: nothing then keeps the process alive for it.
   * Pending requests reject with `ConnectionClosedError`.
   */
  abandon(): void {
    if (this.currentState.status === 'closed') return;
    this.rpc.close(new ConnectionClosedError('connection abandoned'));
  }

  /**
   * A monitor's update: to the replica as read (a big one's updates unparsed), then, parsed
   * whole, to whoever listens to the public event of its method.
   */
  private dispatchUpdate(method: 'update' | 'update2' | 'update3', params: unknown[]): void {
    const monitorId = params[0];
    const updates = (method === 'update3' ? params[2] : params[1]) as TableUpdates | TableUpdates2;
    const metrics = this.options.metrics;
    if (metrics?.update !== undefined) report(metrics.update, updateMetric(method, updates));
    if (method === 'update3') {
      const lastTxnId = params[1] as string;
      this.emit('monitorNotice', { method, monitorId, lastTxnId, updates });
      if (this.listenerCount(method) > 0)
        this.emit(method, monitorId, lastTxnId, plainUpdates(updates) as TableUpdates2);
      return;
    }
    this.emit('monitorNotice', { method, monitorId, updates });
    if (this.listenerCount(method) > 0) this.emit(method, monitorId, plainUpdates(updates) as TableUpdates2);
  }

  private dispatch(method: string, params: unknown[]): void {
    switch (method) {
      case 'update':
      case 'update2':
      case 'update3':
        this.dispatchUpdate(method, params);
        return;
      case 'locked':
        this.emit('locked', params[0] as string);
        return;
      case 'stolen':
        this.emit('stolen', params[0] as string);
        return;
      case 'monitor_canceled':
        this.emit('monitorCanceled', params[0]);
        return;
      default:
        this.emit('notification', method, params);
    }
  }
}
