/** The typed failures of a {@link Session}; each names the endpoint and the phase it happened in. */
import { OvndbError } from '../errors.js';

/** Where a session stood when something failed. */
export type SessionPhase = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** What one member answered in the last round of a failed failover. */
export interface MemberAttempt {
  /** The member's remote. */
  readonly remote: string;
  /** Why it was not used: a connection error, or its `_Server.Database` classification (`follower`, `stale`, ...). */
  readonly reason: string;
}

/** The session was closed (by `close()`, or after giving up) while a call waited. */
export class SessionClosedError extends OvndbError {
  constructor(
    readonly database: string,
    readonly phase: SessionPhase,
    readonly endpoint: string | undefined,
    cause?: Error,
  ) {
    super(
      'OVNDB_SESSION_CLOSED',
      `the session to ${database} is closed${cause ? `: ${cause.message}` : ''}`,
      { details: { database, phase, endpoint }, ...(cause ? { cause } : {}) },
    );
  }
}

/**
 * No member was usable within the failover budget. The session is closed; `attempts` says
 * what each member answered in the last round.
 */
export class FailoverBudgetExceededError extends OvndbError {
  constructor(
    readonly database: string,
    readonly phase: SessionPhase,
    readonly budgetMs: number,
    readonly rounds: number,
    readonly attempts: readonly MemberAttempt[],
  ) {
    super(
      'OVNDB_FAILOVER_BUDGET_EXCEEDED',
      `no usable member for ${database} within ${budgetMs} ms (${rounds} rounds; last: ${
        attempts.map((a) => `${a.remote}: ${a.reason}`).join('; ') || 'no member tried'
      })`,
      { details: { database, phase, budgetMs, rounds, attempts } },
    );
  }
}

/**
 * A transaction was written and the connection was lost before its reply, and nothing the
 * protocol offers can tell whether it committed: it has no insert with a client-chosen UUID
 * to look for, and was not marked `idempotent`. It was not sent again.
 */
export class WriteOutcomeUnknownError extends OvndbError {
  constructor(
    readonly database: string,
    readonly endpoint: string,
    readonly phase: SessionPhase,
    cause?: Error,
  ) {
    super(
      'OVNDB_WRITE_OUTCOME_UNKNOWN',
      `a transaction on ${database} was written to ${endpoint} and the connection was lost before its reply; ` +
        'whether it committed is unknown (it has no insert with a client-chosen uuid to look for)',
      { details: { database, endpoint, phase }, ...(cause ? { cause } : {}) },
    );
  }
}

/**
 * The connection closed again and again while one transaction was in flight, the last times
 * with nothing else in flight: the server refuses that request. ovsdb-server answers a frame it
 * cannot parse (a NUL in a string, a broken surrogate pair; Open vSwitch lib/json.c) by closing
 * the connection, before running anything in it, so resending it would only loop. It was not
 * sent again, and the session goes on with the transactions behind it. `operations` names it.
 */
export class PoisonWriteError extends OvndbError {
  constructor(
    readonly database: string,
    readonly endpoint: string,
    /** How many times the connection closed while it was in flight. */
    readonly closes: number,
    /** The operations as sent. */
    readonly operations: readonly unknown[],
    cause?: Error,
  ) {
    super(
      'OVNDB_POISON_WRITE',
      `a transaction on ${database} (${describeOperations(operations)}) was in flight each of the ${closes} times ` +
        `the connection closed, the last ones alone (last: ${endpoint}): the server refuses it, so it is not sent again`,
      { details: { database, endpoint, closes, operations }, ...(cause ? { cause } : {}) },
    );
  }
}

/** `insert Logical_Switch, mutate Logical_Router (+2 more)`: what a transaction does, briefly. */
function describeOperations(operations: readonly unknown[]): string {
  const named = operations.slice(0, 3).map((op) => {
    const { op: kind, table } = (op ?? {}) as { op?: unknown; table?: unknown };
    return typeof table === 'string' ? `${String(kind)} ${table}` : String(kind);
  });
  const more = operations.length > 3 ? ` (+${operations.length - 3} more)` : '';
  return `${named.join(', ')}${more}`;
}

/** A transaction asked for a lock (`lock` option) that the session does not hold. */
export class LockNotHeldError extends OvndbError {
  constructor(
    readonly lock: string,
    readonly endpoint: string | undefined,
  ) {
    super('OVNDB_LOCK_NOT_HELD', `the session does not hold lock ${lock}`, { details: { lock, endpoint } });
  }
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

/** `remote: reason; ...`, or nothing when no member was tried. */
function attemptsText(attempts: readonly MemberAttempt[]): string {
  return attempts.length === 0 ? '' : ` (${attempts.map((a) => `${a.remote}: ${a.reason}`).join('; ')})`;
}

/**
 * A session call gave up waiting (`Session.open`, `whenReady`, `waitForIndex`, `lock`,
 * `replica`) after its `timeoutMs` (or `openTimeoutMs`). `what` says what it waited for,
 * e.g. `a leader of OVN_Northbound among tcp:10.0.0.1:6641,tcp:10.0.0.2:6641`; `attempts`
 * what each member answered so far. Only the call fails: the session goes on (except for
 * `open`, whose session is closed).
 */
export class SessionWaitTimeoutError extends OvndbError {
  constructor(
    readonly database: string,
    readonly phase: SessionPhase,
    readonly what: string,
    readonly timeoutMs: number,
    readonly attempts: readonly MemberAttempt[],
  ) {
    super(
      'OVNDB_SESSION_WAIT_TIMEOUT',
      `gave up after ${timeoutMs} ms waiting for ${what}${attemptsText(attempts)}`,
      { details: { database, phase, what, timeoutMs, attempts } },
    );
  }
}

/**
 * A wait was stopped by its `AbortSignal`: a session call (then `database`, `phase` and the
 * member `attempts` seen so far are set), `waitFor` or an OVN-IC wait. `what` says what was
 * awaited; `cause` is the signal's reason. Everything the wait had started (connection
 * attempts, monitors, timers) is stopped before it rejects.
 */
export class WaitAbortedError extends OvndbError {
  constructor(
    readonly what: string,
    reason: unknown,
    readonly attempts: readonly MemberAttempt[] = [],
    readonly database?: string,
    readonly phase?: SessionPhase,
  ) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    super('OVNDB_WAIT_ABORTED', `stopped waiting for ${what}: ${why}${attemptsText(attempts)}`, {
      details: { what, attempts, database, phase },
      ...(reason === undefined ? {} : { cause: reason }),
    });
  }
}
