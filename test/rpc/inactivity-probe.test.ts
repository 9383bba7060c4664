import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, InactivityTimeoutError } from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';
import { closeEvent, connectFake } from './fake-server.js';

const PROBE_MS = 150;

describe('inactivity probe', { timeout: 20_000 }, () => {
  test('a silent peer gets an echo, then the connection fails with InactivityTimeoutError', async () => {
    const pair = await connectFake({ probeIntervalMs: PROBE_MS });
    try {
      const closed = closeEvent(pair.conn);
      const pending = pair.conn.request('transact', ['OVN_Northbound']);
      pending.catch(() => {});
      const frames = await pair.peer.waitFrames(2);
      assert.equal(frames[1]?.method, 'echo');
      assert.deepEqual(frames[1]?.params, ['ovndb-probe']);
      const error = await closed;
      assert.ok(error instanceof InactivityTimeoutError);
      assert.ok(error.silentMs >= 2 * PROBE_MS);
      // Every pending call fails instead of hanging.
      await assert.rejects(pending, { code: 'OVNDB_CONNECTION_CLOSED' });
    } finally {
      await pair.dispose();
    }
  });

  test('a peer that stalls in the middle of a frame is detected too', async () => {
    const pair = await connectFake({ probeIntervalMs: PROBE_MS });
    try {
      const closed = closeEvent(pair.conn);
      pair.peer.send('{"id":null,"method":"update3","params":["m","00000000-0000');
      assert.ok((await closed) instanceof InactivityTimeoutError);
    } finally {
      await pair.dispose();
    }
  });

  test('a peer that answers the echo keeps the connection; a paused reader is not probed', async () => {
    const pair = await connectFake({ probeIntervalMs: PROBE_MS });
    try {
      let echoes = 0;
      const answer = setInterval(() => {
        for (const frame of pair.peer.frames.splice(0)) {
          if (frame.method === 'echo') {
            echoes++;
            pair.peer.send({ id: frame.id, result: frame.params, error: null });
          }
        }
      }, 10);
      try {
        await new Promise((resolve) => setTimeout(resolve, 6 * PROBE_MS));
        assert.equal(pair.conn.closed, false);
        assert.ok(echoes >= 2, `${echoes} echoes`);
        // While reading is held on purpose, silence is ours: no probe failure.
        const release = pair.conn.pauseReading({ trickleIntervalMs: 0, echoIntervalMs: 0 });
        clearInterval(answer);
        await new Promise((resolve) => setTimeout(resolve, 5 * PROBE_MS));
        assert.equal(pair.conn.closed, false);
        release();
      } finally {
        clearInterval(answer);
      }
    } finally {
      await pair.dispose();
    }
  });

  test('against a real server over tcp, an idle client stays connected: the server answers the probes', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true });
    const echoes: string[] = [];
    const client = await connect(server.tcp as string, {
      probeIntervalMs: PROBE_MS,
      trace: (direction, frame) => {
        if (direction === 'out' && frame.includes('ovndb-probe')) echoes.push(frame);
      },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 8 * PROBE_MS));
      assert.equal(client.state.status, 'open');
      assert.ok(echoes.length >= 2, `${echoes.length} probes`);
      assert.deepEqual(await client.listDbs(), ['OVN_Northbound', '_Server']);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
