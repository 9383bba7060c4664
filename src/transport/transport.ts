/**
 * One byte-stream interface for every kind of remote. The rpc layer above frames JSON on
 * it and never knows whether the bytes travel over tcp, tls, a unix socket or a websocket.
 */

/** What a transport tells the single consumer that owns it. */
export interface TransportHandlers {
  /** Bytes arrived. Chunk boundaries are arbitrary (they may split a UTF-8 character). */
  data(chunk: Buffer): void;
  /** The transport can take more writes after {@link Transport.write} returned false. */
  drain(): void;
  /** The transport closed; `error` is set when it closed because of a failure. Called once. */
  close(error?: Error): void;
}

/** An open, bidirectional byte stream to one OVSDB server. */
export interface Transport {
  /** The remote this transport is connected to, in OVS notation (`tcp:127.0.0.1:6641`). */
  readonly remote: string;
  /** Installs the consumer. Data that arrives before this call is held, not lost. */
  setHandlers(handlers: TransportHandlers): void;
  /**
   * Queues bytes for sending. Returns false when the kernel buffer is full: the caller
   * should stop writing until `drain`. Bytes are never dropped either way.
   */
  write(data: string | Buffer): boolean;
  /**
   * Stops delivering `data` and, once local buffers fill, stops reading from the network, so
   * the kernel's receive window closes and the server sees backpressure. Idempotent. Bytes
   * already received are held, never dropped; the close of the peer may go unnoticed until
   * reading resumes.
   */
  pause(): void;
  /** Delivers `data` again after {@link Transport.pause}. Idempotent. */
  resume(): void;
  /** Closes gracefully after queued bytes are flushed. */
  close(): void;
  /** Closes at once; `error` is reported to `close` handlers. */
  destroy(error?: Error): void;
}
