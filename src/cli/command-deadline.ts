/**
 * The `-t` of a command: one deadline for everything the command waits for (a connection,
 * the member of a cluster, replies, the initial rows). When it passes, what is running is
 * stopped (signals fire, sessions and connections close) and the command fails at once with
 * a line that says what it was waiting for, instead of each step having a limit of its own
 * that adds up.
 */
import { SessionWaitTimeoutError, WaitAbortedError } from '../session/session-errors.js';
import { CommandTimeoutError } from './cli-errors.js';

/** What the command waits for now, for the message when the deadline passes during it. */
interface Stage {
  readonly what: string;
  /** A server has answered by then: giving up is a failed request (1), not an unreachable server (3). */
  readonly reached: () => boolean;
}

/** Marks the deadline's own rejection, when the step running ignored the signal. */
const EXPIRED = Symbol('expired');

/** The deadline of one command; without `-t`, nothing is bounded by it. */
export class CommandDeadline {
  private readonly controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly expiry: Promise<never> | undefined;
  private stage: Stage = { what: 'the command', reached: () => false };
  private readonly cleanups = new Set<() => unknown>();

  constructor(readonly timeoutMs: number | undefined) {
    if (timeoutMs === undefined) return;
    const controller = new AbortController();
    this.controller = controller;
    this.expiry = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => {
        controller.abort(new Error(`the -t deadline of ${timeoutMs} ms passed`));
        for (const cleanup of this.cleanups) void Promise.resolve(cleanup()).catch(() => undefined);
        // A turn later: steps that follow the signal reject first, with what they waited for.
        setImmediate(() => reject(EXPIRED));
      }, timeoutMs);
    });
    this.expiry.catch(() => undefined);
  }

  /** Fires when the deadline passes; undefined without `-t`. */
  get signal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  /** `{ signal }` for the options of a library call, `{}` without `-t`. */
  get bound(): { signal?: AbortSignal } {
    return this.controller ? { signal: this.controller.signal } : {};
  }

  /** Names what the command waits for next; `reached`: whether a server has answered (asked when giving up). */
  waitingFor(what: string, reached: boolean | (() => boolean)): void {
    this.stage = { what, reached: typeof reached === 'boolean' ? () => reached : reached };
  }

  /** Runs `cleanup` (closing what follows no signal: a session, a connection) when the deadline passes. */
  onExpire(cleanup: () => unknown): void {
    this.cleanups.add(cleanup);
  }

  /**
   * Runs `body`; when the deadline passes it rejects at once, with a
   * {@link CommandTimeoutError} naming what was awaited. Other failures pass through.
   */
  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.expiry === undefined) return body();
    try {
      return await Promise.race([body(), this.expiry]);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Ends the deadline: what follows is not bounded by it (monitor's changes), and no timer is left. */
  clear(): void {
    clearTimeout(this.timer);
    this.cleanups.clear();
  }

  private failure(error: unknown): unknown {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs === undefined || this.controller?.signal.aborted !== true) return error;
    if (error instanceof WaitAbortedError || error instanceof SessionWaitTimeoutError) {
      const attempts = error.attempts.map((a) => `${a.remote}: ${a.reason}`).join('; ');
      const unreachable = error.phase === undefined ? !this.stage.reached() : error.phase !== 'ready';
      return new CommandTimeoutError(
        timeoutMs,
        error.what + (attempts ? ` (${attempts})` : ''),
        unreachable,
        error,
      );
    }
    return new CommandTimeoutError(
      timeoutMs,
      this.stage.what,
      !this.stage.reached(),
      error === EXPIRED ? undefined : error,
    );
  }
}
