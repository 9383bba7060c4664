import type { Socket } from 'node:net';
import type { PendingConnect } from './connect-attempt.js';
import type { SocketReader } from './socket-reader.js';
import { SocketTransport } from './socket-transport.js';
import type { Transport } from './transport.js';

/**
 * Waits for a freshly created stream socket to become ready (`readyEvent`: 'connect' or
 * 'secureConnect') and wraps it in a {@link SocketTransport}. `classify` turns a failure
 * before that point into the right typed error. `reader`: the one the socket was made with.
 */
export function awaitStreamSocket(
  remote: string,
  socket: Socket,
  readyEvent: 'connect' | 'secureConnect',
  classify: (error: Error) => Error,
  reader?: SocketReader,
): PendingConnect<Transport> {
  const promise = new Promise<Transport>((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off(readyEvent, onReady);
      socket.destroy();
      reject(classify(error));
    };
    const onReady = (): void => {
      socket.off('error', onError);
      resolve(new SocketTransport(remote, socket, reader));
    };
    socket.once('error', onError);
    socket.once(readyEvent, onReady);
  });
  return {
    promise,
    cancel: () => {
      // Keep an 'error' listener: a destroyed socket must never raise an unhandled 'error'.
      socket.on('error', () => {});
      socket.destroy();
    },
  };
}
