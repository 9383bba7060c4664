import type { ConnectionOptions } from 'node:tls';
import WebSocket from 'ws';
import { type ConnectContext, type PendingConnect, raceConnect } from './connect-attempt.js';
import type { Transport, TransportHandlers } from './transport.js';
import { ConnectError, TlsError, TransportError } from './transport-errors.js';
import type { WebSocketOptions } from './ws-options.js';

export type { WebSocketOptions } from './ws-options.js';

/** Above this many unsent bytes `write` reports backpressure, like a socket's highWaterMark. */
export const WS_HIGH_WATER_MARK = 64 * 1024;

/**
 * A {@link Transport} over a websocket. ovsdb-server does not speak websocket itself; it is
 * reached through a bridge such as websockify, which relays tcp bytes as binary frames
 * whose boundaries have nothing to do with JSON messages. So frames are treated as a byte
 * stream both ways, and everything is sent as binary frames.
 */
export class WebSocketTransport implements Transport {
  readonly remote: string;
  readonly #ws: WebSocket;
  #handlers: TransportHandlers | undefined;
  #held: Buffer[] = [];
  #failure: Error | undefined;
  #closing = false;
  #closed = false;
  #closedEarly = false;
  #needDrain = false;
  /** Reading paused by the owner; `setHandlers` must not undo it. */
  #paused = false;
  /** Inside {@link WebSocketTransport.#flow}. */
  #flowing = false;

  constructor(remote: string, ws: WebSocket) {
    this.remote = remote;
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      // ws may still parse frames it already buffered after pause(); hold them until resume.
      if (this.#handlers === undefined || this.#paused) this.#held.push(data);
      else this.#handlers.data(data);
    });
    ws.on('error', (error) => {
      this.#failure ??= new TransportError(remote, error);
    });
    ws.on('close', () => this.#finish());
    // Stop reading from the network until someone listens; `#held` catches frames already parsed.
    ws.pause();
  }

  setHandlers(handlers: TransportHandlers): void {
    this.#handlers = handlers;
    if (!this.#paused) this.#flow();
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    // Pauses the underlying socket: the kernel window closes once its buffers fill.
    this.#ws.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#handlers !== undefined) this.#flow();
  }

  write(data: string | Buffer): boolean {
    if (this.#closing || this.#closed) return false;
    this.#ws.send(data, { binary: true }, () => this.#afterSend());
    if (this.#ws.bufferedAmount > WS_HIGH_WATER_MARK) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#ws.close(1000);
  }

  destroy(error?: Error): void {
    if (this.#closed) return;
    this.#closing = true;
    if (error !== undefined) this.#failure ??= error;
    this.#ws.terminate();
  }

  /** Runs when a frame has been handed to the socket; the last one brings the buffer down. */
  #afterSend(): void {
    if (!this.#needDrain || this.#closed) return;
    if (this.#ws.bufferedAmount > WS_HIGH_WATER_MARK) return;
    this.#needDrain = false;
    this.#handlers?.drain();
  }

  /**
   * Hands held frames to the handlers in order, then a close that waited behind them, then
   * reads from the network again. Stops wherever a handler pauses (a trickle read wants
   * exactly one chunk); the rest stays held.
   */
  #flow(): void {
    // A handler may pause and resume again from inside `data`; the outer call carries on.
    if (this.#flowing) return;
    this.#flowing = true;
    const handlers = this.#handlers!;
    let next = 0;
    while (next < this.#held.length && !this.#paused) handlers.data(this.#held[next++]!);
    this.#held = next === this.#held.length ? [] : this.#held.slice(next);
    this.#flowing = false;
    if (this.#paused) return;
    if (this.#closedEarly) {
      this.#closedEarly = false;
      handlers.close(this.#failure);
      return;
    }
    if (!this.#closed) this.#ws.resume();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Held frames come before the close; while paused the close waits for resume.
    if (this.#handlers === undefined || this.#paused) this.#closedEarly = true;
    else this.#handlers.close(this.#failure);
  }
}

/** Connects a `ws:` or `wss:` remote; `tlsOptions` is set for wss. */
export function connectWebSocket(
  url: string,
  options: WebSocketOptions | undefined,
  tlsOptions: ConnectionOptions | undefined,
  context: ConnectContext,
): Promise<Transport> {
  return raceConnect(context, () => {
    const ws = new WebSocket(url, options?.protocols ?? [], {
      ...(tlsOptions ?? {}),
      headers: options?.headers,
      perMessageDeflate: false,
    });
    ws.binaryType = 'nodebuffer';
    return awaitOpen(context.remote, ws, tlsOptions !== undefined);
  });
}

function awaitOpen(remote: string, ws: WebSocket, secure: boolean): PendingConnect<Transport> {
  let upgradeStarted = false;
  const promise = new Promise<Transport>((resolve, reject) => {
    const fail = (error: Error): void => {
      cleanup();
      ws.on('error', () => {});
      ws.terminate();
      reject(error);
    };
    const onError = (error: Error): void => {
      const code = (error as NodeJS.ErrnoException).code;
      const beforeTcp = code !== undefined && /^E[A-Z]+$/.test(code) && !upgradeStarted;
      fail(secure && !beforeTcp ? new TlsError(remote, error) : new ConnectError(remote, error));
    };
    const onUnexpected = (_request: unknown, response: { statusCode?: number }): void => {
      fail(
        new ConnectError(
          remote,
          new Error(`HTTP ${response.statusCode}`),
          `websocket upgrade to ${remote} refused: HTTP ${response.statusCode}`,
        ),
      );
    };
    const onUpgrade = (): void => {
      upgradeStarted = true;
    };
    const onOpen = (): void => {
      cleanup();
      resolve(new WebSocketTransport(remote, ws));
    };
    const cleanup = (): void => {
      ws.off('error', onError);
      ws.off('unexpected-response', onUnexpected);
      ws.off('upgrade', onUpgrade);
      ws.off('open', onOpen);
    };
    ws.on('error', onError);
    ws.on('unexpected-response', onUnexpected);
    ws.on('upgrade', onUpgrade);
    ws.on('open', onOpen);
  });
  return {
    promise,
    cancel: () => {
      ws.on('error', () => {});
      ws.terminate();
    },
  };
}
