/**
 * When to try again after a connection round failed: exponential backoff with jitter, capped,
 * inside an overall failover budget. Pure arithmetic, so the schedule is testable without
 * timers.
 */

/** How a {@link Session} retries. Every field has a default. */
export interface ReconnectPolicy {
  /**
   * Milliseconds to wait for one member's connection (TCP/TLS/WebSocket handshake) before
   * giving up on it. The initial monitor dump that follows is not bound by it: it is driven
   * by progress (see `ReplicaOptions.onProgress`), however long a big database takes.
   * @default 3000
   */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a round waits, after connecting to the members, for one of them to report
   * what the session needs (the leader, or any up-to-date member). An election takes about
   * one to two election timers (1 s each by default).
   * @default 5000
   */
  roundTimeoutMs?: number;
  /** Delay before the second round, in ms; each later round doubles it. @default 100 */
  initialDelayMs?: number;
  /** The longest delay between rounds, in ms. @default 5000 */
  maxDelayMs?: number;
  /**
   * Fraction of each delay that is random (0: none, 1: anywhere between 0 and the delay), so
   * many clients that lost the same member do not all come back at once. @default 0.5
   */
  jitter?: number;
  /**
   * Milliseconds from losing the connection (or from opening the session) after which the
   * session gives up: it closes with `FailoverBudgetExceededError`. 0: never give up.
   * @default 60000
   */
  failoverBudgetMs?: number;
}

/** {@link ReconnectPolicy} with every default filled in. */
export type ResolvedReconnectPolicy = Required<ReconnectPolicy>;

/** The defaults of {@link ReconnectPolicy}. */
export const defaultReconnectPolicy: ResolvedReconnectPolicy = Object.freeze({
  connectTimeoutMs: 3000,
  roundTimeoutMs: 5000,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  jitter: 0.5,
  failoverBudgetMs: 60_000,
});

/** Fills in the defaults (an option passed as `undefined` takes its default). */
export function resolveReconnectPolicy(policy: ReconnectPolicy = {}): ResolvedReconnectPolicy {
  const out = { ...defaultReconnectPolicy };
  for (const key of Object.keys(out) as Array<keyof ResolvedReconnectPolicy>) {
    const value = policy[key];
    if (value !== undefined) out[key] = value;
  }
  out.jitter = Math.min(1, Math.max(0, out.jitter));
  return out;
}

/**
 * The delay before round `round` (0-based: round 0 starts at once, round 1 waits about
 * `initialDelayMs`, then the delay doubles up to `maxDelayMs`). `random` returns [0, 1).
 */
export function roundDelay(
  round: number,
  policy: ResolvedReconnectPolicy,
  random: () => number = Math.random,
): number {
  if (round <= 0) return 0;
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(round - 1, 30));
  return Math.round(base * (1 - policy.jitter * random()));
}
