import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { openTransport } from '../../src/transport/open-transport.js';
import { TransportError } from '../../src/transport/transport-errors.js';

// Fake peers: a real ovsdb-server always reads promptly, so it cannot produce backpressure.

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** Writes until `write` reports backpressure; returns how many bytes were queued. */
function fillUntilFull(write: (data: Buffer) => boolean): number {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  for (let i = 0; i < 10_000; i++) {
    written += chunk.length;
    if (!write(chunk)) return written;
  }
  throw new Error('write never reported backpressure');
}

describe('transport stream behaviour', { timeout: 20000 }, () => {
  test('tcp: write returns false when the peer does not read, and drain follows once it does', async () => {
    let peer: Socket | undefined;
    let received = 0;
    const server = createServer((socket) => {
      peer = socket;
      socket.pause();
      socket.on('data', (chunk) => {
        received += chunk.length;
      });
    });
    const port = await listen(server);
    try {
      const transport = await openTransport(`tcp:127.0.0.1:${port}`);
      const drained = new Promise<void>((resolve) => {
        transport.setHandlers({ data() {}, drain: resolve, close() {} });
      });
      const written = fillUntilFull((data) => transport.write(data));
      assert.ok(peer !== undefined || written > 0);
      await new Promise<void>((resolve) => setImmediate(resolve));
      peer!.resume();
      await drained;
      transport.destroy();
      assert.ok(received > 0);
    } finally {
      peer?.destroy();
      server.close();
    }
  });

  test('ws: write returns false above the buffered threshold, and drain follows', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const port = (wss.address() as { port: number }).port;
    const frames: boolean[] = [];
    let paused: { resume(): void } | undefined;
    wss.on('connection', (ws) => {
      ws.on('message', (_data, isBinary) => frames.push(isBinary));
      ws.pause();
      paused = ws;
    });
    try {
      const transport = await openTransport(`ws://127.0.0.1:${port}/`);
      const drained = new Promise<void>((resolve) => {
        transport.setHandlers({ data() {}, drain: resolve, close() {} });
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
      fillUntilFull((data) => transport.write(data));
      paused!.resume();
      await drained;
      transport.destroy();
      assert.ok(frames.length > 0);
      assert.ok(
        frames.every((isBinary) => isBinary),
        'every frame is sent as binary',
      );
    } finally {
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
  });

  test('bytes that arrive before setHandlers are held, then close is reported once', async () => {
    let markPeerClosed: () => void = () => {};
    const peerClosed = new Promise<void>((resolve) => {
      markPeerClosed = resolve;
    });
    const server = createServer((socket) => {
      socket.on('finish', () => markPeerClosed());
      socket.end('{"early":true}');
    });
    const port = await listen(server);
    try {
      const transport = await openTransport(`tcp:127.0.0.1:${port}`);
      // Wait until the peer has flushed its bytes and FIN, so they really are early.
      await peerClosed;
      const chunks: Buffer[] = [];
      let closes = 0;
      await new Promise<void>((resolve) => {
        transport.setHandlers({
          data: (chunk) => chunks.push(chunk),
          drain() {},
          close(error) {
            closes++;
            assert.equal(error, undefined);
            setImmediate(resolve);
          },
        });
      });
      assert.equal(Buffer.concat(chunks).toString(), '{"early":true}');
      assert.equal(closes, 1);
    } finally {
      server.close();
    }
  });

  test('ws: frames that arrive before setHandlers are held', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const port = (wss.address() as { port: number }).port;
    wss.on('connection', (ws) => {
      // A bridge splits JSON anywhere: two frames, one message.
      ws.send(Buffer.from('{"id":1,"res'));
      ws.send(Buffer.from('ult":[]}'));
    });
    try {
      const transport = await openTransport(`ws://127.0.0.1:${port}/`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve) => {
        transport.setHandlers({
          data(chunk) {
            chunks.push(chunk);
            if (Buffer.concat(chunks).length >= 20) resolve();
          },
          drain() {},
          close() {},
        });
      });
      assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { id: 1, result: [] });
      transport.destroy();
    } finally {
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
  });

  test('destroy(error) reports that error to close, once; writes after it return false', async () => {
    const server = createServer(() => {});
    const port = await listen(server);
    try {
      const transport = await openTransport(`tcp:127.0.0.1:${port}`);
      const failure = new Error('protocol violation');
      const seen: (Error | undefined)[] = [];
      const closed = new Promise<void>((resolve) => {
        transport.setHandlers({
          data() {},
          drain() {},
          close(error) {
            seen.push(error);
            setImmediate(resolve);
          },
        });
      });
      transport.destroy(failure);
      transport.destroy(new Error('second'));
      await closed;
      assert.deepEqual(seen, [failure]);
      assert.equal(transport.write('x'), false);
    } finally {
      server.close();
    }
  });

  test('a connection reset by the peer closes with a TransportError', async () => {
    const server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const port = await listen(server);
    try {
      const transport = await openTransport(`tcp:127.0.0.1:${port}`);
      const error = await new Promise<Error | undefined>((resolve) => {
        transport.setHandlers({ data() {}, drain() {}, close: resolve });
        transport.write('{"method":"echo","params":[],"id":"echo"}');
      });
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'OVNDB_TRANSPORT_FAILED');
    } finally {
      server.close();
    }
  });
});
