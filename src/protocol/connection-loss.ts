/**
 * The failures that mean "the connection is gone" rather than an answer: the connection closed,
 * or the peer went silent. The reading layer (src/rpc) raises them; the replica and the session
 * tell them from other errors (to suspend and resume, or to fail over) without knowing that
 * layer, which is why they live here, below both.
 */
import { OvndbError } from '../errors.js';

/**
 * The oldest request still unanswered when the peer closed the connection. ovsdb-server reads
 * requests in order and closes the connection, without a reply, on one it cannot parse; the
 * requests before it are answered first, so this is the one it refused, unless the close had
 * another cause.
 */
export interface UnansweredRequest {
  readonly id: number;
  readonly method: string;
  /** How many requests were unanswered in all. */
  readonly unanswered: number;
  /** The start of the request as written (up to 300 characters). */
  readonly excerpt: string;
}

/**
 * The connection is closed (or closed while the request waited); `cause` says why, when known.
 * When the peer closed it with requests in flight, `oldestUnanswered` names the oldest.
 */
export class ConnectionClosedError extends OvndbError {
  readonly oldestUnanswered: UnansweredRequest | undefined;

  constructor(message = 'connection closed', cause?: unknown, oldestUnanswered?: UnansweredRequest) {
    super('OVNDB_CONNECTION_CLOSED', message, {
      cause,
      ...(oldestUnanswered === undefined ? {} : { details: { oldestUnanswered } }),
    });
    this.oldestUnanswered = oldestUnanswered;
  }
}

/**
 * Nothing arrived from the server for two probe intervals, an `echo` included: the peer is gone
 * or stalled, and the connection was closed.
 */
export class InactivityTimeoutError extends OvndbError {
  constructor(readonly silentMs: number) {
    super('OVNDB_INACTIVITY_TIMEOUT', `no data from the server for ${silentMs} ms, an echo included`, {
      details: { silentMs },
    });
  }
}

/** True for a closed connection and for a silent peer the inactivity probe gave up on. */
export function isConnectionLoss(error: unknown): boolean {
  return error instanceof ConnectionClosedError || error instanceof InactivityTimeoutError;
}
