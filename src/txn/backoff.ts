/** The wait between attempts of an optimistic transaction: jittered, capped, abortable. */

/** How long to wait before retrying a transaction that met a conflict. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay; each later retry doubles it. @default 10 */
  baseMs?: number;
  /** Largest ceiling. @default 250 */
  maxMs?: number;
}

/** Resolved {@link BackoffOptions}. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** The default backoff. */
export const defaultBackoff: Readonly<ResolvedBackoff> = Object.freeze({ baseMs: 10, maxMs: 250 });

/**
 * The delay before retry number `retry` (1 for the first): a random point in the upper half of
 * an exponentially growing ceiling. The jitter spreads writers that collided on the same row
 * so they do not collide again in step; the lower bound keeps the wait from collapsing to 0.
 */
export function retryDelayMs(
  retry: number,
  backoff: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Waits `ms`; resolves false at once if `signal` aborts (before or during the wait), true otherwise. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
