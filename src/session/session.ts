/**
 * A session with one database of a (possibly clustered) OVSDB service: it finds a suitable
 * member among several endpoints, and when that member goes away it finds another, resumes
 * its replicas, takes its locks again and settles every transaction that was in flight (see
 * write-queue.ts).
 */
import { EventEmitter } from 'eventemitter3';
import { Replica } from '../cache/replica.js';
import type { ReplicaTablesOption } from '../cache/replica-options.js';
import type { DeclaredIndexes } from '../cache/typed-indexes.js';
import type { OvsdbClient } from '../client/client.js';
import { report } from '../client/metrics.js';
import { receivedBytes } from '../client/received-bytes.js';
import { EndpointList } from '../cluster/endpoints.js';
import { NOTHING_SEEN, type SeenState } from '../cluster/member-status.js';
import type { ServerDatabaseStatus } from '../cluster/server-database-watch.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { UnknownMethodError } from '../protocol/server-errors.js';
import { ConnectionClosedError } from '../rpc/rpc-errors.js';
import {
  type HandleTransactionOptions,
  runOnHandle,
  type TransactionOutcome,
} from '../txn/run-transaction.js';
import type { Transaction } from '../txn/transaction.js';
import { ModelRequiredError } from '../txn/txn-errors.js';
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
import {
  DEFAULT_OPEN_TIMEOUT_MS,
  DEFAULT_REPLICA_STALL_MS,
  type SessionEvents,
  type SessionOptions,
  type SessionReplicaOptions,
  type SessionState,
  type SessionTransactOptions,
} from './session-types.js';
import { type SessionWaitOptions, WaitBound, type WaitSubject } from './wait-bound.js';
import { WriteQueue } from './write-queue.js';

export type {
  RecoveredWrite,
  SessionEvents,
  SessionOptions,
  SessionReplicaOptions,
  SessionState,
  SessionTransactOptions,
} from './session-types.js';
export type { SessionWaitOptions } from './wait-bound.js';

/** What the session needs of the replicas it keeps. */
interface ResumableReplica {
  resume(client: OvsdbClient): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A reconnecting session with one database. Open one with {@link Session.open}. Opened with a
 * model, it is a typed handle of the database (`DatabaseHandle<T>`): `transact`, optimistic
 * `transaction`s that keep the session's guarantees across failover, its replica, locks.
 */
export class Session<T extends object = Record<string, unknown>> extends EventEmitter<SessionEvents> {
  /** The database, e.g. `OVN_Northbound`. */
  readonly database: string;
  /** The model the session was opened with, if any. */
  readonly model: DatabaseModel<T> | undefined;
  /** The session's own replica of its model's database, once asked for. */
  private shared: Promise<Replica<T>> | undefined;
  private readonly endpointList: EndpointList;
  private readonly policy: ResolvedReconnectPolicy;
  private readonly wanted: MemberWanted;
  private readonly random: () => number;
  private currentState: SessionState = { phase: 'connecting' };
  private member: ChosenMember | undefined;
  private seen: SeenState = NOTHING_SEEN;
  private readonly writes: WriteQueue;
  private readonly locks: SessionLocks;
  private readonly replicas = new Set<ResumableReplica>();
  /** When the member in use was lost, for the reconnect metric. */
  private lostAt: number | undefined;
  /**
   * When the failover in progress began: the first loss since writes last made progress. A
   * reconnect does not end it while the writes in flight are unanswered, so a server that
   * accepts every connection and drops it again cannot keep the budget from running out.
   */
  private outageSince: number | undefined;
  /** Connection rounds run in that failover: each reconnect of it waits longer, as one round more. */
  private outageRounds = 0;
  private readonly closeController = new AbortController();
  private detachMember: (() => void) | undefined;
  /** What each member answered in the current or last round, for waits that give up. */
  private attemptsSeen: readonly MemberAttempt[] = [];

  private constructor(
    endpoints: EndpointList,
    private readonly options: SessionOptions<T>,
  ) {
    super();
    const session = this;
    const database = options.database ?? options.model?.name;
    if (database === undefined) throw new TypeError('Session.open needs a database or a model');
    this.database = database;
    this.model = options.model;
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
        connectionLost: (member, error) => this.lost(member, error, true),
        recovered: (write) => this.emit('recovered', write),
        progressed: () => this.outageEnded(),
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
   * {@link SessionWaitTimeoutError} when none is found within `openTimeoutMs` (30 s by
   * default), {@link WaitAbortedError} as soon as `signal` fires, and
   * {@link FailoverBudgetExceededError} when a smaller failover budget runs out first; each
   * says what it waited for and what every member answered. Nothing is left running then:
   * the connection attempts in flight are aborted and their sockets closed.
   *
   * @example
   * ```ts
   * const session = await Session.open('tcp:10.0.0.1:6641,tcp:10.0.0.2:6641,tcp:10.0.0.3:6641', {
   *   database: 'OVN_Northbound',
   * });
   * await session.transact([{ op: 'insert', table: 'Logical_Router', row: { name: 'r1' } }]);
   * ```
   */
  static async open<T extends object = Record<string, unknown>>(
    remotes: string | readonly string[] | EndpointList,
    options: SessionOptions<T>,
  ): Promise<Session<T>> {
    const list = remotes instanceof EndpointList ? remotes : new EndpointList(remotes, options.endpoints);
    const session = new Session<T>(list, options);
    const bound = new WaitBound(
      session.waitSubject(() => session.memberWhat()),
      { signal: options.signal, timeoutMs: options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS },
      { also: [session.closeController.signal] },
    );
    try {
      await session.establish(false, bound);
    } catch (error) {
      session.shutdown(error as Error);
      throw error;
    } finally {
      bound.dispose();
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
   * nothing to wait for beyond the round trip. Rejects with {@link SessionWaitTimeoutError}
   * after `timeoutMs` (default 30000), {@link WaitAbortedError} when `signal` fires.
   */
  async waitForIndex(index: number, options: SessionWaitOptions = {}): Promise<void> {
    const bound = new WaitBound(
      this.waitSubject(() => `raft index ${index} of ${this.database} on ${this.remote ?? 'a member'}`),
      { signal: options.signal, timeoutMs: options.timeoutMs ?? 30_000 },
    );
    try {
      for (;;) {
        const client = await bound.race(this.whenReady({ signal: bound.signal }));
        const member = this.member as ChosenMember;
        try {
          await bound.race(this.untilIndex(member, index, bound.signal));
          await bound.race(client.listDbs({ signal: bound.signal }));
          return;
        } catch (error) {
          // The member went away meanwhile: wait on the next one; anything else is final.
          bound.check();
          if (this.member === member) throw error;
        }
      }
    } finally {
      bound.dispose();
    }
  }

  /** Resolves once `member` reports raft index `index` or more (or no index at all). */
  private untilIndex(member: ChosenMember, index: number, signal: AbortSignal): Promise<void> {
    const { watch } = member;
    const reached = (status: ServerDatabaseStatus): boolean =>
      status.row?.index === undefined || status.row.index >= index;
    if (reached(watch.current())) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        watch.off('status', onStatus);
        watch.off('closed', onClosed);
        signal.removeEventListener('abort', onAbort);
      };
      const onStatus = (status: ServerDatabaseStatus): void => {
        if (!reached(status)) return;
        finish();
        resolve();
      };
      const onClosed = (error?: Error): void => {
        finish();
        reject(error ?? new ConnectionClosedError(`the watch of ${member.remote} closed`));
      };
      const onAbort = (): void => {
        finish();
        reject(signal.reason);
      };
      watch.on('status', onStatus);
      watch.on('closed', onClosed);
      signal.addEventListener('abort', onAbort, { once: true });
      if (member.client.state.status === 'closed') onClosed();
    });
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

  /**
   * Runs connection rounds until a member is in use; throws when the budget runs out, on
   * close, or (opening) when `bound` fires.
   */
  private async establish(reconnecting: boolean, bound?: WaitBound): Promise<void> {
    const started = (reconnecting ? this.outageSince : undefined) ?? Date.now();
    // Opening also follows the caller's signal and timeout; a reconnect only the session's close.
    const signal = bound?.signal ?? this.closeController.signal;
    let attempts: MemberAttempt[] = [];
    for (let round = reconnecting ? this.outageRounds : 0; ; round++) {
      if (reconnecting) this.outageRounds = round + 1;
      this.checkWaiting(bound);
      const budget = this.policy.failoverBudgetMs;
      const left = budget > 0 ? started + budget - Date.now() : Number.POSITIVE_INFINITY;
      const delay = roundDelay(round, this.policy, this.random);
      if (left <= delay) {
        throw new FailoverBudgetExceededError(this.database, this.phase, budget, round, attempts);
      }
      if (delay > 0) await this.sleep(delay, signal);
      this.checkWaiting(bound);
      const result = await connectRound({
        remotes: this.endpointList.attemptOrder(),
        database: this.database,
        wanted: this.wanted,
        seen: this.seen,
        connectTimeoutMs: this.policy.connectTimeoutMs,
        roundTimeoutMs: Math.max(1, Math.min(this.policy.roundTimeoutMs, left - delay)),
        clientOptions: this.options.client ?? {},
        signal,
        onAttempts: (now) => {
          this.attemptsSeen = now;
        },
      });
      attempts = result.attempts;
      this.attemptsSeen = attempts;
      for (const attempt of attempts) {
        if (attempt.remote !== result.chosen?.remote) this.endpointList.markFailed(attempt.remote);
      }
      const chosen = result.chosen;
      if (chosen === undefined) continue;
      // Stopped while the member is taken into use: its connection goes, and adopt fails.
      const stop = (): void => chosen.client.abandon();
      if (signal.aborted) {
        stop();
        continue;
      }
      signal.addEventListener('abort', stop, { once: true });
      try {
        await this.adopt(chosen, reconnecting);
        return;
      } catch (error) {
        attempts = [{ remote: chosen.remote, reason: (error as Error).message }];
        this.attemptsSeen = attempts;
        this.endpointList.markFailed(chosen.remote);
        this.dropMember();
        chosen.client.abandon();
        if (this.isClosed()) throw this.closedError();
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }
  }

  /** Throws when the session closed, or when the open's `bound` fired. */
  private checkWaiting(bound: WaitBound | undefined): void {
    if (this.isClosed()) throw this.closedError();
    bound?.check();
  }

  /** What a wait of this session reports when it gives up; member attempts only while none is in use. */
  private waitSubject(what: () => string): WaitSubject {
    return {
      database: this.database,
      what,
      phase: () => this.phase,
      attempts: () => (this.phase === 'ready' ? [] : this.attemptsSeen),
    };
  }

  /** What opening and reconnecting wait for: `a leader of OVN_Northbound among unix:/a,tcp:b:6641`. */
  private memberWhat(): string {
    const kind =
      this.wanted === 'leader'
        ? 'a leader'
        : this.wanted === 'follower'
          ? 'a follower (or another readable member)'
          : 'a readable member';
    return `${kind} of ${this.database} among ${this.endpointList.remotes.join(',')}`;
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
    // Fetched (and cached on the connection) before anything is sent: every transaction is
    // checked against it as it goes out.
    await client.getSchema(this.database);
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
    const { queued, sent, inDoubt } = this.writes.backlog;
    // Nothing waits for an answer: the failover is over. Otherwise it ends with the first one.
    if (queued + sent + inDoubt === 0) this.outageEnded();
  }

  private outageEnded(): void {
    this.outageSince = undefined;
    this.outageRounds = 0;
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
      if (client.state.status === 'closed') this.lost(chosen, client.state.error, true);
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

  /**
   * The member in use is gone: move what was in flight aside and start a reconnect.
   * `peerClosed`: the connection closed under us, rather than the session leaving the member
   * (lost leadership, `reconnect()`); only such a close can be the server refusing a write.
   */
  private lost(member: ChosenMember, error?: Error, peerClosed = false): void {
    if (this.member !== member) return;
    const wasReady = this.phase === 'ready';
    this.dropMember();
    member.client.abandon();
    this.writes.connectionLost(peerClosed);
    this.locks.connectionLost();
    if (!wasReady) return; // a failure during adopt: establish's loop goes on by itself
    this.lostAt = performance.now();
    this.outageSince ??= Date.now();
    this.setState({ phase: 'reconnecting', lost: member.remote, ...(error ? { error } : {}) });
    this.emit('disconnected', { remote: member.remote, ...(error ? { error } : {}) });
    this.establish(true).catch((failure: Error) => this.shutdown(failure));
  }

  // ---- transactions -------------------------------------------------------------------

  /**
   * Runs `operations` as one transaction on the member in use, or on the next one if the
   * connection is lost. Checked against the schema as it is sent: bad input rejects and
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
    // Checked against the schema as it is sent, on the member's connection (the one place
    // every transaction is checked): bad input rejects and nothing is written.
    return this.writes.submit(operations, options);
  }

  // ---- replicas -----------------------------------------------------------------------

  /**
   * A replica of the session's database that follows it across reconnects: after a failover
   * it resumes (only what changed since, when the new member has the history; otherwise the
   * difference, as change events). Closing the session closes it. Without a model: the
   * session's own replica of the model it was opened with, started on the first call and the
   * same one after (what {@link transaction} reads). With a model: a new replica of it (with
   * `options` such as `tables` and `conditions`).
   *
   * Creating it is bounded by progress, not by a fixed time: it rejects with
   * {@link SessionWaitTimeoutError} after `stallTimeoutMs` (default 30000) in which no member
   * came into use, no byte of the initial contents arrived and no row was applied, and with
   * {@link WaitAbortedError} as soon as `signal` fires.
   */
  replica(options?: SessionWaitOptions): Promise<Replica<T>>;
  replica<U extends object, const Tables extends ReplicaTablesOption<U> = Record<never, never>>(
    model: DatabaseModel<U>,
    options?: SessionReplicaOptions<U, Tables>,
  ): Promise<Replica<U, DeclaredIndexes<SessionReplicaOptions<U, Tables>>>>;
  replica<U extends object>(
    first?: DatabaseModel<U> | SessionWaitOptions,
    options?: SessionReplicaOptions<U>,
  ): Promise<Replica<U> | Replica<T>> {
    if (first !== undefined && 'tableNames' in first) return this.startReplica(first, options ?? {});
    return this.sharedReplica(first ?? {});
  }

  /**
   * The session's own replica of its model's database: started on the first call (bounded as
   * {@link replica} is, by `options`), the same one after; a failed start is not kept. What
   * {@link transaction} reads.
   */
  private sharedReplica(options: SessionWaitOptions): Promise<Replica<T>> {
    const model = this.requireModel();
    if (this.shared === undefined) {
      const started = this.startReplica(model, options);
      this.shared = started;
      started.then(
        (replica) =>
          replica.once('closed', () => {
            if (this.shared === started) this.shared = undefined;
          }),
        () => {
          if (this.shared === started) this.shared = undefined;
        },
      );
    }
    return this.shared;
  }

  private requireModel(): DatabaseModel<T> {
    if (this.model === undefined) throw new ModelRequiredError(this.database);
    return this.model;
  }

  // ---- optimistic transactions ----------------------------------------------------------

  /**
   * Runs `body` as an optimistic transaction (see `runTransaction`) on the session's database,
   * reading the session's replica ({@link replica}, started on first use): OVN helpers called
   * with `txn` add their operations to it and see what the body wrote before them; the whole
   * body commits as one transaction, verified against what it read. Across a failover the
   * commit keeps the session's guarantees: a lost reply is settled by an insert's mark, or (for
   * an `idempotent` body) by running the body again; otherwise `WriteOutcomeUnknownError`.
   *
   * @example
   * ```ts fragment
   * await nb.transaction((txn) => {
   *   createRouter(txn, { name: 'r1' });
   *   addStaticRoute(txn, { router: 'r1', cidr: '10.1.0.0/16', nextHops: '192.168.0.1' });
   * });
   * ```
   */
  async transaction<R>(
    body: (txn: Transaction<T>) => R | Promise<R>,
    options: HandleTransactionOptions<T> = {},
  ): Promise<TransactionOutcome<R>> {
    const replicaOf = (signal: AbortSignal | undefined) =>
      this.sharedReplica(signal === undefined ? {} : { signal });
    return runOnHandle(this, this.requireModel(), replicaOf, body, options);
  }

  /** Starts a replica of `model` that follows the session across reconnects. */
  private async startReplica<U extends object>(
    model: DatabaseModel<U>,
    options: SessionReplicaOptions<U> = {},
  ): Promise<Replica<U>> {
    const { stallTimeoutMs, signal, ...replicaOptions } = options;
    let client: OvsdbClient | undefined;
    let applied = 0;
    let last = 0;
    const progressed = (): boolean => {
      if (client === undefined) return false;
      const now = receivedBytes(client) + applied;
      if (now === last) return false;
      last = now;
      return true;
    };
    const bound = new WaitBound(
      this.waitSubject(() =>
        client === undefined
          ? this.memberWhat()
          : `the initial contents of ${this.database} from ${client.remote}`,
      ),
      { signal, timeoutMs: stallTimeoutMs ?? DEFAULT_REPLICA_STALL_MS },
      { progressed },
    );
    let created: Replica<U> | undefined;
    const onProgress = ({ rows }: { rows: number }): void => {
      applied = rows;
    };
    try {
      client = await bound.race(this.whenReady({ signal: bound.signal }));
      // A member in use is progress; from here on, bytes from it and rows applied are.
      last = receivedBytes(client);
      bound.progress();
      const replica: Replica<U> = await bound.race(
        Replica.create(client, model, { ...replicaOptions, signal: bound.signal }),
      );
      created = replica;
      replica.on('progress', onProgress);
      replica.enableResume();
      this.replicas.add(replica);
      replica.once('closed', () => this.replicas.delete(replica));
      await bound.race(replica.sync());
      return replica;
    } catch (error) {
      void created?.close();
      throw error;
    } finally {
      created?.off('progress', onProgress);
      bound.dispose();
    }
  }

  // ---- locks --------------------------------------------------------------------------

  /**
   * Asks for `lock` and resolves once it is held. The session keeps asking for it: after a
   * reconnect, and after another client steals it (`stolen` event). `lockLost` tells when a
   * held lock went away with a connection.
   *
   * Waiting has no limit of its own by default: a standby waits as long as another client
   * holds the lock, which is what a lock is for (if the cluster goes away, the failover
   * budget closes the session and the wait rejects). `timeoutMs` gives up with
   * {@link SessionWaitTimeoutError}, `signal` with {@link WaitAbortedError}; either way the
   * lock stays wanted (the `locked` event tells when it comes): `unlock` stops wanting it.
   */
  lock(name: string, options: SessionWaitOptions = {}): Promise<void> {
    if (this.phase === 'closed') return Promise.reject(this.closedError());
    if (options.signal === undefined && !options.timeoutMs) return this.locks.lock(name);
    const bound = new WaitBound(
      this.waitSubject(() => `lock ${name} on ${this.database}`),
      {
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 0,
      },
    );
    const failure = bound.error();
    if (failure !== undefined) return Promise.reject(failure);
    return bound.race(this.locks.lock(name, bound.signal)).finally(() => bound.dispose());
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
    this.shutdown(undefined, true);
    // Closed by its user: the member's connection ends gracefully (what is queued goes out).
    await client?.close();
  }

  private shutdown(error?: Error, graceful = false): void {
    if (this.phase === 'closed') return;
    const endpoint = this.member?.remote;
    const previous = this.phase;
    this.setState(error === undefined ? { phase: 'closed' } : { phase: 'closed', error });
    this.closeController.abort();
    const member = this.member;
    this.dropMember();
    if (member !== undefined && !graceful) member.client.abandon();
    const failure = error ?? new SessionClosedError(this.database, previous, endpoint);
    this.writes.close(failure, previous, endpoint);
    for (const replica of this.replicas) void replica.close();
    this.locks.close(failure);
    if (error instanceof FailoverBudgetExceededError) this.emit('gaveUp', error);
    this.emit('closed', error);
  }

  /**
   * Resolves with the connection in use once the session is ready; rejects once it is closed.
   * Without options the wait has no limit of its own: while reconnecting, the failover budget
   * ends it (the session closes). `timeoutMs` gives up with {@link SessionWaitTimeoutError},
   * `signal` with {@link WaitAbortedError}, each naming the member awaited and what every
   * member answered so far.
   */
  whenReady(options: SessionWaitOptions = {}): Promise<OvsdbClient> {
    const client = this.client;
    if (client !== undefined && options.signal?.aborted !== true) return Promise.resolve(client);
    if (this.phase === 'closed') return Promise.reject(this.closedError());
    const bound = new WaitBound(
      this.waitSubject(() => this.memberWhat()),
      {
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 0,
      },
    );
    const failure = bound.error();
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        this.off('state', onState);
        bound.signal.removeEventListener('abort', onAbort);
        bound.dispose();
      };
      const onState = (state: SessionState): void => {
        if (state.phase === 'ready') {
          finish();
          resolve(this.member?.client as OvsdbClient);
        } else if (state.phase === 'closed') {
          finish();
          reject(this.closedError());
        }
      };
      const onAbort = (): void => {
        finish();
        reject(bound.error());
      };
      this.on('state', onState);
      bound.signal.addEventListener('abort', onAbort, { once: true });
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

  /** Waits `ms`, or less when `signal` fires (the session's close by default). */
  private sleep(ms: number, signal: AbortSignal = this.closeController.signal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }
}
