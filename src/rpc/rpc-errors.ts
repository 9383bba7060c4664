/**
 * Errors of the framing and JSON-RPC layer. Each has a stable `code`; messages are for people.
 */
import { OvndbError } from '../errors.js';

/** The byte stream is not a sequence of JSON objects/arrays (garbage, invalid UTF-8, bad JSON). */
export class BadFrameError extends OvndbError {
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super('OVNDB_BAD_FRAME', message, options);
  }
}

/** One JSON value on the stream grew past the configured `maxFrameBytes`. */
export class FrameTooLargeError extends OvndbError {
  /** The configured limit, in bytes. */
  readonly maxFrameBytes: number;
  /** How many bytes of the frame had arrived when the limit was crossed. */
  readonly receivedBytes: number;

  constructor(maxFrameBytes: number, receivedBytes: number) {
    super(
      'OVNDB_FRAME_TOO_LARGE',
      `incoming JSON frame exceeds maxFrameBytes (${maxFrameBytes} bytes); ${receivedBytes} bytes received so far`,
      { details: { maxFrameBytes, receivedBytes } },
    );
    this.maxFrameBytes = maxFrameBytes;
    this.receivedBytes = receivedBytes;
  }
}

/**
 * A frame under `maxFrameBytes` whose parsed form would need more memory than the allowed
 * multiple of its size (a reply of millions of empty arrays), or than the JavaScript heap has
 * left. Refused before parsing, so that no frame can exhaust the heap; the connection is closed.
 */
export class FrameTooCostlyError extends OvndbError {
  constructor(
    /** The frame's size, in bytes. */
    readonly frameBytes: number,
    /** The estimated memory its parse would take, in bytes. */
    readonly estimatedBytes: number,
    /** The allowed multiple of its size (`maxParseCostFactor`). */
    readonly maxFactor: number,
    /** Objects and arrays in it. */
    readonly containers: number,
    /** What the JavaScript heap could still grow by when it arrived. */
    readonly heapHeadroomBytes: number,
  ) {
    const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;
    const over =
      estimatedBytes > maxFactor * frameBytes
        ? `over ${maxFactor} times its size`
        : `more than the heap has left (${mib(heapHeadroomBytes)})`;
    super(
      'OVNDB_FRAME_TOO_COSTLY',
      `incoming JSON frame of ${frameBytes} bytes (${containers} objects and arrays) would take about ` +
        `${mib(estimatedBytes)} to parse, ${over}`,
      { details: { frameBytes, estimatedBytes, maxFactor, containers, heapHeadroomBytes } },
    );
  }
}

/**
 * The peer broke the JSON-RPC 1.0 conversation: a reply to an id we never sent, a message
 * that is neither request, reply nor notification, or a request for a method we do not serve.
 * `details` holds the offending message.
 */
export class RpcProtocolError extends OvndbError {
  constructor(message: string, details?: unknown, code = 'OVNDB_RPC_PROTOCOL') {
    super(code, message, { details });
  }
}

/**
 * A reply whose `result` does not have the shape RFC 7047 and ovsdb-server(7) give for its
 * method (a transact answered with `{}`, list_dbs with an object). The request fails with it
 * and the connection is closed as broken. `details` holds the reply.
 */
export class ReplyShapeError extends RpcProtocolError {
  constructor(
    /** The method of the request the reply answered. */
    readonly method: string,
    /** What is wrong with it. */
    readonly reason: string,
    reply: unknown,
  ) {
    super(`the reply to ${method} has the wrong shape: ${reason}`, reply, 'OVNDB_BAD_REPLY');
  }
}

/** The server answered a request with a non-null `error` member. */
export class RpcRemoteError extends OvndbError {
  /** The error string, e.g. `"unknown database"` (the `error` member when the value is an object). */
  readonly error: string;
  /** The method of the request that failed. */
  readonly method: string;

  /** `value` is the reply's `error` member verbatim; it is also kept in {@link OvndbError.details}. */
  constructor(method: string, value: unknown) {
    const error = remoteErrorString(value);
    const extra =
      value !== null && typeof value === 'object' && 'details' in value
        ? `: ${String((value as { details: unknown }).details)}`
        : '';
    super('OVNDB_RPC_ERROR', `${method} failed: ${error}${extra}`, { details: value });
    this.error = error;
    this.method = method;
  }
}

function remoteErrorString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { error?: unknown }).error === 'string'
  ) {
    return (value as { error: string }).error;
  }
  return JSON.stringify(value);
}

// Defined below every layer, so that the replica and the session tell a lost connection
// without importing this one.
export {
  ConnectionClosedError,
  InactivityTimeoutError,
  type UnansweredRequest,
} from '../protocol/connection-loss.js';

/** No reply arrived within the request's `timeoutMs`. Whether the server applied it is unknown. */
export class RequestTimeoutError extends OvndbError {
  /** The method of the request that timed out. */
  readonly method: string;
  /** The timeout that expired. */
  readonly timeoutMs: number;

  constructor(method: string, timeoutMs: number) {
    super('OVNDB_TIMEOUT', `${method} got no reply within ${timeoutMs} ms`);
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A frame kept arriving too slowly: in one window it grew by fewer bytes than the minimum (a
 * peer trickling a byte a second keeps the inactivity probe content and would hold every
 * request forever). The connection was closed.
 */
export class SlowFrameError extends OvndbError {
  constructor(
    /** Bytes received in the window. */
    readonly grownBytes: number,
    /** The window, in ms. */
    readonly windowMs: number,
    /** The least a window must bring. */
    readonly minBytes: number,
    /** Bytes of the frame received so far. */
    readonly frameBytes: number,
  ) {
    super(
      'OVNDB_SLOW_FRAME',
      `a frame arriving from the server grew by ${grownBytes} bytes in ${windowMs} ms (${frameBytes} bytes so far), ` +
        `below the minimum of ${minBytes} bytes per window`,
      { details: { grownBytes, windowMs, minBytes, frameBytes } },
    );
  }
}

/** The caller's AbortSignal fired before the reply arrived; `cause` is the signal's reason. */
export class RequestAbortedError extends OvndbError {
  /** The method of the aborted request. */
  readonly method: string;

  constructor(method: string, reason?: unknown) {
    super('OVNDB_ABORTED', `${method} was aborted`, { cause: reason });
    this.method = method;
  }
}
