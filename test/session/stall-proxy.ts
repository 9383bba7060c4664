/**
 * A unix-socket proxy in front of a real ovsdb-server that, once the client asks for a
 * monitor of one database, holds back what the server sends: all of it (a member that
 * stalls in the middle of the initial contents) or a trickle (a slow link carrying a big
 * dump). The server behind answers normally; only the delivery is slowed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';

/** What happens to the server's bytes after the monitor request. */
export type StallMode =
  | { readonly kind: 'freeze' }
  | { readonly kind: 'drip'; readonly bytes: number; readonly everyMs: number };

/** A running proxy. */
export interface StallProxy {
  readonly remote: string;
  /** True once the monitor request went through (and the holding started). */
  readonly triggered: boolean;
  close(): Promise<void>;
}

/** Starts a proxy to unix socket `upstream` that slows delivery once a monitor of `database` is asked for. */
export async function startStallProxy(
  upstream: string,
  database: string,
  mode: StallMode,
): Promise<StallProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-stall-proxy-'));
  const path = join(dir, 'proxy.sock');
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  let triggered = false;
  const server: Server = createServer((client) => {
    const backend = createConnection(upstream);
    sockets.add(client);
    sockets.add(backend);
    let holding = false;
    let held = Buffer.alloc(0);
    const end = (): void => {
      client.destroy();
      backend.destroy();
    };
    const up = new JsonFrameSplitter({
      maxFrameBytes: 64 * 1024 * 1024,
      onFrame: (text) => {
        const message = JSON.parse(text) as { method?: string; params?: unknown[] };
        if (message.method?.startsWith('monitor') && message.params?.[0] === database && !holding) {
          holding = true;
          triggered = true;
          if (mode.kind === 'drip') {
            const timer = setInterval(() => {
              if (held.length === 0) return;
              client.write(held.subarray(0, mode.bytes));
              held = held.subarray(mode.bytes);
            }, mode.everyMs);
            timers.add(timer);
            client.once('close', () => {
              clearInterval(timer);
              timers.delete(timer);
            });
          }
        }
        backend.write(text);
      },
    });
    client.on('data', (chunk: Buffer) => up.push(chunk));
    backend.on('data', (chunk: Buffer) => {
      if (holding) held = Buffer.concat([held, chunk]);
      else client.write(chunk);
    });
    client.on('close', end);
    backend.on('close', end);
    client.on('error', end);
    backend.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    remote: `unix:${path}`,
    get triggered() {
      return triggered;
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
