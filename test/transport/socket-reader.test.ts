/**
 * SocketReader against a real ovsdb-server over a unix socket: every read's bytes are the
 * consumer's to keep (the next read reuses the buffer, not the chunk), and bytes read before a
 * consumer is attached are handed to it first, in order.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';
import { SocketReader } from '../../src/transport/socket-reader.js';

const echo = (id: number) => JSON.stringify({ id, method: 'echo', params: [`hello-${id}`] });

test('chunks are kept intact across reads, and early ones are delivered on attach', {
  timeout: 30_000,
}, async () => {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
  const reader = new SocketReader();
  const socket = connect({ path: server.unix.replace(/^unix:/, ''), onread: reader.onread });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    // Read before anyone listens: held, not lost.
    socket.write(echo(1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const chunks: Buffer[] = [];
    let arrived: () => void = () => {};
    reader.attach((chunk) => {
      chunks.push(chunk);
      arrived();
    });
    assert.equal(chunks.length, 1, 'the reply read before attach is handed over on attach');
    for (const id of [2, 3]) {
      const next = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      socket.write(echo(id));
      await next;
    }
    const ids = chunks.map((chunk) => (JSON.parse(chunk.toString('utf8')) as { id: number }).id);
    assert.deepEqual(ids, [1, 2, 3], 'each chunk still holds its own reply after later reads');
  } finally {
    socket.destroy();
    await server.stop();
  }
});
