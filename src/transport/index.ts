/** The transport layer: remote parsing and one byte-stream interface for tcp, ssl, unix, ws and wss. */
export * from './open-transport.js';
export * from './remote.js';
export { SocketTransport } from './socket-transport.js';
export * from './tcp-transport.js';
export * from './tls-options.js';
export * from './tls-transport.js';
export type { Transport, TransportHandlers } from './transport.js';
export * from './transport-errors.js';
export * from './unix-transport.js';
// The websocket transport itself stays internal: its declarations would name `ws`'s types.
export type { WebSocketOptions } from './ws-options.js';
