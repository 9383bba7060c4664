/**
 * A session's transactions in two queues. Those never written wait, in order, for a member.
 * Those written whose reply was lost (the connection dropped, or the server answered
 * `canceled`) are never sent blindly: they are settled first, ahead of anything newer (see
 * write-outcome.ts for how).
 *
 * A transaction the server refuses to read (ovsdb-server closes the connection on a frame it
 * cannot parse) would otherwise be resent forever, each time taking the connection and every
 * write behind it down. So a transaction in flight when {@link ALONE_AFTER_CLOSES} connections
 * closed goes out alone afterwards, and one in flight alone when {@link POISON_CLOSES_ALONE}
 * more closed fails with {@link PoisonWriteError}, while the rest of the queue goes on.
 */
import type { Operation } from '../protocol/operations.js';
import { findTransactError, type OperationResult } from '../protocol/results.js';
import { CanceledError, DuplicateUuidError } from '../protocol/server-errors.js';
import type { StartedRequest } from '../rpc/connection-options.js';
import { isConnectionLoss } from './connection-loss.js';
import type { ChosenMember } from './member-round.js';
import {
  LockNotHeldError,
  PoisonWriteError,
  type SessionPhase,
  WriteOutcomeUnknownError,
} from './session-errors.js';
import type { RecoveredWrite, SessionTransactOptions } from './session-types.js';
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

interface WriteEntry {
  /** The operations as sent (UUIDs assigned, assert appended). */
  readonly operations: Operation[];
  /** How many of them the caller gave (results are cut to this). */
  readonly count: number;
  /** The insert UUIDs the session chose (a duplicate of one can only be our own earlier run). */
  readonly assigned: ReadonlySet<string>;
  readonly options: SessionTransactOptions;
  /** Its place in the order the caller made the transactions. */
  readonly order: number;
  readonly resolve: (results: OperationResult[]) => void;
  readonly reject: (error: unknown) => void;
  /** Set while it must go again behind a guard: its reply was lost. */
  guard?: WriteMark;
  /** The request of the current attempt, while sent on a connection. */
  request?: StartedRequest;
  /** The member of the current attempt. */
  endpoint?: string;
  /** How many connections closed while it was in flight. */
  closes: number;
  /** How many of them closed while it was in flight alone, after it had gone alone. */
  closesAlone: number;
}

/**
 * A transaction in flight when this many connections closed is sent alone from then on: the
 * first close is most often a failover, which every write in flight shares, and settling
 * those together keeps a failover fast.
 */
export const ALONE_AFTER_CLOSES = 2;

/**
 * A transaction that, once sent alone, was in flight alone when this many more connections
 * closed under it is refused as poison: four closes in all, the last two with nothing else in
 * flight. A transaction is in flight for milliseconds; that many failovers landing on it are
 * not a coincidence that happens. A session leaving a member on its own (lost leadership,
 * `reconnect()`) counts for nothing.
 */
export const POISON_CLOSES_ALONE = 2;

/** What the queues need of their session. */
export interface WriteHost {
  readonly database: string;
  /** The member writes go to, when the session is ready. */
  readyMember(): ChosenMember | undefined;
  /** The session's phase, for errors. */
  phase(): SessionPhase;
  holds(lock: string): boolean;
  /** A send saw the connection go: the session fails over (and calls {@link WriteQueue.connectionLost}). */
  connectionLost(member: ChosenMember, error: Error): void;
  recovered(write: RecoveredWrite): void;
  /** A write was answered: the session is making progress again after a failover. */
  progressed(): void;
}

/** The transactions of one session. */
export class WriteQueue {
  /** Never written (or to be sent again): sent in order once a member is ready. */
  private readonly queue: WriteEntry[] = [];
  /** Written on the current connection, unanswered, in the order written. */
  private readonly sent = new Set<WriteEntry>();
  /** Written, reply lost: settled before anything newer is sent. */
  private inDoubt: WriteEntry[] = [];
  /** A transaction in flight alone (it was in flight when a connection closed): nothing goes with it. */
  private alone: WriteEntry | undefined;
  private nextOrder = 0;

  constructor(
    private readonly host: WriteHost,
    private readonly assignUuids: boolean,
  ) {}

  /** How many transactions wait in each state. */
  get backlog(): { queued: number; sent: number; inDoubt: number } {
    return { queued: this.queue.length, sent: this.sent.size, inDoubt: this.inDoubt.length };
  }

  /** Queues a transaction (checked by the caller); sends it at once when nothing is ahead of it. */
  submit(operations: readonly Operation[], options: SessionTransactOptions): Promise<OperationResult[]> {
    return new Promise<OperationResult[]>((resolve, reject) => {
      const prepared = prepareOperations(operations, this.assignUuids, options.lock);
      const entry: WriteEntry = {
        operations: prepared,
        count: operations.length,
        assigned: assignedUuids(operations, prepared),
        options,
        order: this.nextOrder++,
        resolve,
        reject,
        closes: 0,
        closesAlone: 0,
      };
      const member = this.host.readyMember();
      if (
        member !== undefined &&
        this.queue.length === 0 &&
        this.inDoubt.length === 0 &&
        this.alone === undefined
      )
        this.send(member, entry);
      else this.queue.push(entry);
    });
  }

  /**
   * Sends every queued transaction, in order, while a member is ready; one that was in flight
   * when a connection closed goes alone, once everything before it is answered.
   */
  flush(): void {
    for (let member = this.host.readyMember(); member !== undefined && this.queue.length > 0; ) {
      if (this.alone !== undefined) return;
      const next = this.queue[0] as WriteEntry;
      if (next.closes >= ALONE_AFTER_CLOSES) {
        if (this.sent.size > 0) return;
        this.alone = next;
      }
      this.queue.shift();
      this.send(member, next);
      member = this.host.readyMember();
    }
  }

  /**
   * The connection is gone: unwritten transactions go back to the queue (keeping their
   * order), written ones are in doubt until {@link settle}. `peerClosed`: the connection closed
   * under them (the only kind of loss that counts toward {@link PoisonWriteError}).
   */
  connectionLost(peerClosed: boolean): void {
    let written = 0;
    for (const entry of this.sent) if (entry.request?.written === true) written++;
    const alone = written === 1;
    for (const entry of this.sent) {
      const written = entry.request?.written ?? false;
      entry.request = undefined;
      if (written) {
        // Only a close by the peer counts; a close alone counts once the entry goes alone.
        if (peerClosed) {
          entry.closes++;
          if (alone && entry.closes > ALONE_AFTER_CLOSES) entry.closesAlone++;
        }
        this.inDoubt.push(entry);
      } else {
        this.queue.push(entry);
      }
    }
    this.sent.clear();
    this.alone = undefined;
    this.reorder();
  }

  /**
   * Settles the writes whose replies were lost, ahead of anything newer: those with a mark
   * go again behind their guard; read-only and idempotent ones go again as they are; the
   * rest fail with {@link WriteOutcomeUnknownError}. Needs no extra round trip.
   */
  settle(): void {
    if (this.inDoubt.length === 0) return;
    const resend: WriteEntry[] = [];
    for (const entry of this.inDoubt.splice(0)) {
      const mark = writeMark(entry.operations);
      const endpoint = entry.endpoint ?? '';
      if (entry.closesAlone >= POISON_CLOSES_ALONE) {
        entry.reject(
          new PoisonWriteError(
            this.host.database,
            endpoint,
            entry.closes,
            entry.operations.slice(0, entry.count),
          ),
        );
      } else if (mark !== undefined) {
        entry.guard = mark;
        resend.push(entry);
      } else if (isReadOnly(entry.operations) || entry.options.idempotent === true) {
        this.recovered(entry, 'unknown', endpoint, true);
        resend.push(entry);
      } else {
        this.recovered(entry, 'unknown', endpoint, false);
        entry.reject(new WriteOutcomeUnknownError(this.host.database, endpoint, this.host.phase()));
      }
    }
    this.queue.push(...resend);
    this.reorder();
    this.flush();
  }

  /**
   * The session closed: everything waiting rejects; a transaction that may have been
   * applied rejects with {@link WriteOutcomeUnknownError} around `failure`.
   */
  close(failure: Error, phase: SessionPhase, endpoint: string | undefined): void {
    const unknown = (entry: WriteEntry) =>
      new WriteOutcomeUnknownError(this.host.database, entry.endpoint ?? endpoint ?? '', phase, failure);
    for (const entry of this.inDoubt) entry.reject(unknown(entry));
    for (const entry of this.sent) entry.reject(entry.request?.written === true ? unknown(entry) : failure);
    for (const entry of this.queue) entry.reject(entry.guard !== undefined ? unknown(entry) : failure);
    this.inDoubt = [];
    this.sent.clear();
    this.alone = undefined;
    this.queue.length = 0;
  }

  private reorder(): void {
    this.queue.sort((a, b) => a.order - b.order);
  }

  private send(member: ChosenMember, entry: WriteEntry): void {
    const lock = entry.options.lock;
    if (lock !== undefined && !this.host.holds(lock)) {
      entry.reject(new LockNotHeldError(lock, member.remote));
      return;
    }
    const call: { timeoutMs?: number; signal?: AbortSignal; validate?: boolean } = {};
    if (entry.options.timeoutMs !== undefined) call.timeoutMs = entry.options.timeoutMs;
    if (entry.options.signal !== undefined) call.signal = entry.options.signal;
    if (entry.options.validate !== undefined) call.validate = entry.options.validate;
    const guard = entry.guard;
    const database = this.host.database;
    let request: StartedRequest;
    try {
      // A guarded resend is read raw: its first result is the guard's, not the caller's (and it
      // was checked when first sent).
      request =
        guard === undefined
          ? member.client.startTransact(database, entry.operations, call)
          : member.client.startTransactRaw(database, [markGuard(guard), ...entry.operations], call);
    } catch (error) {
      // Refused before sending (bad input): this transaction fails, the queue goes on.
      entry.reject(error);
      return;
    }
    entry.request = request;
    entry.endpoint = member.remote;
    this.sent.add(entry);
    request.response.then(
      (reply) => {
        if (entry.request !== request) return;
        this.answered(entry);
        if (guard === undefined) this.succeeded(entry, reply as OperationResult[]);
        else this.guardedReply(entry, guard, reply as unknown[], member.remote);
        this.host.progressed();
        this.flush();
      },
      (error: unknown) => {
        if (entry.request !== request) return; // moved aside by connectionLost
        if (isConnectionLoss(error)) {
          this.host.connectionLost(member, error as Error);
          if (entry.request === undefined) return;
        }
        this.answered(entry);
        this.failed(entry, error, member.remote);
        this.flush();
      },
    );
  }

  /** The current attempt of `entry` is over: it no longer holds its place in flight. */
  private answered(entry: WriteEntry): void {
    entry.request = undefined;
    this.sent.delete(entry);
    if (this.alone === entry) this.alone = undefined;
  }

  private succeeded(entry: WriteEntry, results: OperationResult[]): void {
    entry.resolve(results.length === entry.count ? results : results.slice(0, entry.count));
  }

  /** A failed attempt: in doubt when the server gave up tracking it, else reported. */
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
      this.recovered(entry, 'committed', endpoint, false, mark);
      entry.resolve(recoveredResults(entry.operations, entry.count));
      return;
    }
    // The guard passed: the first attempt had not committed, and this one ran.
    this.recovered(entry, 'not-committed', endpoint, true, mark);
    const results = reply.slice(1);
    const error = findTransactError(this.host.database, entry.operations, results);
    if (error !== undefined) this.failed(entry, error, endpoint);
    else this.succeeded(entry, results as OperationResult[]);
  }

  private recovered(
    entry: WriteEntry,
    outcome: WriteOutcome,
    endpoint: string,
    resent: boolean,
    mark = writeMark(entry.operations),
  ): void {
    this.host.recovered({ outcome, endpoint, resent, ...(mark ? { mark } : {}) });
  }

  /** Whether operation `index` of the entry is an insert whose UUID the session chose. */
  private ownUuidAt(entry: WriteEntry, index: number | undefined): boolean {
    if (index === undefined) return false;
    const op = entry.operations[index];
    return op?.op === 'insert' && op.uuid !== undefined && entry.assigned.has(op.uuid);
  }
}
