/**
 * The failures that mean "the connection is gone" rather than an answer: the connection closed,
 * or the peer went silent. The reading layer (src/rpc) raises them; the replica and the session
 * tell them from other errors (to suspend and resume, or to fail over) without knowing that
 * layer, which is why they live here, below both.
 */
import { OvndbError } from '../errors.js';

/** The connection is closed (or closed while the request waited); `cause` says why, when known. */
export class ConnectionClosedError extends OvndbError {
  constructor(message = 'connection closed', cause?: unknown) {
    super('OVNDB_CONNECTION_CLOSED', message, { cause });
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
