/**
 * A session with one database of a (possibly clustered) OVSDB service: it finds a suitable
 * member among several endpoints, and when that member goes away it finds another, resumes
 * its replicas, takes its locks again and settles every transaction that was in flight.
 *
 * Requests live in two queues. Those never written are simply sent after the reconnect, in
 * order. Those written and unanswered are never sent blindly: each is settled as committed,
 * not committed (then sent again, which is safe) or unknown, from what the protocol offers
 * (see write-outcome.ts).
 */
import { EventEmitter } from 'eventemitter3';
import { Replica } from '../cache/replica.js';
import type { ReplicaOptions } from '../cache/replica-options.js';
import type { OvsdbClient, TransactOptions } from '../client/client.js';
import type { ClientOptions } from '../client/options.js';
import { EndpointList, type EndpointListOptions } from '../cluster/endpoints.js';
import { type MemberStatus, NOTHING_SEEN, type SeenState } from '../cluster/member-status.js';
import type { ServerDatabaseStatus } from '../cluster/server-database-watch.js';
import { OvndbError } from '../errors.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { findTransactError } from '../protocol/results.js';
import type { DatabaseSchema } from '../protocol/schema.js';
import { CanceledError, DuplicateUuidError, UnknownMethodError } from '../protocol/server-errors.js';
import { validateOperations } from '../protocol/validation.js';
import type { StartedRequest } from '../rpc/connection-options.js';
import { ConnectionClosedError, InactivityTimeoutError } from '../rpc/rpc-errors.js';
import { type ChosenMember, connectRound, type MemberWanted, suits } from './member-round.js';
import {
  type ReconnectPolicy,
  type ResolvedReconnectPolicy,
  resolveReconnectPolicy,
  roundDelay,
} from './reconnect-policy.js';
import {
  FailoverBudgetExceededError,
  LockNotHeldError,
  type MemberAttempt,
  SessionClosedError,
  type SessionPhase,
  WriteOutcomeUnknownError,
} from './session-errors.js';
import {
  assignedUuids,
  guardFailed,
  isReadOnly,
  markGuard,
  prepareOperations,
  recoveredResults,
  type WriteMark,
  type WriteOutcome,
  writeMark,
} from './write-outcome.js';

/** Options of {@link Session.open}. */
export interface SessionOptions {
  /** The database, e.g. `OVN_Northbound`. */
  database: string;
  /**
   * `leader`: use only the raft leader (or a standalone server): writes are decided there and
   * outcomes of lost replies can be settled. `readable`: any connected, up-to-date member or
   * relay (reads, monitors; writes are forwarded by the member). `follower`: like `readable`,
   * preferring a member that is not the leader. @default 'leader'
   */
  member?: MemberWanted;
  /** Reconnect timing and the failover budget. */
  reconnect?: ReconnectPolicy;
  /** Options of each connection (TLS, probe interval, ...); `connectTimeoutMs` comes from `reconnect`. */
  client?: ClientOptions;
  /** How the endpoints are ordered (shuffled by default). */
  endpoints?: EndpointListOptions;
  /**
   * Give every insert without a client-chosen UUID one, so that its transaction's outcome can
   * be settled if the reply is lost. @default true
   */
  assignInsertUuids?: boolean;
  /** A source of numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
}

/** Options of {@link Session.transact}. */
export interface SessionTransactOptions extends TransactOptions {
  /**
   * The transaction may be applied twice without harm, so it is sent again when its reply was
   * lost and its outcome cannot be settled otherwise. @default false
   */
  idempotent?: boolean;
  /** Make the transaction fail (`not owner`) unless the session holds this lock: an `assert` is added. */
  lock?: string;
}

/** Where a session stands. */
export type SessionState =
  | { readonly phase: 'connecting' }
  | { readonly phase: 'ready'; readonly remote: string; readonly member: MemberStatus }
  | { readonly phase: 'reconnecting'; readonly lost: string; readonly error?: Error }
  | { readonly phase: 'closed'; readonly error?: Error };

/** A transaction in flight when the connection was lost, and how it was settled. */
export interface RecoveredWrite {
  readonly outcome: WriteOutcome;
  /** The member it was written to. */
  readonly endpoint: string;
  /** The row looked for, when it had one. */
  readonly mark?: WriteMark;
  /** True when it was (or will be) sent again: not committed, or read-only / idempotent. */
  readonly resent: boolean;
}

/** Events of a {@link Session}. */
export interface SessionEvents {
  /** Every change of {@link Session.state}. */
  state: [state: SessionState];
  /** A member is in use; `reconnected` is false for the first one. */
  ready: [info: { remote: string; member: MemberStatus; reconnected: boolean }];
  /** The member in use was lost (closed, or no longer suitable); a reconnect follows. */
  disconnected: [info: { remote: string; error?: Error }];
  /** A written transaction's lost reply was settled. */
  recovered: [write: RecoveredWrite];
  /** The session gave up (the failover budget ran out); `closed` follows. */
  gaveUp: [error: FailoverBudgetExceededError];
  /** The `_Server.Database` row of the member in use changed (leader flag, raft index, ...). */
  status: [status: ServerDatabaseStatus];
  /** A lock was granted (also after a reconnect). */
  locked: [lock: string];
  /** Another client stole a lock; the session asks for it again. */
  stolen: [lock: string];
  /** A held lock went away with the connection; it is asked for again after the reconnect. */
  lockLost: [lock: string];
  /** The session closed (by `close()`, or with the error that ended it). */
  closed: [error?: Error];
}

/** The member in use stopped being suitable (e.g. lost raft leadership). */
export class MemberUnsuitableError extends OvndbError {
  constructor(
    readonly remote: string,
    readonly reason: string,
  ) {
    super('OVNDB_MEMBER_UNSUITABLE', `member ${remote} is no longer suitable: ${reason}`, {
      details: { remote, reason },
    });
  }
}

interface WriteEntry {
  /** The operations as sent (UUIDs assigned, assert appended). */
  readonly operations: Operation[];
  /** How many of them the caller gave (results are cut to this). */
  readonly count: number;
  /** The insert UUIDs the session chose (a duplicate of one can only be our own earlier run). */
  readonly assigned: ReadonlySet<string>;
  readonly options: SessionTransactOptions;
  readonly resolve: (results: OperationResult[]) => void;
  readonly reject: (error: unknown) => void;
  /** Set while it must go again behind a guard: its reply was lost (see write-outcome.ts). */
  guard?: WriteMark;
  /** The request of the current attempt, while sent on a connection. */
  request?: StartedRequest;
  /** The member of the current attempt. */
  endpoint?: string;
}

/** What the session needs of the replicas it keeps. */
interface ResumableReplica {
  resume(client: OvsdbClient): Promise<unknown>;
  close(): Promise<void>;
}

interface LockEntry {
  held: boolean;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

function isConnectionLoss(error: unknown): boolean {
  return error instanceof ConnectionClosedError || error instanceof InactivityTimeoutError;
}

/** A reconnecting session with one database. Open one with {@link Session.open}. */
export class Session extends EventEmitter<SessionEvents> {
  readonly database: string;
  private readonly endpointList: EndpointList;
  private readonly policy: ResolvedReconnectPolicy;
  private readonly wanted: MemberWanted;
  private readonly assignUuids: boolean;
  private readonly random: () => number;
  private currentState: SessionState = { phase: 'connecting' };
  private member: ChosenMember | undefined;
  private seen: SeenState = NOTHING_SEEN;
  private schema: DatabaseSchema | undefined;
  /** Never written (or known not committed): sent in order once ready. */
  private readonly queue: WriteEntry[] = [];
  /** Written on the current connection, unanswered, in the order written. */
  private readonly sent = new Set<WriteEntry>();
  /** Written on a lost connection, unanswered: settled before anything else is sent. */
  private inDoubt: WriteEntry[] = [];
  private readonly replicas = new Set<ResumableReplica>();
  private readonly locks = new Map<string, LockEntry>();
  private readonly closeController = new AbortController();
  private detachMember: (() => void) | undefined;

  private constructor(
    endpoints: EndpointList,
    private readonly options: SessionOptions,
  ) {
    super();
    this.database = options.database;
    this.endpointList = endpoints;
    this.policy = resolveReconnectPolicy(options.reconnect);
    this.wanted = options.member ?? 'leader';
    this.assignUuids = options.assignInsertUuids ?? true;
    this.random = options.random ?? Math.random;
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
    return { queued: this.queue.length, sent: this.sent.size, inDoubt: this.inDoubt.length };
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
    if (reconnecting) await Promise.all([...this.replicas].map((replica) => replica.resume(client)));
    await this.requestLocks(client);
    this.settle();
    if (client.state.status !== 'open') throw new ConnectionClosedError('connection closed while resuming');
    this.setState({ phase: 'ready', remote, member: watch.current().status });
    this.emit('ready', { remote, member: watch.current().status, reconnected: reconnecting });
    this.flush();
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
    const onLocked = (lock: string): void => this.lockGranted(lock);
    const onStolen = (lock: string): void => this.lockStolen(client, lock);
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
    for (const entry of this.sent) {
      const written = entry.request?.written ?? false;
      entry.request = undefined;
      if (written) this.inDoubt.push(entry);
      else this.queue.push(entry);
    }
    // Unwritten requests keep their order ahead of those queued while they were pending.
    this.reorderQueue();
    this.sent.clear();
    for (const [name, lock] of this.locks) {
      if (lock.held) {
        lock.held = false;
        this.emit('lockLost', name);
      }
    }
    if (!wasReady) return; // a failure during adopt: establish's loop goes on by itself
    this.setState({ phase: 'reconnecting', lost: member.remote, ...(error ? { error } : {}) });
    this.emit('disconnected', { remote: member.remote, ...(error ? { error } : {}) });
    this.establish(true).catch((failure: Error) => this.shutdown(failure));
  }

  private queueOrder = new WeakMap<WriteEntry, number>();
  private nextOrder = 0;

  private reorderQueue(): void {
    this.queue.sort((a, b) => (this.queueOrder.get(a) ?? 0) - (this.queueOrder.get(b) ?? 0));
  }

  // ---- transactions -------------------------------------------------------------------

  /**
   * Runs `operations` as one transaction on the member in use, or on the next one if the
   * connection is lost. Checked against the schema first: bad input rejects at once and
   * nothing is written.
   *
   * Outcomes when the connection is lost:
   * - not yet written: sent after the reconnect, in order;
   * - written, with an insert whose UUID is client-chosen (every insert gets one unless
   *   `assignInsertUuids` is false): looked up on the new leader; found, it resolves (the
   *   results of operations other than inserts are then empty objects: the reply is lost);
   *   not found, it is sent again;
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
    return new Promise<OperationResult[]>((resolve, reject) => {
      const prepared = prepareOperations(operations, this.assignUuids, options.lock);
      const entry: WriteEntry = {
        operations: prepared,
        count: operations.length,
        assigned: assignedUuids(operations, prepared),
        options,
        resolve,
        reject,
      };
      this.queueOrder.set(entry, this.nextOrder++);
      if (this.phase === 'ready' && this.queue.length === 0 && this.inDoubt.length === 0) {
        this.send(entry);
      } else {
        this.queue.push(entry);
      }
    });
  }

  /** Sends every queued transaction, in order. */
  private flush(): void {
    while (this.queue.length > 0 && this.phase === 'ready') this.send(this.queue.shift() as WriteEntry);
  }

  private send(entry: WriteEntry): void {
    const member = this.member as ChosenMember;
    const lock = entry.options.lock;
    if (lock !== undefined && this.locks.get(lock)?.held !== true) {
      entry.reject(new LockNotHeldError(lock, member.remote));
      return;
    }
    const call: { timeoutMs?: number; signal?: AbortSignal } = {};
    if (entry.options.timeoutMs !== undefined) call.timeoutMs = entry.options.timeoutMs;
    if (entry.options.signal !== undefined) call.signal = entry.options.signal;
    const guard = entry.guard;
    // A guarded resend is read raw: its first result is the guard's, not the caller's.
    const request =
      guard === undefined
        ? member.client.startTransact(this.database, entry.operations, call)
        : member.client.startTransactRaw(this.database, [markGuard(guard), ...entry.operations], call);
    entry.request = request;
    entry.endpoint = member.remote;
    this.sent.add(entry);
    request.response.then(
      (reply) => {
        if (entry.request !== request) return;
        entry.request = undefined;
        this.sent.delete(entry);
        if (guard === undefined) this.succeeded(entry, reply as OperationResult[]);
        else this.guardedReply(entry, guard, reply as unknown[], member.remote);
      },
      (error: unknown) => {
        if (entry.request !== request) return; // moved aside by `lost`
        if (isConnectionLoss(error) && this.member === member) {
          this.lost(member, error as Error);
          return;
        }
        entry.request = undefined;
        this.sent.delete(entry);
        this.failed(entry, error, member.remote);
      },
    );
  }

  private succeeded(entry: WriteEntry, results: OperationResult[]): void {
    entry.resolve(results.length === entry.count ? results : results.slice(0, entry.count));
  }

  /** A failed attempt: put in doubt when the server gave up tracking it, else reported. */
  private failed(entry: WriteEntry, error: unknown, endpoint: string): void {
    if (error instanceof CanceledError && entry.options.signal?.aborted !== true) {
      // The server stopped tracking it (closing the session, or its database replaced); it
      // may still commit.
      this.inDoubt.push(entry);
      this.settle();
      return;
    }
    if (error instanceof DuplicateUuidError && this.ownUuidAt(entry, error.operationIndex)) {
      // Only an earlier run of this very transaction can have used a UUID the session chose:
      // ovsdb-server ran it again after a leadership change, and the first run had committed.
      this.recovered(entry, 'committed', endpoint, false);
      entry.resolve(recoveredResults(entry.operations, entry.count));
      return;
    }
    entry.reject(error);
  }

  /** The reply of a guarded resend (see write-outcome.ts). */
  private guardedReply(entry: WriteEntry, mark: WriteMark, reply: unknown[], endpoint: string): void {
    entry.guard = undefined;
    if (guardFailed(reply)) {
      this.recovered(entry, 'committed', endpoint, false);
      entry.resolve(recoveredResults(entry.operations, entry.count));
      return;
    }
    const results = reply.slice(1);
    const error = findTransactError(this.database, entry.operations, results);
    if (error !== undefined) {
      // The resend failed on its own merits: the first attempt had not committed either.
      this.recovered(entry, 'not-committed', endpoint, true, mark);
      this.failed(entry, error, endpoint);
      return;
    }
    this.recovered(entry, 'not-committed', endpoint, true, mark);
    this.succeeded(entry, results as OperationResult[]);
  }

  private recovered(
    entry: WriteEntry,
    outcome: WriteOutcome,
    endpoint: string,
    resent: boolean,
    mark?: WriteMark,
  ): void {
    const found = mark ?? writeMark(entry.operations);
    this.emit('recovered', { outcome, endpoint, resent, ...(found ? { mark: found } : {}) });
  }

  /** Whether operation `index` of the entry is an insert whose UUID the session chose. */
  private ownUuidAt(entry: WriteEntry, index: number | undefined): boolean {
    if (index === undefined) return false;
    const op = entry.operations[index];
    return op?.op === 'insert' && op.uuid !== undefined && entry.assigned.has(op.uuid);
  }

  /**
   * Settles the writes whose replies were lost, ahead of anything newer: those with a mark
   * go again behind their guard; read-only and idempotent ones go again as they are; the
   * rest fail with {@link WriteOutcomeUnknownError}. Needs no extra round trip.
   */
  private settle(): void {
    if (this.inDoubt.length === 0) return;
    const resend: WriteEntry[] = [];
    for (const entry of this.inDoubt.splice(0)) {
      const mark = writeMark(entry.operations);
      const endpoint = entry.endpoint ?? '';
      if (mark !== undefined) {
        entry.guard = mark;
        resend.push(entry);
      } else if (isReadOnly(entry.operations) || entry.options.idempotent === true) {
        this.recovered(entry, 'unknown', endpoint, true);
        resend.push(entry);
      } else {
        this.recovered(entry, 'unknown', endpoint, false);
        entry.reject(new WriteOutcomeUnknownError(this.database, endpoint, this.phase));
      }
    }
    this.queue.unshift(...resend);
    this.reorderQueue();
    this.flush();
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
    let entry = this.locks.get(name);
    if (entry === undefined) {
      entry = { held: false, waiters: [] };
      this.locks.set(name, entry);
      const client = this.client;
      if (client !== undefined) void this.requestLock(client, name);
    }
    if (entry.held) return Promise.resolve();
    const lock = entry;
    return new Promise((resolve, reject) => lock.waiters.push({ resolve, reject }));
  }

  /** Gives `lock` up (or stops waiting for it); pending `lock()` calls reject. */
  async unlock(name: string): Promise<void> {
    const entry = this.locks.get(name);
    if (entry === undefined) return;
    this.locks.delete(name);
    for (const waiter of entry.waiters) waiter.reject(new LockNotHeldError(name, this.remote));
    await this.client?.unlock(name).catch(() => undefined);
  }

  /** True while the session holds `lock`. */
  holds(name: string): boolean {
    return this.locks.get(name)?.held === true;
  }

  private async requestLocks(client: OvsdbClient): Promise<void> {
    await Promise.all([...this.locks.keys()].map((name) => this.requestLock(client, name)));
  }

  private async requestLock(client: OvsdbClient, name: string): Promise<void> {
    try {
      if (await client.lock(name)) this.lockGranted(name);
    } catch (error) {
      // A lost connection asks again after the reconnect; anything else is the caller's to see.
      if (!isConnectionLoss(error)) {
        const entry = this.locks.get(name);
        for (const waiter of entry?.waiters.splice(0) ?? []) waiter.reject(error);
      }
    }
  }

  private lockGranted(name: string): void {
    const entry = this.locks.get(name);
    if (entry === undefined || entry.held) return;
    entry.held = true;
    for (const waiter of entry.waiters.splice(0)) waiter.resolve();
    this.emit('locked', name);
  }

  private lockStolen(client: OvsdbClient, name: string): void {
    const entry = this.locks.get(name);
    if (entry === undefined) return;
    entry.held = false;
    this.emit('stolen', name);
    void this.requestLock(client, name);
  }

  /**
   * Leaves the member in use and fails over as if it had been lost (after changing the
   * endpoints, or to move off a member on purpose). Writes in flight are settled as usual.
   * Does nothing unless the session is ready.
   */
  reconnect(): void {
    const member = this.member;
    if (member !== undefined && this.phase === 'ready') this.lost(member);
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
    for (const entry of [...this.inDoubt, ...this.sent, ...this.queue]) {
      entry.reject(
        entry.request?.written === true || this.inDoubt.includes(entry)
          ? new WriteOutcomeUnknownError(this.database, entry.endpoint ?? endpoint ?? '', previous, failure)
          : failure,
      );
    }
    this.inDoubt = [];
    this.sent.clear();
    this.queue.length = 0;
    for (const replica of this.replicas) void replica.close();
    for (const entry of this.locks.values())
      for (const waiter of entry.waiters.splice(0)) waiter.reject(failure);
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
