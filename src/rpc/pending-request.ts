/**
 * One request from the moment it is issued until it settles. It moves through two queues
 * (ioredis style): waiting for a pipeline slot (never written, safe to fail or retry), then
 * admitted to the writer and written (outcome unknown if the connection drops).
 */
import type { OutboundRequest } from './frame-writer.js';

/** Bookkeeping for one request; owned by RpcConnection. */
export class PendingRequest implements OutboundRequest {
  /** Handed to the transport. */
  written = false;
  /** Resolved or rejected; nothing more may happen to it. */
  settled = false;
  /** Holds a pipeline slot (queued in the writer or written). */
  admitted = false;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  readonly response: Promise<unknown>;
  resolve!: (result: unknown) => void;
  reject!: (error: Error) => void;

  constructor(
    readonly id: number,
    readonly method: string,
    readonly frame: string,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
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
