/**
 * Reading backpressure that keeps the session alive. A consumer that cannot keep up asks the
 * connection to stop reading; the kernel window then closes and ovsdb-server keeps its output
 * as a backlog (coalescing monitor changes instead of queuing them). ovsdb-server reads nothing
 * from a session while its backlog toward it is nonempty, and drops a session whose inactivity
 * probe goes unanswered: since Open vSwitch 2.15 only once it tries to read again (a paused
 * session whose updates all fit in the socket buffers, so the server's backlog is empty), and
 * before that also with a backlog. Activity is a message received from us or the backlog
 * shrinking. So while paused we read one chunk now and then (the backlog shrinks) and send an
 * `echo` now and then (read as soon as the backlog is empty).
 */

/** Default {@link ReadPauseIntervals.trickleIntervalMs}. */
export const DEFAULT_TRICKLE_INTERVAL_MS = 1000;
/** Default {@link ReadPauseIntervals.echoIntervalMs}. */
export const DEFAULT_PAUSED_ECHO_INTERVAL_MS = 2000;

/** How a paused connection keeps the server's inactivity probe satisfied. */
export interface ReadPauseIntervals {
  /**
   * Every this many ms, read one chunk so the server's output backlog shrinks. 0 disables it
   * (then servers older than Open vSwitch 2.15 drop a session with a backlog toward us).
   * @default 1000
   */
  trickleIntervalMs?: number;
  /**
   * Every this many ms, send an `echo` request, which the server reads once its backlog is
   * empty. 0 disables it.
   * @default 2000
   */
  echoIntervalMs?: number;
}

/** What a {@link ReadPause} drives. */
export interface ReadPauseHooks {
  /** Stop delivering received bytes. */
  pause(): void;
  /** Deliver received bytes again. */
  resume(): void;
  /** Send one `echo` request whose outcome nobody waits for. */
  sendEcho(): void;
}

const noop = (): void => {};

/**
 * A counter of pause holds plus the two keep-alive timers. Reading is paused while at least
 * one hold is unreleased; releasing is idempotent per hold.
 */
export class ReadPause {
  private holds = 0;
  /** The transport is resumed for one trickle chunk. */
  private trickling = false;
  private stopped = false;
  private trickleTimer: ReturnType<typeof setInterval> | undefined;
  private echoTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly hooks: ReadPauseHooks,
    private readonly defaults: ReadPauseIntervals = {},
  ) {}

  /** True while at least one hold is unreleased. */
  get paused(): boolean {
    return this.holds > 0;
  }

  /**
   * Takes a hold and returns its release. The first hold pauses reading and starts the timers
   * (with `intervals`, falling back to the defaults given at construction); later holders'
   * intervals are ignored until reading resumes. After {@link stop} it does nothing.
   */
  acquire(intervals?: ReadPauseIntervals): () => void {
    if (this.stopped) return noop;
    if (this.holds++ === 0) this.begin(intervals);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (this.stopped) return;
      if (--this.holds === 0) this.end();
    };
  }

  /** A chunk was received: if it was a trickle read, pause again. Cheap; on the data hot path. */
  chunkReceived(): void {
    if (!this.trickling) return;
    this.trickling = false;
    this.hooks.pause();
  }

  /** The connection closed: drop the timers and every hold, for good. */
  stop(): void {
    this.stopped = true;
    this.holds = 0;
    this.trickling = false;
    this.clearTimers();
  }

  private begin(intervals: ReadPauseIntervals | undefined): void {
    this.hooks.pause();
    const trickleMs =
      intervals?.trickleIntervalMs ?? this.defaults.trickleIntervalMs ?? DEFAULT_TRICKLE_INTERVAL_MS;
    const echoMs =
      intervals?.echoIntervalMs ?? this.defaults.echoIntervalMs ?? DEFAULT_PAUSED_ECHO_INTERVAL_MS;
    if (trickleMs > 0) {
      this.trickleTimer = setInterval(() => this.trickle(), trickleMs);
      this.trickleTimer.unref();
    }
    if (echoMs > 0) {
      this.echoTimer = setInterval(() => this.hooks.sendEcho(), echoMs);
      this.echoTimer.unref();
    }
  }

  private end(): void {
    this.clearTimers();
    this.trickling = false;
    this.hooks.resume();
  }

  private trickle(): void {
    // Still waiting for the last trickle's chunk (a quiet server): stay resumed.
    if (this.trickling) return;
    this.trickling = true;
    this.hooks.resume();
  }

  private clearTimers(): void {
    clearInterval(this.trickleTimer);
    clearInterval(this.echoTimer);
    this.trickleTimer = undefined;
    this.echoTimer = undefined;
  }
}
