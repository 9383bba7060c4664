/**
 * Bytes received per client, counted where the transport hands them to the rpc layer. While
 * a big reply (the initial monitor dump of a large database) is still arriving no whole
 * message has come yet, and this count is the only sign that the wait is making progress:
 * a session bounds such waits by a lack of progress rather than by a fixed time.
 */
import type { Transport, TransportHandlers } from '../transport/transport.js';

/** The count of one connection. */
interface Counter {
  bytes: number;
}

const counters = new WeakMap<object, Counter>();

/** `transport` with every received byte counted; {@link countFor} ties the count to its client. */
export class CountingTransport implements Transport {
  /** @internal read through {@link receivedBytes} */
  readonly counter: Counter = { bytes: 0 };

  constructor(private readonly inner: Transport) {}

  get remote(): string {
    return this.inner.remote;
  }

  setHandlers(handlers: TransportHandlers): void {
    const counter = this.counter;
    this.inner.setHandlers({
      data: (chunk) => {
        counter.bytes += chunk.length;
        handlers.data(chunk);
      },
      drain: () => handlers.drain(),
      close: (error) => handlers.close(error),
    });
  }

  write(data: string | Buffer): boolean {
    return this.inner.write(data);
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  close(): void {
    this.inner.close();
  }

  destroy(error?: Error): void {
    this.inner.destroy(error);
  }
}

/** Records that `client` reads through `transport`. */
export function countFor(client: object, transport: CountingTransport): void {
  counters.set(client, transport.counter);
}

/** Bytes received so far by `client` (a client made by `connect`); 0 for one made otherwise. */
export function receivedBytes(client: object): number {
  return counters.get(client)?.bytes ?? 0;
}
