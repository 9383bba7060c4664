/**
 * One bounded wait of a session call: the caller's AbortSignal and timeout folded into one
 * signal that every step of the wait follows (connection rounds, sleeps, requests,
 * listeners), and the typed error the call rejects with when it fires. One is made per call
 * and disposed when the call ends, so no timer or listener outlives the call and a caller's
 * long-lived signal does not collect listeners.
 */
import {
  type MemberAttempt,
  type SessionPhase,
  SessionWaitTimeoutError,
  WaitAbortedError,
} from './session-errors.js';

/** How long a session call may wait, and how to stop it early. */
export interface SessionWaitOptions {
  /**
   * Stops the wait: the call rejects at once with `WaitAbortedError` (its `cause` is the
   * signal's reason), after stopping what it had started.
   */
  signal?: AbortSignal;
  /**
   * Gives up after this many ms with `SessionWaitTimeoutError`; 0: no limit of the call's own.
   * Each call documents its default.
   */
  timeoutMs?: number;
}

/** What a wait reports when it fires, read at that moment. */
export interface WaitSubject {
  readonly database: string;
  /** What is awaited, for people: `a leader of OVN_Northbound among unix:/run/ovn/ovnnb_db.sock`. */
  what(): string;
  phase(): SessionPhase;
  /** What each member answered so far. */
  attempts(): readonly MemberAttempt[];
}

/** How a {@link WaitBound} runs. */
export interface WaitBoundOptions {
  /** Also stop when one of these fires (the session closing), without a failure of the bound's own. */
  readonly also?: readonly AbortSignal[];
  /**
   * Polled every quarter of the timeout: true when the wait made progress since the last
   * call. A wait bounded this way gives up only once `timeoutMs` passed without progress
   * (give or take a quarter), however long it takes in all.
   */
  readonly progressed?: () => boolean;
}

/** A caller's signal and timeout, as one signal and one typed failure. */
export class WaitBound {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: Error | undefined;
  private readonly unlinks: Array<() => void> = [];
  private lastProgress = Date.now();

  constructor(
    private readonly subject: WaitSubject,
    private readonly limits: { readonly signal?: AbortSignal | undefined; readonly timeoutMs: number },
    private readonly options: WaitBoundOptions = {},
  ) {
    const caller = limits.signal;
    const aborted = (reason: unknown): WaitAbortedError =>
      new WaitAbortedError(subject.what(), reason, subject.attempts(), subject.database, subject.phase());
    if (caller?.aborted) {
      this.fire(aborted(caller.reason));
      return;
    }
    if (caller !== undefined) this.follow(caller, () => this.fire(aborted(caller.reason)));
    for (const signal of options.also ?? []) this.follow(signal, () => this.controller.abort(signal.reason));
    this.arm();
  }

  /** Fires when the caller aborts, the timeout runs out, or a linked signal fires. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The failure once the caller's signal or the timeout fired; undefined otherwise (also after a linked signal). */
  error(): Error | undefined {
    return this.failure;
  }

  /** Throws the failure if the bound fired. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Settles as `promise` does, or rejects with the failure as soon as the bound fires. The
   * step behind `promise` should follow {@link signal} too, so that it stops rather than
   * finishing unseen.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.failure !== undefined) {
      promise.catch(() => undefined);
      return Promise.reject(this.failure);
    }
    return raceSignal(promise, this.controller.signal, () => this.failure).catch((error: unknown) => {
      throw this.failure ?? error;
    });
  }

  /** The wait made progress now (for a bound with `progressed`): the timeout counts from here. */
  progress(): void {
    this.lastProgress = Date.now();
  }

  /** Ends the bound: its timer and every listener on the caller's signals are removed. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const unlink of this.unlinks.splice(0)) unlink();
  }

  private arm(): void {
    const { timeoutMs } = this.limits;
    if (timeoutMs <= 0) return;
    const progressed = this.options.progressed;
    if (progressed === undefined) {
      this.timer = setTimeout(() => this.timedOut(), timeoutMs);
      return;
    }
    const poll = (): void => {
      if (progressed()) this.lastProgress = Date.now();
      const left = this.lastProgress + timeoutMs - Date.now();
      if (left <= 0) this.timedOut();
      else this.timer = setTimeout(poll, Math.min(left, Math.max(10, timeoutMs / 4)));
    };
    this.timer = setTimeout(poll, Math.max(10, timeoutMs / 4));
  }

  private timedOut(): void {
    const { subject } = this;
    this.fire(
      new SessionWaitTimeoutError(
        subject.database,
        subject.phase(),
        subject.what(),
        this.limits.timeoutMs,
        subject.attempts(),
      ),
    );
  }

  private fire(failure: Error): void {
    if (this.controller.signal.aborted) return;
    this.failure = failure;
    this.dispose();
    this.controller.abort(failure);
  }

  private follow(signal: AbortSignal, listener: () => void): void {
    if (signal.aborted) {
      listener();
      return;
    }
    signal.addEventListener('abort', listener, { once: true });
    this.unlinks.push(() => signal.removeEventListener('abort', listener));
  }
}

/**
 * One signal that fires when any of `signals` does (Node 20.0 lacks `AbortSignal.any`).
 * `dispose` removes the listeners it put on them.
 */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): {
  signal: AbortSignal;
  abort(reason?: unknown): void;
  dispose(): void;
} {
  const controller = new AbortController();
  const unlinks: Array<() => void> = [];
  for (const signal of signals) {
    if (signal === undefined) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const listener = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', listener, { once: true });
    unlinks.push(() => signal.removeEventListener('abort', listener));
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const unlink of unlinks.splice(0)) unlink();
    },
  };
}

/**
 * `promise`, or a rejection with `failureOf()` as soon as `signal` fires (when it returns
 * something: a signal fired without a failure of the waiter's own leaves the race to
 * `promise`). What `promise` stands for goes on; only the wait ends.
 */
export function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  failureOf: () => unknown = () => signal.reason,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      const failure = failureOf();
      if (failure !== undefined) reject(failure);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
