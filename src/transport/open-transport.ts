import type { ConnectContext } from './connect-attempt.js';
import { formatRemote, parseRemote, type Remote } from './remote.js';
import { connectTcp } from './tcp-transport.js';
import { resolveTlsOptions, type TlsOptionsSource } from './tls-options.js';
import { connectTls } from './tls-transport.js';
import type { Transport } from './transport.js';
import { connectUnix } from './unix-transport.js';
import type { WebSocketOptions } from './ws-options.js';
import { connectWebSocket } from './ws-transport.js';

export type { TlsOptions, TlsOptionsSource } from './tls-options.js';
export type { WebSocketOptions } from './ws-options.js';

/** How to open a connection. */
export interface TransportOptions {
  /**
   * Give up connecting (tcp connect, TLS handshake and websocket upgrade together) after
   * this long, with a ConnectTimeoutError.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /** Certificates for `ssl:` and `wss:` remotes, or a function called at every connect. */
  tls?: TlsOptionsSource;
  /** Aborting it stops the connect attempt with a ConnectAbortedError. */
  signal?: AbortSignal;
  /** Websocket settings for `ws:`/`wss:` remotes. */
  ws?: WebSocketOptions;
}

/** The default of {@link TransportOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens a byte stream to one OVSDB remote. Rejects with InvalidRemoteError, ConnectError,
 * ConnectTimeoutError, ConnectAbortedError, TlsError or MissingTlsConfigError.
 */
export async function openTransport(
  remote: Remote | string,
  options: TransportOptions = {},
): Promise<Transport> {
  const parsed = typeof remote === 'string' ? parseRemote(remote) : remote;
  const context: ConnectContext = {
    remote: formatRemote(parsed),
    timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: options.signal,
  };
  switch (parsed.kind) {
    case 'tcp':
      return connectTcp(parsed.host, parsed.port, context);
    case 'unix':
      return connectUnix(parsed.path, context);
    case 'ssl': {
      const tls = await resolveTlsOptions(context.remote, parsed.host, options.tls);
      return connectTls(parsed.host, parsed.port, tls, context);
    }
    case 'ws':
      return connectWebSocket(parsed.url, options.ws, undefined, context);
    case 'wss': {
      const host = new URL(parsed.url).hostname.replace(/^\[|\]$/g, '');
      const tls = await resolveTlsOptions(context.remote, host, options.tls);
      return connectWebSocket(parsed.url, options.ws, tls, context);
    }
  }
}
