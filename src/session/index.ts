/**
 * Reconnecting sessions: leader discovery over several endpoints, failover with backoff inside
 * a budget, replicas that resume, locks taken again, and transactions whose lost replies are
 * settled rather than guessed.
 *
 * @packageDocumentation
 */
export type { ChosenMember, MemberWanted } from './member-round.js';
export {
  defaultReconnectPolicy,
  type ReconnectPolicy,
  type ResolvedReconnectPolicy,
  resolveReconnectPolicy,
  roundDelay,
} from './reconnect-policy.js';
export {
  type RecoveredWrite,
  Session,
  type SessionEvents,
  type SessionOptions,
  type SessionReplicaOptions,
  type SessionState,
  type SessionTransactOptions,
  type SessionWaitOptions,
} from './session.js';
export {
  FailoverBudgetExceededError,
  LockNotHeldError,
  type MemberAttempt,
  MemberUnsuitableError,
  PoisonWriteError,
  SessionClosedError,
  type SessionPhase,
  SessionWaitTimeoutError,
  WaitAbortedError,
  WriteOutcomeUnknownError,
} from './session-errors.js';
export { DEFAULT_OPEN_TIMEOUT_MS, DEFAULT_REPLICA_STALL_MS } from './session-types.js';
export { SplitSession, type SplitSessionOptions } from './split-session.js';
export type { WriteMark, WriteOutcome } from './write-outcome.js';
