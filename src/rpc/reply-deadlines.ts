/**
 * No request on a default connection waits forever. The inactivity probe catches a silent
 * peer, but not one that answers every `echo` and never our request, nor one that trickles a
 * byte a second. Two rules, checked by one timer per connection (not one per request, which
 * would cost the hot path a timer each):
 *
 * - a request without a deadline of its own fails with {@link RequestTimeoutError} once it
 *   has waited `replyTimeoutMs`, unless a frame is arriving meanwhile (it may be this
 *   request's reply: a big initial dump is bounded by its progress, not by a fixed time);
 * - a frame that is arriving must grow by `minFrameBytes` every `frameWindowMs`, or the
 *   connection fails with {@link SlowFrameError}.
 *
 * While reading is paused on purpose, the slowness is ours: neither rule counts that time.
 */
import { RequestTimeoutError, SlowFrameError } from './rpc-errors.js';

/** Default {@link ReplyDeadlineOptions.replyTimeoutMs} of a client: 60 s. */
export const DEFAULT_REPLY_TIMEOUT_MS = 60_000;
/** Default {@link ReplyDeadlineOptions.frameWindowMs}: 10 s. */
export const DEFAULT_FRAME_WINDOW_MS = 10_000;
/** Default {@link ReplyDeadlineOptions.minFrameBytes}: 16 KiB, a rate no real link is below. */
export const DEFAULT_MIN_FRAME_BYTES = 16 * 1024;

/** The two rules' settings. */
export interface ReplyDeadlineOptions {
  /** How long a request without a deadline of its own waits for its reply; 0: forever. */
  readonly replyTimeoutMs: number;
  /** The window in which a frame that is arriving must grow by `minFrameBytes`; 0: no rule. */
  readonly frameWindowMs: number;
  readonly minFrameBytes: number;
}

/** A request as the deadlines see it. */
export interface DeadlineEntry {
  readonly method: string;
  /** When it was issued (Date.now()). */
  readonly startedAt: number;
  /** It has a deadline of its own (or explicitly none), or needs none (a keep-alive echo). */
  readonly ownDeadline: boolean;
}

/** What the rules watch and act on. */
export interface DeadlineHost {
  /** Unsettled requests, oldest first. */
  pending(): Iterable<DeadlineEntry>;
  /** Bytes of a frame received so far and not yet complete (0 between frames). */
  frameBytes(): number;
  /** Every byte received so far. */
  receivedBytes(): number;
  readingPaused(): boolean;
  expire(entry: DeadlineEntry, error: Error): void;
  fail(error: Error): void;
}

/** One timer enforcing both rules for one connection. */
export class ReplyDeadlines {
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  /** Requests count their wait from here at the earliest: the end of the last read pause. */
  private notBefore = 0;
  /** Where the current frame window began, and the bytes received by then. */
  private windowStart = 0;
  private windowBytes = -1;

  constructor(
    private readonly options: ReplyDeadlineOptions,
    private readonly host: DeadlineHost,
  ) {
    const periods = [options.replyTimeoutMs, options.frameWindowMs].filter((ms) => ms > 0);
    if (periods.length === 0) return;
    const tick = Math.max(10, Math.min(1000, ...periods.map((ms) => Math.floor(ms / 4))));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    if (this.host.readingPaused()) {
      this.notBefore = now;
      this.windowBytes = -1;
      return;
    }
    const arriving = this.host.frameBytes() > 0;
    if (arriving) {
      if (!this.frameIsMoving(now)) return;
    } else {
      this.windowBytes = -1;
    }
    // A frame on its way may be the reply any request waits for.
    if (arriving || this.options.replyTimeoutMs <= 0) return;
    const timeout = this.options.replyTimeoutMs;
    const expired: DeadlineEntry[] = [];
    for (const entry of this.host.pending()) {
      if (entry.ownDeadline) continue;
      // Oldest first: the first one still in time ends the scan.
      if (now - Math.max(entry.startedAt, this.notBefore) < timeout) break;
      expired.push(entry);
    }
    for (const entry of expired) this.host.expire(entry, new RequestTimeoutError(entry.method, timeout));
  }

  /** False (and the connection failed) when the frame arriving grew too little in a window. */
  private frameIsMoving(now: number): boolean {
    const { frameWindowMs, minFrameBytes } = this.options;
    const received = this.host.receivedBytes();
    if (frameWindowMs <= 0) return true;
    if (this.windowBytes < 0) {
      this.windowStart = now;
      this.windowBytes = received;
      return true;
    }
    if (now - this.windowStart < frameWindowMs) return true;
    const grown = received - this.windowBytes;
    if (grown < minFrameBytes) {
      this.host.fail(
        new SlowFrameError(grown, now - this.windowStart, minFrameBytes, this.host.frameBytes()),
      );
      return false;
    }
    this.windowStart = now;
    this.windowBytes = received;
    return true;
  }
}
