/** Which exit code an error maps to, and how it is printed. */
import { NoRemoteReachableError } from '../client/connect.js';
import { OvndbError } from '../errors.js';
import { ConnectionClosedError, InactivityTimeoutError } from '../rpc/rpc-errors.js';
import {
  FailoverBudgetExceededError,
  SessionWaitTimeoutError,
  WaitAbortedError,
} from '../session/session-errors.js';
import {
  ConnectAbortedError,
  ConnectError,
  ConnectTimeoutError,
  MissingTlsConfigError,
  TlsError,
  TransportError,
} from '../transport/transport-errors.js';
import { CliUsageError, CommandTimeoutError, EXIT } from './cli-errors.js';

const UNREACHABLE = [
  NoRemoteReachableError,
  FailoverBudgetExceededError,
  ConnectError,
  ConnectTimeoutError,
  ConnectAbortedError,
  TlsError,
  TransportError,
  ConnectionClosedError,
  InactivityTimeoutError,
];

/** The exit code for `error` (see {@link EXIT}). */
export function exitCodeOf(error: unknown): number {
  // An ssl: remote without -C is a command line that lacks an option.
  if (error instanceof CliUsageError || error instanceof MissingTlsConfigError) return EXIT.usage;
  if (error instanceof CommandTimeoutError) return error.unreachable ? EXIT.unreachable : EXIT.failed;
  // A session that gave up before any member was in use (its own open timeout) found no server.
  if (
    (error instanceof SessionWaitTimeoutError || error instanceof WaitAbortedError) &&
    (error.phase === 'connecting' || error.phase === 'reconnecting')
  ) {
    return EXIT.unreachable;
  }
  if (UNREACHABLE.some((kind) => error instanceof kind)) return EXIT.unreachable;
  return EXIT.failed;
}

/** One line for people: the message, and the stable code of an ovndb error. */
export function describeError(error: unknown): string {
  if (error instanceof OvndbError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}
