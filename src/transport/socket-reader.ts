import type { OnReadOpts } from 'node:net';

/** Bytes one read may take: what libuv asks for by default. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Reads a `net` socket (tcp or unix) straight into one buffer of its own, node's `onread`
 * option, instead of through the socket's readable stream: no stream bookkeeping, no `data`
 * event and no read-ahead tick per chunk. At one request in flight a transaction's reply is
 * one small read, and that machinery was a good share of the client's time per transaction.
 *
 * The buffer is reused by the next read, so each read's bytes are copied out (a small read
 * into node's shared pool) and the consumer may keep the chunk it is given, as it may a
 * `data` chunk. `socket.pause()` and `resume()` stop and restart reading as usual (at once:
 * nothing is read ahead while paused).
 */
export class SocketReader {
  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private consumer: ((chunk: Buffer) => void) | undefined;
  /** Chunks read before a consumer was attached (none when the socket starts paused). */
  private early: Buffer[] = [];

  /** The `onread` option of `net.connect` for this reader. */
  readonly onread: OnReadOpts = {
    buffer: this.buffer,
    callback: (bytes: number, buffer: Uint8Array): boolean => {
      const chunk = Buffer.from(buffer.subarray(0, bytes));
      if (this.consumer === undefined) this.early.push(chunk);
      else this.consumer(chunk);
      return true;
    },
  };

  /** Hands every chunk read to `consumer`, those read before first. */
  attach(consumer: (chunk: Buffer) => void): void {
    this.consumer = consumer;
    const early = this.early;
    this.early = [];
    for (const chunk of early) consumer(chunk);
  }
}
