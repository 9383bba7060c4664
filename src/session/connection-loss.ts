/** Which failures mean "the connection is gone" (the session then fails over) rather than a reply. */
import { ConnectionClosedError, InactivityTimeoutError } from '../rpc/rpc-errors.js';

/** True for a closed connection and for a silent peer the inactivity probe gave up on. */
export function isConnectionLoss(error: unknown): boolean {
  return error instanceof ConnectionClosedError || error instanceof InactivityTimeoutError;
}
