/**
 * A session with one database of a (possibly clustered) OVSDB service: it finds a suitable
 * member among several endpoints, and when that member goes away it finds another, resumes
 * its replicas, takes its locks again and settles every transaction that was in flight (see
 * write-queue.ts).
 */
import { EventEmitter } from 'eventemitter3';
import { Replica } from '../cache/replica.js';
import type { ReplicaOptions } from '../cache/replica-options.js';
import type { OvsdbClient } from '../client/client.js';
import { report } from '../client/metrics.js';
import { EndpointList } from '../cluster/endpoints.js';
import { NOTHING_SEEN, type SeenState } from '../cluster/member-status.js';
import type { ServerDatabaseStatus } from '../cluster/server-database-watch.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import type { DatabaseSchema } from '../protocol/schema.js';
import { UnknownMethodError } from '../protocol/server-errors.js';
import { validateOperations } from '../protocol/validation.js';
import { ConnectionClosedError } from '../rpc/rpc-errors.js';
import { isConnectionLoss } from './connection-loss.js';
import { type ChosenMember, connectRound, type MemberWanted, suits } from './member-round.js';
import { type ResolvedReconnectPolicy, resolveReconnectPolicy, roundDelay } from './reconnect-policy.js';
import {
  FailoverBudgetExceededError,
  type MemberAttempt,
  MemberUnsuitableError,
  SessionClosedError,
  type SessionPhase,
} from './session-errors.js';
import { SessionLocks } from './session-locks.js';
import type { SessionEvents, SessionOptions, SessionState, SessionTransactOptions } from './session-types.js';
import { WriteQueue } from './write-queue.js';

export type {
  RecoveredWrite,
  SessionEvents,
  SessionOptions,
  SessionState,
  SessionTransactOptions,
} from './session-types.js';

/** What the session needs of the replicas it keeps. */
interface ResumableReplica {
  resume(client: OvsdbClient): Promise<unknown>;
  close(): Promise<void>;
}

/** A reconnecting session with one database. Open one with {@link Session.open}. */
export class Session extends EventEmitter<SessionEvents> {
  readonly database: string;
  private readonly endpointList: EndpointList;
  private readonly policy: ResolvedReconnectPolicy;
  private readonly wanted: MemberWanted;
  private readonly random: () => number;
  private currentState: SessionState = { phase: 'connecting' };
  private member: ChosenMember | undefined;
  private seen: SeenState = NOTHING_SEEN;
  private schema: DatabaseSchema | undefined;
  private readonly writes: WriteQueue;
  private readonly locks: SessionLocks;
  private readonly replicas = new Set<ResumableReplica>();
  /** When the member in use was lost, for the reconnect metric. */
  private lostAt: number | undefined;
  private readonly closeController = new AbortController();
  private detachMember: (() => void) | undefined;

  private constructor(
    endpoints: EndpointList,
    private readonly options: SessionOptions,
  ) {
    super();
    const session = this;
    this.database = options.database;
    this.endpointList = endpoints;
    this.policy = resolveReconnectPolicy(options.reconnect);
    this.wanted = options.member ?? 'leader';
    this.random = options.random ?? Math.random;
    this.writes = new WriteQueue(
      {
        database: this.database,
        readyMember: () => (this.currentState.phase === 'ready' ? this.member : undefined),
        phase: () => this.currentState.phase,
        holds: (lock) => this.locks.holds(lock),
        connectionLost: (member, error) => this.lost(member, error),
        recovered: (write) => this.emit('recovered', write),
      },
      options.assignInsertUuids ?? true,
    );
    this.locks = new SessionLocks({
      get client() {
        return session.client;
      },
      get remote() {
        return session.remote;
      },
      lockEvent: (event, name) => this.emit(event, name),
    });
  }

  /**
   * Connects to a suitable member of `remotes` (an OVS comma list, an array, or an
   * {@link EndpointList}) and resolves once it is in use. Rejects with
   * {@link FailoverBudgetExceededError} when none is within the failover budget.
   *
   * @example
   * ```ts
   * const session = await Session.open('tcp:10.0.0.1:6641,tcp:10.0.0.2:6641,tcp:10.0.0.3:6641', {
   *   database: 'OVN_Northbound',
   * });
   * await session.transact([{ op: 'insert', table: 'Logical_Router', row: { name: 'r1' } }]);
   * ```
   */
  static async open(
    remotes: string | readonly string[] | EndpointList,
    options: SessionOptions,
  ): Promise<Session> {
    const list = remotes instanceof EndpointList ? remotes : new EndpointList(remotes, options.endpoints);
    const session = new Session(list, options);
    try {
      await session.establish(false);
    } catch (error) {
      session.shutdown(error as Error);
      throw error;
    }
    return session;
  }

  /** Where the session stands. */
  get state(): SessionState {
    return this.currentState;
  }

  /** The connection in use, or undefined while reconnecting or closed. */
  get client(): OvsdbClient | undefined {
    return this.currentState.phase === 'ready' ? this.member?.client : undefined;
  }

  /** The remote in use, or undefined while reconnecting or closed. */
  get remote(): string | undefined {
    return this.currentState.phase === 'ready' ? this.currentState.remote : undefined;
  }

  /** The `_Server.Database` report of the member in use, or undefined while reconnecting or closed. */
  get memberStatus(): ServerDatabaseStatus | undefined {
    return this.currentState.phase === 'ready' ? this.member?.watch.current() : undefined;
  }

  /**
   * Resolves once the member in use has applied raft log entry `index` and every monitor
   * update up to it has reached this client (its `_Server.Database.index` is at least `index`,
   * then a `list_dbs` round trip: ovsdb-server sends pending monitor updates before any
   * reply). Follows reconnects. A member that exposes no index (standalone, relay) has
   * nothing to wait for beyond the round trip.
   */
  async waitForIndex(index: number, options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const client = await this.whenReady();
      const member = this.member as ChosenMember;
      try {
        await member.watch.until(
          (status) => status.row?.index === undefined || status.row.index >= index,
          Math.max(1, deadline - Date.now()),
        );
        await client.listDbs();
        return;
      } catch (error) {
        // The member went away meanwhile: wait on the next one; anything else is final.
        if (this.member === member || Date.now() >= deadline) throw error;
      }
    }
  }

  /** The endpoints, which may be changed at run time with `endpoints.update(...)`. */
  get endpoints(): EndpointList {
    return this.endpointList;
  }

  /** Transactions waiting: never written, and written but not yet settled after a lost connection. */
  get backlog(): { queued: number; sent: number; inDoubt: number } {
    return this.writes.backlog;
  }

  private setState(state: SessionState): void {
    if (this.currentState.phase === 'closed') return;
    this.currentState = state;
    this.emit('state', state);
  }

  private get phase(): SessionPhase {
    return this.currentState.phase;
  }

  /** A method, not a property test, so the check is not narrowed away across awaits. */
  private isClosed(): boolean {
    return this.currentState.phase === 'closed';
  }

  // ---- finding a member ---------------------------------------------------------------

  /** Runs connection rounds until a member is in use; throws when the budget runs out or on close. */
  private async establish(reconnecting: boolean): Promise<void> {
    const started = Date.now();
    let attempts: MemberAttempt[] = [];
    for (let round = 0; ; round++) {
      if (this.isClosed()) throw this.closedError();
      const budget = this.policy.failoverBudgetMs;
      const left = budget > 0 ? started + budget - Date.now() : Number.POSITIVE_INFINITY;
      const delay = roundDelay(round, this.policy, this.random);
      if (left <= delay) {
        throw new FailoverBudgetExceededError(this.database, this.phase, budget, round, attempts);
      }
      if (delay > 0) await this.sleep(delay);
      if (this.isClosed()) throw this.closedError();
      const result = await connectRound({
        remotes: this.endpointList.attemptOrder(),
        database: this.database,
        wanted: this.wanted,
        seen: this.seen,
        connectTimeoutMs: this.policy.connectTimeoutMs,
        roundTimeoutMs: Math.max(1, Math.min(this.policy.roundTimeoutMs, left - delay)),
        clientOptions: this.options.client ?? {},
        signal: this.closeController.signal,
      });
      attempts = result.attempts;
      for (const attempt of attempts) {
        if (attempt.remote !== result.chosen?.remote) this.endpointList.markFailed(attempt.remote);
      }
      if (result.chosen === undefined) continue;
      try {
        await this.adopt(result.chosen, reconnecting);
        return;
      } catch (error) {
        attempts = [{ remote: result.chosen.remote, reason: (error as Error).message }];
        this.endpointList.markFailed(result.chosen.remote);
        this.dropMember();
        void result.chosen.client.close();
        if (this.isClosed()) throw this.closedError();
      }
    }
  }

  /** Puts a chosen member in use: replicas resumed, locks asked for, in-flight writes settled, the queue sent. */
  private async adopt(chosen: ChosenMember, reconnecting: boolean): Promise<void> {
    const { client, watch, remote } = chosen;
    this.member = chosen;
    this.seen = chosen.status.seen;
    this.endpointList.markHealthy(remote);
    this.attachMember(chosen);
    // Ask to be told of an online schema change rather than be disconnected by it.
    await client.setDbChangeAware(true).catch((error: unknown) => {
      if (!(error instanceof UnknownMethodError)) throw error;
    });
    this.schema = await client.getSchema(this.database);
    if (reconnecting) await this.resumeReplicas(client);
    await this.locks.requestAll(client);
    this.writes.settle();
    if (client.state.status !== 'open') throw new ConnectionClosedError('connection closed while resuming');
    this.setState({ phase: 'ready', remote, member: watch.current().status });
    this.emit('ready', { remote, member: watch.current().status, reconnected: reconnecting });
    if (reconnecting && this.lostAt !== undefined) {
      report(this.options.client?.metrics?.reconnect, {
        database: this.database,
        remote,
        downtimeMs: performance.now() - this.lostAt,
      });
      this.lostAt = undefined;
    }
    this.writes.flush();
  }

  /**
   * Resumes every replica on the new connection. A replica that fails for a reason of its
   * own (a table gone after a conversion) has stopped and is left out; a lost connection
   * fails the whole adoption, to be tried on the next member.
   */
  private async resumeReplicas(client: OvsdbClient): Promise<void> {
    const results = await Promise.allSettled([...this.replicas].map((replica) => replica.resume(client)));
    for (const result of results) {
      if (
        result.status === 'rejected' &&
        (isConnectionLoss(result.reason) || client.state.status !== 'open')
      ) {
        throw result.reason;
      }
    }
  }

  private attachMember(chosen: ChosenMember): void {
    const { client, watch, remote } = chosen;
    const onState = (): void => {
      if (client.state.status === 'closed') this.lost(chosen, client.state.error);
    };
    const onStatus = (status: ServerDatabaseStatus): void => {
      this.seen = status.seen;
      this.emit('status', status);
      if (!suits(status, this.wanted)) {
        // Writes decided elsewhere now: leave, settling what was in flight on the next member.
        this.lost(chosen, new MemberUnsuitableError(remote, status.status.reason));
      }
    };
    const onLocked = (lock: string): void => this.locks.granted(lock);
    const onStolen = (lock: string): void => this.locks.stolen(client, lock);
    client.on('state', onState);
    watch.on('status', onStatus);
    client.on('locked', onLocked);
    client.on('stolen', onStolen);
    this.detachMember = () => {
      client.off('state', onState);
      watch.off('status', onStatus);
      client.off('locked', onLocked);
      client.off('stolen', onStolen);
    };
  }

  private dropMember(): void {
    this.detachMember?.();
    this.detachMember = undefined;
    this.member = undefined;
  }

  /** The member in use is gone: move what was in flight aside and start a reconnect. */
  private lost(member: ChosenMember, error?: Error): void {
    if (this.member !== member) return;
    const wasReady = this.phase === 'ready';
    this.dropMember();
    void member.client.close();
    this.writes.connectionLost();
    this.locks.connectionLost();
    if (!wasReady) return; // a failure during adopt: establish's loop goes on by itself
    this.lostAt = performance.now();
    this.setState({ phase: 'reconnecting', lost: member.remote, ...(error ? { error } : {}) });
    this.emit('disconnected', { remote: member.remote, ...(error ? { error } : {}) });
    this.establish(true).catch((failure: Error) => this.shutdown(failure));
  }

  // ---- transactions -------------------------------------------------------------------

  /**
   * Runs `operations` as one transaction on the member in use, or on the next one if the
   * connection is lost. Checked against the schema first: bad input rejects at once and
   * nothing is written.
   *
   * Outcomes when the connection is lost (or the server answers `canceled`):
   * - not yet written: sent after the reconnect, in order;
   * - written, with an insert whose UUID is client-chosen (every insert gets one unless
   *   `assignInsertUuids` is false): sent again behind a guard that fails if that row
   *   exists. Guard failed: the first attempt committed; it resolves (results of operations
   *   other than inserts are then empty objects, the reply being lost). Guard passed: this
   *   attempt ran, with its own results;
   * - written, read-only or `idempotent`: sent again;
   * - otherwise: rejects with {@link WriteOutcomeUnknownError}.
   */
  transact(
    operations: readonly Operation[],
    options: SessionTransactOptions = {},
  ): Promise<OperationResult[]> {
    if (this.phase === 'closed') return Promise.reject(this.closedError());
    const schema = this.schema;
    if ((options.validate ?? this.options.client?.validate ?? true) && schema !== undefined) {
      try {
        validateOperations(schema, operations);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.writes.submit(operations, options);
  }

  // ---- replicas -----------------------------------------------------------------------

  /**
   * A replica of the session's database that follows it across reconnects: after a failover
   * it resumes (only what changed since, when the new member has the history; otherwise the
   * difference, as change events). Closing the session closes it.
   */
  async replica<T extends object>(
    model: DatabaseModel<T>,
    options: ReplicaOptions<T> = {},
  ): Promise<Replica<T>> {
    const client = await this.whenReady();
    const replica = await Replica.create(client, model, options);
    replica.enableResume();
    this.replicas.add(replica);
    replica.once('closed', () => this.replicas.delete(replica));
    await replica.sync();
    return replica;
  }

  // ---- locks --------------------------------------------------------------------------

  /**
   * Asks for `lock` and resolves once it is held. The session keeps asking for it: after a
   * reconnect, and after another client steals it (`stolen` event). `lockLost` tells when a
   * held lock went away with a connection.
   */
  lock(name: string): Promise<void> {
    if (this.phase === 'closed') return Promise.reject(this.closedError());
    return this.locks.lock(name);
  }

  /** Gives `lock` up (or stops waiting for it); pending `lock()` calls reject. */
  unlock(name: string): Promise<void> {
    return this.locks.unlock(name);
  }

  /** True while the session holds `lock`. */
  holds(name: string): boolean {
    return this.locks.holds(name);
  }

  /**
   * Leaves the member in use and fails over as if it had been lost (after changing the
   * endpoints, or to move off a member on purpose). Writes in flight are settled as usual.
   * While a member is being taken into use, that member is dropped and the next round
   * starts; while a round runs, the round itself is the reconnect.
   */
  reconnect(): void {
    const member = this.member;
    if (member !== undefined && this.phase !== 'closed') this.lost(member);
  }

  // ---- closing ------------------------------------------------------------------------

  /** Closes the session: replicas close, waiting calls reject with {@link SessionClosedError}. */
  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    const client = this.member?.client;
    await Promise.all([...this.replicas].map((replica) => replica.close()));
    this.shutdown();
    await client?.close();
  }

  private shutdown(error?: Error): void {
    if (this.phase === 'closed') return;
    const endpoint = this.member?.remote;
    const previous = this.phase;
    this.setState(error === undefined ? { phase: 'closed' } : { phase: 'closed', error });
    this.closeController.abort();
    const member = this.member;
    this.dropMember();
    if (member !== undefined) void member.client.close();
    const failure = error ?? new SessionClosedError(this.database, previous, endpoint);
    this.writes.close(failure, previous, endpoint);
    for (const replica of this.replicas) void replica.close();
    this.locks.close(failure);
    if (error instanceof FailoverBudgetExceededError) this.emit('gaveUp', error);
    this.emit('closed', error);
  }

  /** Resolves with the connection in use once the session is ready; rejects once it is closed. */
  whenReady(): Promise<OvsdbClient> {
    const client = this.client;
    if (client !== undefined) return Promise.resolve(client);
    if (this.phase === 'closed') return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => {
      const onState = (state: SessionState): void => {
        if (state.phase === 'ready') {
          this.off('state', onState);
          resolve(this.member?.client as OvsdbClient);
        } else if (state.phase === 'closed') {
          this.off('state', onState);
          reject(this.closedError());
        }
      };
      this.on('state', onState);
    });
  }

  private closedError(): SessionClosedError {
    const state = this.currentState;
    return new SessionClosedError(
      this.database,
      state.phase,
      this.member?.remote,
      'error' in state ? state.error : undefined,
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.closeController.signal;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
