import { RaftTimeoutError } from './raft-errors.js';

const POLL_MS = 25;

/**
 * Calls `probe` until it returns a value or `timeoutMs` passes; then throws
 * {@link RaftTimeoutError} with the last observation `probe` reported through `seen`.
 * The short pause between probes only paces polling; readiness is the probe's answer.
 */
export async function pollUntil<T>(
  waitedFor: string,
  timeoutMs: number,
  probe: (seen: (observation: string) => void) => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '(nothing observed)';
  const seen = (observation: string): void => {
    last = observation;
  };
  for (;;) {
    const value = await probe(seen);
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new RaftTimeoutError(waitedFor, timeoutMs, last);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for `promise`, or throws {@link RaftTimeoutError} after `timeoutMs`. */
export async function withDeadline<T>(waitedFor: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RaftTimeoutError(waitedFor, timeoutMs, '')), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
