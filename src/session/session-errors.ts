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
