/** The options, per-request options, results and events of an {@link RpcConnection}. */
import type { JsonRpcId } from './codec.js';
import type { Logger } from './logger.js';
import type { ResponseShaping } from './pending-request.js';

/** Default {@link RpcConnectionOptions.maxFrameBytes}: 256 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** Default {@link RpcConnectionOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 1024;

/** Options of {@link RpcConnection}. */
export interface RpcConnectionOptions {
  /**
   * Largest incoming JSON frame accepted; a larger one closes the connection with
   * FrameTooLargeError. Initial monitor replies of big OVN databases run to tens of MB
   * (100k static routes are ~20 MB), so the default leaves ample room while still bounding
   * memory against a broken peer.
   * @default 268435456 (256 MiB)
   */
  maxFrameBytes?: number;
  /**
   * Largest estimated memory a frame's parse may take, as a multiple of the frame's size; a
   * frame over it (or over what the heap has left) closes the connection with
   * FrameTooCostlyError before it is parsed. Real OVSDB replies cost 5 to 15 times their size;
   * a frame of nothing but empty arrays, about 30. Frames under 64 KiB are never refused for
   * it. 0: no limit.
   * @default 32
   */
  maxParseCostFactor?: number;
  /**
   * Most requests written and unanswered at once. Further requests wait, unwritten, in a
   * local queue until replies come back.
   * @default 1024
   */
  maxInFlight?: number;
  /** Wire trace: called with every frame received and every frame written. */
  trace?: (direction: 'in' | 'out', frame: string) => void;
  /** Where the connection reports protocol faults and handler failures. @default silent */
  logger?: Logger;
  /**
   * While reading is paused, read one chunk every this many ms so the server's inactivity
   * probe sees its backlog shrink. 0 disables it. See {@link RpcConnection.pauseReading}.
   * @default 1000
   */
  trickleIntervalMs?: number;
  /**
   * After this many ms without data from the server, send an `echo`; after as many more, close
   * the connection with InactivityTimeoutError. 0 disables the probe.
   * @default 0
   */
  probeIntervalMs?: number;
  /**
   * While reading is paused, send an `echo` request every this many ms. 0 disables it.
   * @default 2000
   */
  pausedEchoIntervalMs?: number;
  /**
   * How long a request without a `timeoutMs` of its own waits for its reply before failing
   * with RequestTimeoutError; time in which a frame is arriving (it may be the reply) or
   * reading is paused does not count. 0: forever.
   * @default 0 (a client made by `connect` passes its `requestTimeoutMs`, 60 s by default)
   */
  replyTimeoutMs?: number;
  /**
   * A frame that is arriving must grow by `minFrameBytes` in every window of this many ms, or
   * the connection fails with SlowFrameError. 0 disables the rule.
   * @default 10000
   */
  frameWindowMs?: number;
  /** See {@link frameWindowMs}. @default 16384 */
  minFrameBytes?: number;
}

/** Per-request options. */
export interface RequestOptions extends ResponseShaping {
  /**
   * Reject with RequestTimeoutError if no reply arrives within this many ms; 0: no deadline at
   * all. @default the connection's `replyTimeoutMs`
   */
  timeoutMs?: number;
  /** Reject with RequestAbortedError when this signal aborts. */
  signal?: AbortSignal;
}

/** A request as returned by {@link RpcConnection.start}. */
export interface StartedRequest {
  /** The JSON-RPC id (what OVSDB `cancel` needs). */
  readonly id: JsonRpcId;
  /** Resolves with `result`; rejects RpcRemoteError, RequestTimeoutError, RequestAbortedError or ConnectionClosedError. */
  readonly response: Promise<unknown>;
  /** Whether the request has been handed to the transport (false while queued or if it never was). */
  readonly written: boolean;
}

/** Events of {@link RpcConnection}. There is never an 'error' event: faults close the connection. */
export interface RpcConnectionEvents {
  /** The connection closed; `error` says why when it was not a plain close. Emitted once. */
  close: (error?: Error) => void;
  /** A notification from the server (`update`, `update2`, `update3`, `locked`, `stolen`, ...). */
  notification: (method: string, params: unknown[]) => void;
}
