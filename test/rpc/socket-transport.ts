/**
 * Test-only Transport over a net.Socket (unix socket or tcp), so rpc tests do not depend on
 * src/transport's implementations, which are written in parallel.
 */
import net from 'node:net';
import type { Transport, TransportHandlers } from '../../src/transport/transport.js';

/** A minimal Transport adapter; `writeCalls` counts transport writes for coalescing tests. */
export class SocketTransport implements Transport {
  readonly remote: string;
  writeCalls = 0;
  private handlers: TransportHandlers | undefined;
  private held: Buffer[] = [];
  private closedWith: { error?: Error } | undefined;
  private error: Error | undefined;

  constructor(
    readonly socket: net.Socket,
    remote: string,
  ) {
    this.remote = remote;
    socket.on('data', (chunk: Buffer) => {
      if (this.handlers) this.handlers.data(chunk);
      else this.held.push(chunk);
    });
    socket.on('drain', () => this.handlers?.drain());
    socket.on('error', (error) => {
      this.error = error;
    });
    socket.on('close', () => {
      this.closedWith = { error: this.error };
      this.handlers?.close(this.error);
    });
  }

  /** Connects to a unix socket path. */
  static connect(path: string): Promise<SocketTransport> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path }, () => {
        socket.off('error', reject);
        resolve(new SocketTransport(socket, `unix:${path}`));
      });
      socket.once('error', reject);
    });
  }

  setHandlers(handlers: TransportHandlers): void {
    this.handlers = handlers;
    const held = this.held;
    this.held = [];
    for (const chunk of held) handlers.data(chunk);
    if (this.closedWith) handlers.close(this.closedWith.error);
  }

  write(data: string | Buffer): boolean {
    this.writeCalls++;
    return this.socket.write(data);
  }

  close(): void {
    this.socket.end();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(error?: Error): void {
    this.error ??= error;
    this.socket.destroy();
  }
}
