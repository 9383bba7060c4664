/** A plain socket to an OVSDB remote (`unix:PATH` or `tcp:HOST:PORT`), for the raw clients. */
import net from 'node:net';

/** Connects with Nagle off; rejects on the first socket error. */
export function openSocket(remote: string): Promise<net.Socket> {
  const [kind, ...rest] = remote.split(':');
  const options = kind === 'unix' ? { path: rest.join(':') } : { host: rest[0]!, port: Number(rest[1]) };
  return new Promise((resolve, reject) => {
    const socket = net.connect(options, () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
