/** Waiting on a replica in tests: until a condition on its contents holds, with a deadline. */
import type { Replica } from '../../src/index.js';

/** Resolves once `check()` is true, re-checking after each applied server message. */
export function until<T extends object>(
  replica: Replica<T>,
  check: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  if (check()) return Promise.resolve();
  // Captured now: the timeout's own stack would not show which wait failed.
  const waiting = new Error(`replica condition not met within ${timeoutMs} ms`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      replica.off('batch', listener);
      reject(waiting);
    }, timeoutMs);
    const listener = () => {
      if (!check()) return;
      clearTimeout(timer);
      replica.off('batch', listener);
      resolve();
    };
    replica.on('batch', listener);
  });
}
