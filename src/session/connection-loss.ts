/** Which failures mean "the connection is gone" (the session then fails over) rather than a reply. */
export { isConnectionLoss } from '../protocol/connection-loss.js';
