/**
 * A peer that speaks just enough OVSDB JSON-RPC to be connected to, and then answers as told:
 * with results of the wrong shape, with nothing but echo replies, or one byte at a time. Only
 * for faults a real ovsdb-server never produces; it listens on a unix socket in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';

/** What the peer does with one request: a reply's `result`, raw bytes to send, or nothing. */
export type PeerAnswer =
  | { result: unknown }
  | { raw: string | Buffer }
  | { trickle: string; everyMs: number }
  | 'silence';

export interface HostilePeer {
  readonly remote: string;
  /** Requests received, in order. */
  readonly requests: Array<{ id: unknown; method: string; params: unknown[] }>;
  close(): Promise<void>;
}

/**
 * Starts a peer that answers `echo` as a server does (unless `echo` is false) and every other
 * request with `answer(method, params, id)`.
 */
export async function startHostilePeer(
  answer: (method: string, params: unknown[], id: unknown) => PeerAnswer,
  options: { echo?: boolean } = {},
): Promise<HostilePeer> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-hostile-'));
  const path = join(dir, 'peer.sock');
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  const requests: HostilePeer['requests'] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (text) => {
        const msg = JSON.parse(text) as { id: unknown; method?: string; params?: unknown[] };
        if (msg.method === undefined) return;
        const params = msg.params ?? [];
        if (msg.method === 'echo' && options.echo !== false) {
          socket.write(JSON.stringify({ id: msg.id, result: params, error: null }));
          return;
        }
        requests.push({ id: msg.id, method: msg.method, params });
        const what = answer(msg.method, params, msg.id);
        if (what === 'silence') return;
        if ('result' in what) socket.write(JSON.stringify({ id: msg.id, result: what.result, error: null }));
        else if ('raw' in what) socket.write(what.raw);
        else trickle(socket, what.trickle, what.everyMs);
      },
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  });
  function trickle(socket: Socket, text: string, everyMs: number): void {
    let at = 0;
    const timer = setInterval(() => {
      if (at >= text.length || socket.destroyed) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      socket.write(text[at++] as string);
    }, everyMs);
    timers.add(timer);
  }
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    remote: `unix:${path}`,
    requests,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
