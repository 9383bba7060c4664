/**
 * Write coalescing and backpressure. Every frame queued during one synchronous run goes to
 * the transport in ONE write, flushed in a microtask, so pipelined requests share a syscall
 * while a lone request waits no longer than the current tick. While the transport reports a
 * full buffer, frames keep queueing here until it drains.
 */
import type { Transport } from '../transport/transport.js';

/** A request frame whose sending can be skipped if it was settled (aborted) before the flush. */
export interface OutboundRequest {
  readonly frame: string;
  /** Set here when the frame is handed to the transport. */
  written: boolean;
  /** Set by the owner when the request no longer needs sending. */
  settled: boolean;
}

/** What the flush is chained to. */
const RESOLVED = Promise.resolve();

/** Coalesces frames into transport writes. */
export class FrameWriter {
  private items: Array<string | OutboundRequest> = [];
  private scheduled = false;
  private blocked = false;
  private stopped = false;
  private readonly flushTask = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * @param transport where bytes go.
   * @param trace called with every frame actually written.
   * @param onWriteError called when `transport.write` throws.
   */
  constructor(
    private readonly transport: Transport,
    private readonly trace: ((direction: 'in' | 'out', frame: string) => void) | undefined,
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /** True while waiting for the transport's `drain`. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Queues a frame (a string for responses/notifications, or a request). */
  push(item: string | OutboundRequest): void {
    if (this.stopped) return;
    this.items.push(item);
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      // A microtask as queueMicrotask's, without the AsyncResource node makes for each of those.
      RESOLVED.then(this.flushTask);
    }
  }

  /** The transport can take bytes again. */
  drain(): void {
    this.blocked = false;
    this.flush();
  }

  /** Writes everything queued now, unless blocked. */
  flush(): void {
    if (this.blocked || this.stopped || this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    const trace = this.trace;
    let out = '';
    for (const item of items) {
      if (typeof item === 'string') {
        out += item;
        if (trace !== undefined) trace('out', item);
      } else if (!item.settled) {
        out += item.frame;
        item.written = true;
        if (trace !== undefined) trace('out', item.frame);
      }
    }
    if (out.length === 0) return;
    let ok: boolean;
    try {
      ok = this.transport.write(out);
    } catch (error) {
      this.onWriteError(error);
      return;
    }
    if (!ok) this.blocked = true;
  }

  /** Drops whatever is queued and refuses more (the connection closed). */
  stop(): void {
    this.stopped = true;
    this.items = [];
  }
}
