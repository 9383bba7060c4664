/**
 * One request from the moment it is issued until it settles. It moves through two queues
 * (ioredis style): waiting for a pipeline slot (never written, safe to fail or retry), then
 * admitted to the writer and written (outcome unknown if the connection drops).
 */
import type { OutboundRequest } from './frame-writer.js';
import type { LazyResult } from './segmented-frame.js';

/**
 * Per-request shaping of the outcome, applied before the response promise settles, so that a
 * caller who checks results or translates errors needs no second promise of its own.
 */
export interface ResponseShaping {
  /** Turns the reply's `result` into the resolved value; a throw rejects instead. */
  accept?: (result: unknown) => unknown;
  /** Turns any failure of this request into the error it rejects with. */
  mapError?: (error: Error, request: PendingRequest) => unknown;
  /**
   * Accept a big reply in lazy form: when the reply arrives as a segmented frame, `result` is
   * a {@link LazyResult} (the outline, with its deep values parsed on demand) instead of plain
   * JSON. For monitor requests whose initial contents the caller applies a slice at a time.
   */
  segmented?: boolean;
}

/** Bookkeeping for one request; owned by RpcConnection. */
export class PendingRequest implements OutboundRequest {
  /** Handed to the transport. */
  written = false;
  /** Resolved or rejected; nothing more may happen to it. */
  settled = false;
  /** Holds a pipeline slot (queued in the writer or written). */
  admitted = false;
  /** An `echo` of our own that only keeps the connection alive. */
  keepAlive = false;
  /** It has a deadline of its own, or explicitly none: the connection's default does not apply. */
  ownDeadline = false;
  /**
   * Its reply has been read and waits behind a delivery hold (delivery-hold.ts): it settles
   * with that reply when delivered, and neither a deadline nor an abort fails it meanwhile.
   */
  answered = false;
  /** When it was issued. */
  readonly startedAt = Date.now();
  /** How many params it was sent with (a transact's reply has a result per operation). */
  params = 0;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  readonly response: Promise<unknown>;
  private settleOk!: (result: unknown) => void;
  private settleError!: (error: unknown) => void;

  constructor(
    readonly id: number,
    readonly method: string,
    readonly frame: string,
    private readonly shaping: ResponseShaping | undefined = undefined,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.settleOk = resolve;
      this.settleError = reject;
    });
  }

  /** True when the caller takes a {@link LazyResult} for a segmented reply. */
  get segmented(): boolean {
    return this.shaping?.segmented === true;
  }

  /** Resolves with the reply's result, shaped by `accept` when given. */
  resolve(result: unknown): void {
    // `accept` and `mapError` are called as methods of the shaping: it may be a class instance.
    const shaping = this.shaping;
    if (shaping?.accept === undefined) {
      this.settleOk(result);
      return;
    }
    let value: unknown;
    try {
      value = shaping.accept(result);
    } catch (error) {
      this.settleError(error);
      return;
    }
    this.settleOk(value);
  }

  /** Rejects, with the error shaped by `mapError` when given. */
  reject(error: Error): void {
    const shaping = this.shaping;
    this.settleError(shaping?.mapError === undefined ? error : shaping.mapError(error, this));
  }

  /** Marks it settled and drops its timer and abort listener. */
  release(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
    this.timer = undefined;
    this.signal = undefined;
    this.onAbort = undefined;
  }
}
