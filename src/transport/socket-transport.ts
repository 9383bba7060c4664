import type { Socket } from 'node:net';
import type { SocketReader } from './socket-reader.js';
import type { Transport, TransportHandlers } from './transport.js';
import { TransportError } from './transport-errors.js';

/** How long a graceful close may wait for the peer before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/**
 * A {@link Transport} over an already connected node stream socket (tcp, unix or tls).
 * The socket is paused until a consumer installs handlers, so early bytes wait in the
 * kernel and stream buffers instead of being dropped. A tcp or unix socket is read through
 * its {@link SocketReader} (made with the socket: node's `onread`), a tls one through its
 * `data` events.
 */
export class SocketTransport implements Transport {
  readonly remote: string;
  readonly #socket: Socket;
  #handlers: TransportHandlers | undefined;
  #failure: Error | undefined;
  #closing = false;
  #closed = false;
  /** Set when the socket closed before anyone listened; reported on setHandlers. */
  #closedEarly = false;
  /** Reading paused by the owner; `setHandlers` must not undo it. */
  #paused = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(remote: string, socket: Socket, reader?: SocketReader) {
    this.remote = remote;
    this.#socket = socket;
    socket.pause();
    const data = (chunk: Buffer) => this.#handlers?.data(chunk);
    if (reader === undefined) socket.on('data', data);
    else reader.attach(data);
    socket.on('drain', () => this.#handlers?.drain());
    socket.on('error', (error) => {
      this.#failure ??= new TransportError(remote, error);
    });
    socket.on('close', () => this.#finish());
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    if (this.#closedEarly) {
      this.#closedEarly = false;
      handlers.close(this.#failure);
      return;
    }
    if (!this.#paused) this.#socket.resume();
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    // A socket read through its SocketReader stops reading at once; one read through its
    // stream keeps reading only until the stream's buffer reaches the high-water mark. Either
    // way memory stays bounded and the kernel window closes.
    this.#socket.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Before handlers exist the socket stays paused; setHandlers resumes it.
    if (this.#handlers !== undefined && !this.#closedEarly) this.#socket.resume();
  }

  write(data: string | Buffer): boolean {
    // After close there is nowhere to send to; the close handler has told (or will tell) the owner.
    if (this.#closing || this.#closed) return false;
    return this.#socket.write(data);
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#socket.end();
    this.#graceTimer = setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    this.#graceTimer.unref();
  }

  destroy(error?: Error): void {
    if (this.#closed) return;
    this.#closing = true;
    if (error !== undefined) this.#failure ??= error;
    this.#socket.destroy();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#graceTimer);
    if (this.#handlers === undefined) this.#closedEarly = true;
    else this.#handlers.close(this.#failure);
  }
}
