/**
 * Waiting for a replica to show something: a row another program writes (ovn-ic creating a
 * transit switch, northd binding a port), checked after every applied update, never polled.
 */
import type { EventEmitter } from 'eventemitter3';
import { OvndbError } from '../errors.js';
import { ReplicaClosedError, type ReplicaEvents } from './replica-events.js';

/** The condition did not hold within the deadline. */
export class ReplicaWaitTimeoutError extends OvndbError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super('OVNDB_REPLICA_WAIT_TIMEOUT', `gave up waiting for ${what} after ${timeoutMs} ms`, {
      details: { what, timeoutMs },
    });
  }
}

/** Options of {@link replicaUntil}. */
export interface ReplicaUntilOptions {
  /** What is awaited, for the timeout error and progress: `NB switch ts made by ovn-ic`. */
  what: string;
  /** @default 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called every `progressIntervalMs` while waiting, with the time waited so far. */
  onProgress?: (waitedMs: number) => void;
  /** @default 1000 */
  progressIntervalMs?: number;
}

/**
 * Resolves with the first value `check` returns other than `undefined`: at once when the
 * replica already shows it, otherwise after the update that makes it true (checked once per
 * applied server message). Rejects with {@link ReplicaWaitTimeoutError} after the deadline,
 * `ReplicaClosedError` when the replica closes, or the signal's reason when aborted.
 */
export function replicaUntil<T extends object, R>(
  replica: Pick<EventEmitter<ReplicaEvents<T>>, 'on' | 'off'>,
  check: () => R | undefined,
  options: ReplicaUntilOptions,
): Promise<R> {
  const first = check();
  if (first !== undefined) return Promise.resolve(first);
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  return new Promise<R>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(deadline);
      clearInterval(progress);
      replica.off('batch', onBatch);
      replica.off('closed', onClosed);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onBatch = (): void => {
      let value: R | undefined;
      try {
        value = check();
      } catch (error) {
        cleanup();
        reject(error);
        return;
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onClosed = (error?: Error): void => {
      cleanup();
      reject(new ReplicaClosedError(error));
    };
    const onAbort = (): void => {
      cleanup();
      reject(options.signal?.reason);
    };
    const deadline = setTimeout(() => {
      cleanup();
      reject(new ReplicaWaitTimeoutError(options.what, timeoutMs));
    }, timeoutMs);
    const progress = setInterval(
      () => options.onProgress?.(Date.now() - started),
      options.progressIntervalMs ?? 1000,
    );
    if (options.onProgress === undefined) clearInterval(progress);
    replica.on('batch', onBatch);
    replica.on('closed', onClosed);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
