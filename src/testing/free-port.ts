import { createServer } from 'node:net';

/**
 * Asks the kernel for an unused 127.0.0.1 port. Only for programs that cannot bind port 0
 * and report back (raft addresses, websockify); another process could take the port before
 * it is used, which is rare enough for tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
