/**
 * Opening several things that are only useful together (a split session's two sessions,
 * OVN-IC's four): the first failure stops the others at once instead of letting them run to
 * their own timeouts, and whatever opened is closed again.
 */
import { WaitAbortedError } from './session-errors.js';
import { anySignal } from './wait-bound.js';

/**
 * Starts every opener with a signal that fires on `signal` or (with `stopOthers`, the
 * default) on the first failure; resolves with every value in order, or closes those that
 * opened and throws the failure of the first opener (in the given order) that failed by
 * itself rather than by being stopped. Without `stopOthers` every opener runs to its own end,
 * so the failure reported is always the first in order (OVN-IC's IC-NB and IC-SB share one
 * host list and give up at about the same time: the one named must not depend on which was
 * a few milliseconds faster).
 */
export async function openTogether<T>(
  signal: AbortSignal | undefined,
  openers: ReadonlyArray<(signal: AbortSignal) => Promise<T>>,
  close: (value: T) => Promise<void>,
  stopOthers = true,
): Promise<T[]> {
  const stop = anySignal([signal]);
  const causes = new Set<unknown>();
  const settled = await Promise.allSettled(
    openers.map((open) =>
      open(stop.signal).catch((error: unknown) => {
        if (stopOthers && !stop.signal.aborted) {
          causes.add(error);
          stop.abort(error);
        }
        throw error;
      }),
    ),
  );
  stop.dispose();
  const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  if (failures.length === 0) return settled.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
  await Promise.all(
    settled.map((outcome) => (outcome.status === 'fulfilled' ? close(outcome.value) : undefined)),
  );
  const stopped = (error: unknown): boolean => error instanceof WaitAbortedError && causes.has(error.cause);
  throw failures.find((error) => !stopped(error)) ?? failures[0];
}
