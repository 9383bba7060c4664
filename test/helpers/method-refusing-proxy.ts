/**
 * A unix-socket proxy in front of a real ovsdb-server that answers chosen methods with
 * "unknown method", as an older server would. Everything else passes through untouched,
 * so the server behind stays the judge of every other request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';

/** A running proxy: connect to `remote`; `close()` stops it and its connections. */
export interface MethodRefusingProxy {
  readonly remote: string;
  /** Methods refused so far, in order. */
  readonly refused: string[];
  close(): Promise<void>;
}

/** Starts a proxy to unix socket `upstream` (a path) refusing `methods`. */
export async function startMethodRefusingProxy(
  upstream: string,
  methods: ReadonlyArray<string>,
): Promise<MethodRefusingProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-proxy-'));
  const path = join(dir, 'proxy.sock');
  const sockets = new Set<Socket>();
  const refused: string[] = [];
  const server: Server = createServer((client) => {
    const backend = createConnection(upstream);
    sockets.add(client);
    sockets.add(backend);
    backend.pipe(client);
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 64 * 1024 * 1024,
      onFrame: (text) => {
        const message = JSON.parse(text) as { id?: unknown; method?: string };
        if (message.method !== undefined && methods.includes(message.method)) {
          refused.push(message.method);
          client.write(JSON.stringify({ id: message.id, result: null, error: 'unknown method' }));
        } else {
          backend.write(text);
        }
      },
    });
    client.on('data', (chunk: Buffer) => splitter.push(chunk));
    const end = () => {
      client.destroy();
      backend.destroy();
    };
    client.on('close', end);
    backend.on('close', end);
    client.on('error', end);
    backend.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    remote: `unix:${path}`,
    refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
