/** Every option of {@link connect}, with its default in one place. */
import type { Logger } from '../rpc/logger.js';
import type { TransportOptions } from '../transport/index.js';
import type { OvndbMetrics } from './metrics.js';

/** Options of {@link connect}. */
export interface ClientOptions {
  /**
   * Milliseconds to wait for a connection to one remote before giving up on it.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a request may wait for its reply, unless the call sets its own `timeoutMs`;
   * then it fails with RequestTimeoutError (whether a transaction committed is then unknown).
   * Time in which a frame is arriving does not count, so a big initial dump is bounded by its
   * progress rather than by this; a `transact` whose `wait` operation has a longer timeout
   * gets that much more, and one whose `wait` has none waits as long as it asks. 0 means no
   * limit. See docs/limits.md.
   * @default 60000
   */
  requestTimeoutMs?: number;
  /**
   * Check operations against the server's schema before sending (fetching the schema once per
   * database on first use), so that bad input fails with a typed error and nothing is written.
   * @default true
   */
  validate?: boolean;
  /**
   * Largest JSON message accepted from the server, in bytes. A larger one closes the connection
   * with a typed error rather than growing memory without bound.
   * @default 268435456 (256 MiB)
   */
  maxFrameBytes?: number;
  /**
   * Largest estimated memory the parse of one message may take, as a multiple of its size: a
   * message over it closes the connection with FrameTooCostlyError instead of exhausting the
   * heap. With `maxFrameBytes`, this bounds what one message can cost (docs/limits.md).
   * 0: no limit.
   * @default 32
   */
  maxParseCostFactor?: number;
  /**
   * Requests written and not yet answered at most; further requests wait, unwritten, in order.
   * @default 1024
   */
  maxInFlight?: number;
  /**
   * While reading is paused ({@link OvsdbClient.pauseReading}), read one chunk from the server
   * every this many ms, so that its output backlog toward us shrinks (which it counts as
   * activity) and its own `echo` inactivity probe (sent after 5 s idle by default; the session
   * is dropped 5 s later) is eventually read and answered. Frames in the chunk are delivered as
   * usual. 0 disables it.
   * @default 1000
   */
  pausedTrickleIntervalMs?: number;
  /**
   * While reading is paused, send an `echo` request every this many ms; the server reads it
   * (and counts activity) whenever its backlog toward us is empty. 0 disables it.
   * @default 2000
   */
  pausedEchoIntervalMs?: number;
  /**
   * Inactivity probe: after this many ms without data from the server, send an `echo`; after
   * as many more, close the connection with InactivityTimeoutError (a dead peer or a stalled
   * one then fails every pending call instead of hanging it). 0 disables it. While reading is
   * paused on purpose the probe waits.
   * @default 5000 for tcp, ssl and ws remotes; 0 for unix sockets (as Open vSwitch does)
   */
  probeIntervalMs?: number;
  /**
   * A frame that is arriving must grow by `minFrameBytes` in every window of this many ms, or
   * the connection fails with SlowFrameError (a peer that trickles a byte a second would
   * otherwise hold every call forever while keeping the inactivity probe content). 0 disables
   * the rule.
   * @default 10000
   */
  frameWindowMs?: number;
  /** See {@link frameWindowMs}. @default 16384 */
  minFrameBytes?: number;
  /** TLS material for `ssl:` and `wss:` remotes. */
  tls?: TransportOptions['tls'];
  /** Extra options for `ws:`/`wss:` remotes. */
  ws?: TransportOptions['ws'];
  /** Receives the client's log lines. @default no logging */
  logger?: Logger;
  /**
   * Metrics hooks (transactions, update notifications and, in a session, reconnects), to wire
   * to prom-client or any other metrics library; see docs/metrics.md. @default none
   */
  metrics?: OvndbMetrics;
  /** Called with every JSON frame in and out, for debugging. @default none */
  trace?: (direction: 'in' | 'out', frame: string) => void;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** {@link ClientOptions} with every default filled in. */
export type ResolvedClientOptions = Required<
  Pick<
    ClientOptions,
    | 'connectTimeoutMs'
    | 'requestTimeoutMs'
    | 'validate'
    | 'maxFrameBytes'
    | 'maxInFlight'
    | 'pausedTrickleIntervalMs'
    | 'pausedEchoIntervalMs'
  >
> &
  ClientOptions;

/** The defaults of {@link ClientOptions}. */
export const defaultClientOptions = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  validate: true,
  maxFrameBytes: 256 * 1024 * 1024,
  maxInFlight: 1024,
  pausedTrickleIntervalMs: 1000,
  pausedEchoIntervalMs: 2000,
  /** {@link ClientOptions.probeIntervalMs} for network remotes; unix sockets get 0. */
  probeIntervalMs: 5000,
} as const;

/** Fills in the defaults. */
export function resolveClientOptions(options: ClientOptions = {}): ResolvedClientOptions {
  // An option passed as `undefined` takes its default, as if it had been left out.
  return {
    ...options,
    connectTimeoutMs: options.connectTimeoutMs ?? defaultClientOptions.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? defaultClientOptions.requestTimeoutMs,
    validate: options.validate ?? defaultClientOptions.validate,
    maxFrameBytes: options.maxFrameBytes ?? defaultClientOptions.maxFrameBytes,
    maxInFlight: options.maxInFlight ?? defaultClientOptions.maxInFlight,
    pausedTrickleIntervalMs: options.pausedTrickleIntervalMs ?? defaultClientOptions.pausedTrickleIntervalMs,
    pausedEchoIntervalMs: options.pausedEchoIntervalMs ?? defaultClientOptions.pausedEchoIntervalMs,
  };
}

/** Options every request method accepts. */
export interface CallOptions {
  /**
   * Milliseconds to wait for the reply; overrides {@link ClientOptions.requestTimeoutMs}. 0: no
   * limit. While the connection is not reading on purpose (flow control, a replica applying a
   * big update), a deadline that passes is put off by as much again: the reply may be there,
   * unread (docs/limits.md).
   */
  timeoutMs?: number;
  /**
   * Aborts the call: the promise rejects at once and a late reply is ignored; unless the reply
   * has been read already and waits behind a big update being applied, which it then settles.
   */
  signal?: AbortSignal;
}
