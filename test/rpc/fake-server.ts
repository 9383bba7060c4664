/**
 * Test-only fake OVSDB server on a unix socket in a temp dir: it lets a test see exactly
 * what the client wrote and answer with faults a real ovsdb-server never produces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcConnection, type RpcConnectionOptions } from '../../src/rpc/connection.js';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { SocketTransport } from './socket-transport.js';

/** The server side of one accepted connection. */
export class FakePeer {
  /** Parsed frames received from the client, in order. */
  readonly frames: Record<string, unknown>[] = [];
  /** How many 'data' events the server socket saw. */
  dataEvents = 0;
  private waiters: Array<() => void> = [];
  private readonly splitter = new JsonFrameSplitter({
    maxFrameBytes: 1 << 30,
    onFrame: (text) => {
      this.frames.push(JSON.parse(text));
      for (const w of this.waiters.splice(0)) w();
    },
  });

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.dataEvents++;
      this.splitter.push(chunk);
    });
    socket.on('error', () => {});
  }

  /** Resolves once at least `count` frames have arrived. */
  async waitFrames(count: number): Promise<Record<string, unknown>[]> {
    while (this.frames.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.frames;
  }

  /** Writes raw bytes or a JSON value. */
  send(data: string | Buffer | object): void {
    this.socket.write(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }
}

/** A connected client RpcConnection and the fake server's view of it. */
export interface FakePair {
  conn: RpcConnection;
  transport: SocketTransport;
  peer: FakePeer;
  dispose(): Promise<void>;
}

/** Starts a fake server, connects an RpcConnection to it, and returns both ends. */
export async function connectFake(options: RpcConnectionOptions = {}): Promise<FakePair> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-rpc-'));
  const path = join(dir, 'fake.sock');
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  const transport = await SocketTransport.connect(path);
  const conn = new RpcConnection(transport, options);
  const peer = new FakePeer(await accepted);
  return {
    conn,
    transport,
    peer,
    async dispose() {
      conn.close();
      peer.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the error the connection's 'close' event carries. */
export function closeEvent(conn: RpcConnection): Promise<Error | undefined> {
  return new Promise((resolve) => conn.once('close', resolve));
}
