/** The rpc layer: JSON framing and the OVSDB JSON-RPC 1.0 connection. */
export type { JsonRpcId } from './codec.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_IN_FLIGHT,
  type RequestOptions,
  RpcConnection,
  type RpcConnectionEvents,
  type RpcConnectionOptions,
  type StartedRequest,
} from './connection.js';
export { JsonFrameSplitter, type JsonFrameSplitterOptions } from './frame-splitter.js';
export { type Logger, silentLogger } from './logger.js';
export {
  DEFAULT_PAUSED_ECHO_INTERVAL_MS,
  DEFAULT_TRICKLE_INTERVAL_MS,
  type ReadPauseIntervals,
} from './read-pause.js';
export {
  DEFAULT_FRAME_WINDOW_MS,
  DEFAULT_MIN_FRAME_BYTES,
  DEFAULT_REPLY_TIMEOUT_MS,
} from './reply-deadlines.js';
export {
  BadFrameError,
  ConnectionClosedError,
  FrameTooCostlyError,
  FrameTooLargeError,
  InactivityTimeoutError,
  ReplyShapeError,
  RequestAbortedError,
  RequestTimeoutError,
  RpcProtocolError,
  RpcRemoteError,
  SlowFrameError,
  type UnansweredRequest,
} from './rpc-errors.js';
