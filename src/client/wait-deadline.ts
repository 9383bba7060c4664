/**
 * A `transact` with a `wait` operation may block on the server for as long as that wait asks:
 * the client's default reply deadline must not cut it short.
 */
import type { Operation } from '../protocol/operations.js';

/**
 * The deadline a transaction of `operations` gets when its call sets none: undefined when it
 * has no `wait` (the client's default applies), 0 (none) when a `wait` has no timeout, else the
 * default plus the longest wait's timeout.
 */
export function waitDeadline(operations: readonly Operation[], defaultMs: number): number | undefined {
  let longest: number | undefined;
  for (const operation of operations) {
    if (operation.op !== 'wait') continue;
    if (operation.timeout === undefined) return 0;
    longest = Math.max(longest ?? 0, operation.timeout);
  }
  if (longest === undefined || defaultMs <= 0) return undefined;
  return defaultMs + longest;
}
