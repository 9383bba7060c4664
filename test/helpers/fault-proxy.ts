/**
 * A unix-socket proxy in front of a real ovsdb-server that loses one transaction's reply or
 * request on purpose, then drops the connection: the one fault a client cannot tell apart
 * from a crash, made deterministic. The server behind stays the judge of what committed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';

/**
 * What to do to the next `transact` that matches:
 * - `drop-reply`: forward it, swallow the server's reply, close the connection (it committed);
 * - `drop-request`: swallow it and close the connection (the server never saw it);
 * - `cancel-reply`: forward it, and answer `canceled` instead of the server's reply (as
 *   ovsdb-server does when it stops tracking a transaction that may still commit).
 */
export type TransactFault = 'drop-reply' | 'drop-request' | 'cancel-reply';

/** A running proxy. */
export interface FaultProxy {
  readonly remote: string;
  /** Arms a fault for the next transact whose JSON text contains `match` (any transact when omitted). */
  arm(fault: TransactFault, match?: string): void;
  /** Faults carried out so far. */
  readonly fired: TransactFault[];
  /** Closes every connection now (a crash between requests). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Rewrites every frame from the server before the client sees it (a member that lies). */
  rewriteDown?: (frame: string) => string;
}

/** Starts a proxy to unix socket path `upstream`. */
export async function startFaultProxy(
  upstream: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const rewrite = options.rewriteDown ?? ((frame: string) => frame);
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-fault-proxy-'));
  const path = join(dir, 'proxy.sock');
  const sockets = new Set<Socket>();
  const fired: TransactFault[] = [];
  let armed: { fault: TransactFault; match: string | undefined } | undefined;
  const server: Server = createServer((client) => {
    const backend = createConnection(upstream);
    sockets.add(client);
    sockets.add(backend);
    let swallowReplyTo: unknown;
    let cancelReplyTo: unknown;
    const end = (): void => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    const up = new JsonFrameSplitter({
      maxFrameBytes: 64 * 1024 * 1024,
      onFrame: (text) => {
        const message = JSON.parse(text) as { id?: unknown; method?: string };
        const fault = armed;
        if (
          fault !== undefined &&
          message.method === 'transact' &&
          (fault.match === undefined || text.includes(fault.match))
        ) {
          armed = undefined;
          fired.push(fault.fault);
          if (fault.fault === 'drop-request') {
            end();
            return;
          }
          if (fault.fault === 'cancel-reply') cancelReplyTo = message.id;
          else swallowReplyTo = message.id;
        }
        backend.write(text);
      },
    });
    const down = new JsonFrameSplitter({
      maxFrameBytes: 1024 * 1024 * 1024,
      onFrame: (text) => {
        if (swallowReplyTo !== undefined || cancelReplyTo !== undefined) {
          const message = JSON.parse(text) as { id?: unknown; method?: string };
          if (message.method === undefined && message.id === swallowReplyTo) {
            end();
            return;
          }
          if (message.method === undefined && message.id === cancelReplyTo) {
            cancelReplyTo = undefined;
            client.write(JSON.stringify({ id: message.id, result: null, error: 'canceled' }));
            return;
          }
        }
        client.write(rewrite(text));
      },
    });
    client.on('data', (chunk: Buffer) => up.push(chunk));
    backend.on('data', (chunk: Buffer) => down.push(chunk));
    client.on('close', end);
    backend.on('close', end);
    client.on('error', end);
    backend.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    remote: `unix:${path}`,
    fired,
    arm(fault, match) {
      armed = { fault, match };
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
