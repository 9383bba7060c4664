import { ConnectAbortedError, ConnectTimeoutError } from './transport-errors.js';

/** What every transport's connect function is given. */
export interface ConnectContext {
  /** The remote in OVS notation, for error messages. */
  readonly remote: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** One connect in progress: resolves with its result, or is cancelled from outside. */
export interface PendingConnect<T> {
  readonly promise: Promise<T>;
  /** Stops the attempt and releases its socket; the promise's outcome is then ignored. */
  cancel(): void;
}

/**
 * Races a connect attempt against the deadline and the caller's AbortSignal, so every
 * transport kind times out and aborts the same way and never leaks a half-open socket.
 */
export function raceConnect<T>(context: ConnectContext, start: () => PendingConnect<T>): Promise<T> {
  const { remote, timeoutMs, signal } = context;
  if (signal?.aborted) return Promise.reject(new ConnectAbortedError(remote, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const pending = start();
    let settled = false;
    const settle = (error: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(value as T);
      else reject(error);
    };
    const onAbort = (): void => {
      pending.cancel();
      settle(new ConnectAbortedError(remote, signal?.reason));
    };
    const timer = setTimeout(() => {
      pending.cancel();
      settle(new ConnectTimeoutError(remote, timeoutMs));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.promise.then(
      (value) => settle(undefined, value),
      (error: Error) => settle(error),
    );
  });
}
