import { createServer } from 'node:net';
import { ServerStartError } from './testing-errors.js';

/**
 * Asks the kernel for an unused port on `host` (a loopback address). Only for programs that cannot bind port 0
 * and report back (raft addresses, websockify); another process could take the port before
 * it is used, which is rare enough for tests.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when `port` can be bound on `host` now. */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** One port free on every host at once (for servers that share a port on several addresses). */
export async function freePortOnAll(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort(hosts[0]);
    const free = await Promise.all(hosts.slice(1).map((host) => portIsFree(port, host)));
    if (free.every(Boolean)) return port;
  }
  throw new ServerStartError(`no port is free on all of ${hosts.join(', ')}`, '');
}
