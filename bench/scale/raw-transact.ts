/** A raw OVSDB client for the scale bench: a socket, JSON requests, replies matched by id. */
import type net from 'node:net';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { openSocket } from '../raw-socket.js';

/** A connection sending `transact` requests and awaiting their replies (echo requests answered). */
export class RawTransactClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();

  private constructor(private readonly socket: net.Socket) {
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (frame: string) => {
        const message = JSON.parse(frame) as { id: unknown; method?: string; params?: unknown };
        if (message.method === 'echo') {
          socket.write(JSON.stringify({ id: message.id, result: message.params, error: null }));
          return;
        }
        const resolve = this.waiting.get(message.id as number);
        this.waiting.delete(message.id as number);
        resolve?.(message as { result?: unknown; error?: unknown });
      },
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  static async open(remote: string): Promise<RawTransactClient> {
    return new RawTransactClient(await openSocket(remote));
  }

  /**
   * Monitors `tables` (every column) for changes only, with no initial contents: the server
   * then sends this connection an update for each transaction touching them before the
   * transaction's reply, as it does for a replica on the connection that writes. The updates
   * are read and parsed, and dropped.
   */
  async monitorChanges(tables: readonly string[]): Promise<void> {
    const requests: Record<string, unknown> = {};
    for (const table of tables) requests[table] = [{ select: { initial: false } }];
    const id = this.nextId++;
    await new Promise<void>((resolve, reject) => {
      this.waiting.set(id, (reply) =>
        reply.error ? reject(new Error(JSON.stringify(reply.error))) : resolve(),
      );
      this.socket.write(
        JSON.stringify({ id, method: 'monitor_cond', params: ['OVN_Northbound', 'raw-changes', requests] }),
      );
    });
  }

  /** Sends one transaction; resolves with its results, rejects on an error in any of them. */
  transact(operations: readonly unknown[]): Promise<unknown[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        const results = reply.result as { error?: string; details?: string }[] | undefined;
        const failed = reply.error ?? results?.find((r) => r?.error);
        if (failed) reject(new Error(`raw transact: ${JSON.stringify(failed)}`));
        else resolve(results ?? []);
      });
      this.socket.write(
        JSON.stringify({ id, method: 'transact', params: ['OVN_Northbound', ...operations] }),
      );
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
