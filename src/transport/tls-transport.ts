import { type ConnectionOptions, connect } from 'node:tls';
import { type ConnectContext, raceConnect } from './connect-attempt.js';
import { awaitStreamSocket } from './stream-connect.js';
import type { Transport } from './transport.js';
import { ConnectError, TlsError } from './transport-errors.js';

/**
 * Connects an `ssl:` remote. `tlsOptions` come from resolveTlsOptions, freshly read for
 * this connect. Failures before the TCP connection exists are ConnectErrors; failures
 * after it (handshake, certificate checks) are TlsErrors.
 */
export function connectTls(
  host: string,
  port: number,
  tlsOptions: ConnectionOptions,
  context: ConnectContext,
): Promise<Transport> {
  return raceConnect(context, () => {
    const socket = connect({ ...tlsOptions, host, port });
    socket.setNoDelay(true);
    let tcpConnected = false;
    socket.once('connect', () => {
      tcpConnected = true;
    });
    return awaitStreamSocket(context.remote, socket, 'secureConnect', (error) =>
      tcpConnected ? new TlsError(context.remote, error) : new ConnectError(context.remote, error),
    );
  });
}
