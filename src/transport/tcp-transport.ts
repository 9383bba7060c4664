import { connect } from 'node:net';
import { type ConnectContext, raceConnect } from './connect-attempt.js';
import { SocketReader } from './socket-reader.js';
import { awaitStreamSocket } from './stream-connect.js';
import type { Transport } from './transport.js';
import { ConnectError } from './transport-errors.js';

/** Connects a plain `tcp:` remote. Nagle is off: OVSDB messages are small and latency-bound. */
export function connectTcp(host: string, port: number, context: ConnectContext): Promise<Transport> {
  return raceConnect(context, () => {
    const reader = new SocketReader();
    const socket = connect({ host, port, noDelay: true, onread: reader.onread });
    socket.setNoDelay(true);
    return awaitStreamSocket(
      context.remote,
      socket,
      'connect',
      (error) => new ConnectError(context.remote, error),
      reader,
    );
  });
}
