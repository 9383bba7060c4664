/** Test-only in-memory Transport: records writes, lets the test inject data, drain and close. */
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import type { Transport, TransportHandlers } from '../../src/transport/transport.js';

/** A Transport with no I/O; `full` makes write return false, as a socket with a full buffer does. */
export class MemoryTransport implements Transport {
  readonly remote = 'memory:test';
  readonly writes: string[] = [];
  full = false;
  closedBy: 'close' | 'destroy' | undefined;
  destroyError: Error | undefined;
  handlers: TransportHandlers | undefined;

  setHandlers(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  write(data: string | Buffer): boolean {
    this.writes.push(data.toString());
    return !this.full;
  }

  close(): void {
    this.closedBy ??= 'close';
  }

  /** Nothing arrives by itself here, so there is nothing to hold. */
  pause(): void {}

  resume(): void {}

  destroy(error?: Error): void {
    this.closedBy ??= 'destroy';
    this.destroyError = error;
  }

  /** Every frame written so far, parsed (writes may hold several back-to-back frames). */
  frames(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (t) => out.push(JSON.parse(t)),
    });
    for (const w of this.writes) splitter.push(Buffer.from(w));
    return out;
  }

  /** Injects bytes as if they came from the server. */
  receive(data: string | Buffer): void {
    this.handlers!.data(typeof data === 'string' ? Buffer.from(data) : data);
  }
}
