/**
 * Options of `ws:`/`wss:` remotes, apart from the transport itself so that the public
 * declarations do not name the `ws` package's types (whose declarations are a dev dependency).
 */

/** Websocket options for `ws:`/`wss:` remotes. */
export interface WebSocketOptions {
  /** Extra HTTP headers for the upgrade request (e.g. authorization for a proxy). */
  headers?: Record<string, string>;
  /**
   * Subprotocols to offer. Default: none. websockify 0.10 accepts none or `binary`
   * and relays frames as raw bytes either way.
   */
  protocols?: string[];
}
