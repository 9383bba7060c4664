import { connect } from 'node:net';
import { type ConnectContext, raceConnect } from './connect-attempt.js';
import { SocketReader } from './socket-reader.js';
import { awaitStreamSocket } from './stream-connect.js';
import type { Transport } from './transport.js';
import { ConnectError } from './transport-errors.js';

/** Connects a `unix:` remote (a relative path resolves against the process's working directory). */
export function connectUnix(path: string, context: ConnectContext): Promise<Transport> {
  return raceConnect(context, () => {
    const reader = new SocketReader();
    const socket = connect({ path, onread: reader.onread });
    return awaitStreamSocket(
      context.remote,
      socket,
      'connect',
      (error) => new ConnectError(context.remote, error),
      reader,
    );
  });
}
