import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RpcConnection } from '../../src/rpc/connection.js';
import {
  BadFrameError,
  ConnectionClosedError,
  FrameTooLargeError,
  RequestAbortedError,
  RequestTimeoutError,
  RpcProtocolError,
  RpcRemoteError,
} from '../../src/rpc/rpc-errors.js';
import { closeEvent, connectFake, type FakePair } from './fake-server.js';
import { MemoryTransport } from './memory-transport.js';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));
after(() => assert.deepEqual(unhandled, []));

async function withFake(
  fn: (pair: FakePair) => Promise<void>,
  options?: ConstructorParameters<typeof RpcConnection>[1],
): Promise<void> {
  const pair = await connectFake(options);
  try {
    await fn(pair);
  } finally {
    await pair.dispose();
  }
}

/** Asserts that `promise` rejects ConnectionClosedError whose cause is an instance of `causeClass`. */
async function rejectsClosedBy(promise: Promise<unknown>, causeClass: new (...args: never[]) => Error) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ConnectionClosedError, String(e));
    assert.equal(e.code, 'OVNDB_CONNECTION_CLOSED');
    assert.ok(e.cause instanceof causeClass, `cause: ${String(e.cause)}`);
    return true;
  });
}

describe('RpcConnection over a fake server', { timeout: 20000 }, () => {
  test('request/reply, OVSDB 1.0 shape on the wire, remote errors, notifications', () =>
    withFake(async ({ conn, peer }) => {
      const notes: [string, unknown[]][] = [];
      conn.onNotification((method, params) => notes.push([method, params]));
      const a = conn.request('list_dbs', []);
      const b = conn.request('transact', ['Nope']);
      const c = conn.request('monitor', ['X']);
      const [fa, fb, fc] = await peer.waitFrames(3);
      assert.deepEqual(fa, { id: fa!.id, method: 'list_dbs', params: [] });
      assert.ok(!('jsonrpc' in fa!));
      peer.send({ id: null, method: 'update', params: ['m', { T: {} }] });
      peer.send({ id: fb!.id, result: null, error: 'unknown database' });
      peer.send({ id: fc!.id, result: null, error: { error: 'syntax error', details: 'bad table' } });
      peer.send({ id: fa!.id, result: ['OVN_Northbound'], error: null });
      assert.deepEqual(await a, ['OVN_Northbound']);
      await assert.rejects(b, (e: unknown) => {
        assert.ok(e instanceof RpcRemoteError);
        assert.equal(e.code, 'OVNDB_RPC_ERROR');
        assert.equal(e.error, 'unknown database');
        assert.equal(e.details, 'unknown database');
        return true;
      });
      await assert.rejects(c, (e: unknown) => {
        assert.ok(e instanceof RpcRemoteError);
        assert.equal(e.error, 'syntax error');
        assert.deepEqual(e.details, { error: 'syntax error', details: 'bad table' });
        return true;
      });
      assert.deepEqual(notes, [['update', ['m', { T: {} }]]]);
      assert.equal(conn.inFlight, 0);
    }));

  test('start() exposes the id and whether it was written', () =>
    withFake(async ({ conn, peer }) => {
      const started = conn.start('echo', ['x']);
      assert.equal(started.written, false);
      const [frame] = await peer.waitFrames(1);
      assert.equal(started.written, true);
      assert.equal(frame!.id, started.id);
      peer.send({ id: started.id, result: ['x'], error: null });
      assert.deepEqual(await started.response, ['x']);
    }));

  test('notify() sends id null', () =>
    withFake(async ({ conn, peer }) => {
      conn.notify('cancel', [7]);
      const [frame] = await peer.waitFrames(1);
      assert.deepEqual(frame, { id: null, method: 'cancel', params: [7] });
    }));

  test('garbage bytes close the connection with BadFrameError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      const pending = conn.request('list_dbs', []);
      await peer.waitFrames(1);
      peer.send('hello\n');
      assert.ok((await closed) instanceof BadFrameError);
      await rejectsClosedBy(pending, BadFrameError);
      assert.equal(conn.closed, true);
    }));

  test('a frame that is not valid JSON closes with BadFrameError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      peer.send('{"id":1,,}');
      assert.ok((await closed) instanceof BadFrameError);
    }));

  test('truncated frame then close: pending requests fail, cause BadFrameError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      const pending = conn.request('list_dbs', []);
      const [frame] = await peer.waitFrames(1);
      peer.socket.end(`{"id":${frame!.id},"result":["OVN_No`);
      assert.ok((await closed) instanceof BadFrameError);
      await rejectsClosedBy(pending, BadFrameError);
    }));

  test('clean close by the server: pending requests fail with ConnectionClosedError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      const pending = conn.request('list_dbs', []);
      await peer.waitFrames(1);
      peer.socket.end();
      assert.equal(await closed, undefined);
      await assert.rejects(pending, ConnectionClosedError);
      await assert.rejects(conn.request('list_dbs', []), ConnectionClosedError);
    }));

  test('oversized frame closes with FrameTooLargeError', () =>
    withFake(
      async ({ conn, peer }) => {
        const closed = closeEvent(conn);
        const pending = conn.request('get_schema', ['OVN_Northbound']);
        const [frame] = await peer.waitFrames(1);
        peer.send({ id: frame!.id, result: { x: 'y'.repeat(10000) }, error: null });
        assert.ok((await closed) instanceof FrameTooLargeError);
        await rejectsClosedBy(pending, FrameTooLargeError);
      },
      { maxFrameBytes: 4096 },
    ));

  test('invalid UTF-8 closes with BadFrameError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      peer.send(
        Buffer.concat([
          Buffer.from('{"id":null,"method":"update","params":["'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"]}'),
        ]),
      );
      assert.ok((await closed) instanceof BadFrameError);
    }));

  test('reply to an unknown id closes with RpcProtocolError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      const pending = conn.request('list_dbs', []);
      await peer.waitFrames(1);
      peer.send({ id: 'not-ours', result: [], error: null });
      const error = await closed;
      assert.ok(error instanceof RpcProtocolError);
      assert.equal(error.code, 'OVNDB_RPC_PROTOCOL');
      await rejectsClosedBy(pending, RpcProtocolError);
    }));

  test('reply to an id we have not issued yet closes with RpcProtocolError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      peer.send({ id: 999, result: [], error: null });
      assert.ok((await closed) instanceof RpcProtocolError);
    }));

  test('a message that is neither request, reply nor notification closes with RpcProtocolError', async () => {
    for (const bad of [
      '[1,2]',
      '{"foo":1}',
      '{"method":5,"params":[],"id":null}',
      '{"method":"x","params":{},"id":null}',
    ]) {
      await withFake(async ({ conn, peer }) => {
        const closed = closeEvent(conn);
        peer.send(bad);
        assert.ok((await closed) instanceof RpcProtocolError, bad);
      });
    }
  });

  test('a server request for an unknown method closes with RpcProtocolError', () =>
    withFake(async ({ conn, peer }) => {
      const closed = closeEvent(conn);
      peer.send({ id: 'srv-1', method: 'reboot', params: [] });
      const error = await closed;
      assert.ok(error instanceof RpcProtocolError);
      assert.deepEqual((error.details as { method: string }).method, 'reboot');
    }));

  test('echo from the server is answered with the same id and params', () =>
    withFake(async ({ conn, peer }) => {
      peer.send({ id: 'echo', method: 'echo', params: [] });
      peer.send({ id: { weird: [1] }, method: 'echo', params: ['a', 1] });
      const frames = await peer.waitFrames(2);
      assert.deepEqual(frames, [
        { id: 'echo', result: [], error: null },
        { id: { weird: [1] }, result: ['a', 1], error: null },
      ]);
      assert.equal(conn.closed, false);
    }));

  test('custom request handlers: result, thrown error becomes the 1.0 error', () =>
    withFake(async ({ conn, peer }) => {
      conn.setRequestHandler('hello', async (params) => ({ got: params }));
      conn.setRequestHandler('fail', () => {
        throw new Error('nope');
      });
      peer.send({ id: 1, method: 'hello', params: [1] });
      peer.send({ id: 2, method: 'fail', params: [] });
      const frames = await peer.waitFrames(2);
      const byId = new Map(frames.map((f) => [f.id, f]));
      assert.deepEqual(byId.get(1), { id: 1, result: { got: [1] }, error: null });
      assert.equal(byId.get(2)!.result, null);
      assert.equal(byId.get(2)!.error, 'nope');
      assert.equal(conn.closed, false);
    }));

  test('a throwing notification listener does not break the connection', () =>
    withFake(async ({ conn, peer }) => {
      conn.onNotification(() => {
        throw new Error('listener bug');
      });
      peer.send({ id: null, method: 'update', params: [] });
      const p = conn.request('list_dbs', []);
      const frames = await peer.waitFrames(1);
      peer.send({ id: frames[0]!.id, result: [], error: null });
      assert.deepEqual(await p, []);
    }));

  test('stall: timeout fires, the id is forgotten, a late reply is ignored', () =>
    withFake(async ({ conn, peer }) => {
      const slow = conn.request('transact', ['X'], { timeoutMs: 50 });
      const [frame] = await peer.waitFrames(1);
      await assert.rejects(slow, (e: unknown) => {
        assert.ok(e instanceof RequestTimeoutError);
        assert.equal(e.code, 'OVNDB_TIMEOUT');
        assert.equal(e.timeoutMs, 50);
        return true;
      });
      assert.equal(conn.inFlight, 0);
      peer.send({ id: frame!.id, result: [{}], error: null });
      const next = conn.request('list_dbs', []);
      const frames = await peer.waitFrames(2);
      peer.send({ id: frames[1]!.id, result: ['ok'], error: null });
      assert.deepEqual(await next, ['ok']);
      assert.equal(conn.closed, false);
    }));

  test('abort signal: rejects RequestAbortedError with the reason; late reply ignored', () =>
    withFake(async ({ conn, peer }) => {
      const controller = new AbortController();
      const started = conn.start('transact', ['X'], { signal: controller.signal });
      const [frame] = await peer.waitFrames(1);
      const reason = new Error('user gave up');
      controller.abort(reason);
      await assert.rejects(started.response, (e: unknown) => {
        assert.ok(e instanceof RequestAbortedError);
        assert.equal(e.code, 'OVNDB_ABORTED');
        assert.equal(e.cause, reason);
        return true;
      });
      peer.send({ id: frame!.id, result: [{}], error: null });
      const next = conn.request('list_dbs', []);
      const frames = await peer.waitFrames(2);
      peer.send({ id: frames[1]!.id, result: [], error: null });
      await next;
      assert.equal(conn.closed, false);
    }));

  test('a request aborted before the flush is never written; pre-aborted signal rejects at once', () =>
    withFake(async ({ conn, peer }) => {
      const controller = new AbortController();
      const doomed = conn.start('transact', ['never'], { signal: controller.signal });
      controller.abort();
      await assert.rejects(doomed.response, RequestAbortedError);
      assert.equal(doomed.written, false);
      const pre = conn.start('transact', ['pre'], { signal: AbortSignal.abort() });
      await assert.rejects(pre.response, RequestAbortedError);
      const p = conn.request('list_dbs', ['marker']);
      const [frame] = await peer.waitFrames(1);
      assert.deepEqual(frame!.params, ['marker']);
      peer.send({ id: frame!.id, result: [], error: null });
      await p;
      assert.equal(peer.frames.length, 1);
    }));

  test('close() rejects every pending and queued request with ConnectionClosedError(cause)', () =>
    withFake(
      async ({ conn, peer }) => {
        const closes: (Error | undefined)[] = [];
        conn.on('close', (e) => closes.push(e));
        const requests = Array.from({ length: 5 }, (_, i) => conn.request('echo', [i]));
        assert.equal(conn.inFlight, 2);
        assert.equal(conn.queued, 3);
        await peer.waitFrames(2);
        const why = new Error('shutting down');
        conn.close(why);
        conn.close();
        for (const r of requests) await rejectsClosedBy(r, Error);
        for (const r of requests) await r.catch((e: ConnectionClosedError) => assert.equal(e.cause, why));
        assert.deepEqual(closes, [why]);
        assert.equal(conn.inFlight, 0);
        assert.equal(conn.queued, 0);
        await assert.rejects(conn.request('list_dbs', []), ConnectionClosedError);
        conn.notify('cancel', [1]); // ignored, does not throw
      },
      { maxInFlight: 2 },
    ));

  test('coalescing: requests issued in one synchronous run go out in one transport write', () =>
    withFake(async ({ conn, peer, transport }) => {
      const before = transport.writeCalls;
      const requests = Array.from({ length: 200 }, (_, i) => conn.request('echo', [i]));
      assert.equal(transport.writeCalls, before, 'nothing is written synchronously');
      const frames = await peer.waitFrames(200);
      assert.equal(transport.writeCalls, before + 1);
      for (const f of frames) peer.send({ id: f.id, result: f.params, error: null });
      assert.deepEqual(
        await Promise.all(requests),
        Array.from({ length: 200 }, (_, i) => [i]),
      );
    }));

  test('bounded pipeline: with maxInFlight=2 the third request waits for a reply', () =>
    withFake(
      async ({ conn, peer }) => {
        const a = conn.start('echo', ['a']);
        const b = conn.start('echo', ['b']);
        const c = conn.start('echo', ['c']);
        assert.equal(conn.inFlight, 2);
        assert.equal(conn.queued, 1);
        const first = await peer.waitFrames(2);
        // Give the client every chance to (wrongly) write the third one.
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(peer.frames.length, 2);
        assert.equal(c.written, false);
        peer.send({ id: first[0]!.id, result: ['a'], error: null });
        assert.deepEqual(await a.response, ['a']);
        const all = await peer.waitFrames(3);
        assert.equal(all[2]!.id, c.id);
        assert.equal(c.written, true);
        peer.send({ id: b.id, result: ['b'], error: null });
        peer.send({ id: c.id, result: ['c'], error: null });
        assert.deepEqual(await Promise.all([b.response, c.response]), [['b'], ['c']]);
        assert.equal(conn.inFlight, 0);
        assert.equal(conn.queued, 0);
      },
      { maxInFlight: 2 },
    ));

  test('trace sees every frame in and out', async () => {
    const seen: [string, string][] = [];
    await withFake(
      async ({ conn, peer }) => {
        const p = conn.request('list_dbs', []);
        const [frame] = await peer.waitFrames(1);
        peer.send({ id: frame!.id, result: [], error: null });
        await p;
      },
      { trace: (direction, frame) => seen.push([direction, frame]) },
    );
    assert.equal(seen.length, 2);
    assert.equal(seen[0]![0], 'out');
    assert.equal(JSON.parse(seen[0]![1]).method, 'list_dbs');
    assert.equal(seen[1]![0], 'in');
  });
});

describe('RpcConnection on an in-memory transport', { timeout: 20000 }, () => {
  test('backpressure: after write returns false nothing more is written until drain', async () => {
    const transport = new MemoryTransport();
    const conn = new RpcConnection(transport);
    transport.full = true;
    const a = conn.start('echo', ['a']);
    await Promise.resolve();
    assert.equal(transport.writes.length, 1);
    assert.equal(a.written, true);
    const b = conn.start('echo', ['b']);
    conn.notify('cancel', [a.id]);
    const c = conn.start('echo', ['c']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(transport.writes.length, 1, 'held while the transport is full');
    assert.equal(b.written, false);
    transport.full = false;
    transport.handlers!.drain();
    assert.equal(transport.writes.length, 2, 'one coalesced write after drain');
    assert.equal(b.written, true);
    assert.equal(c.written, true);
    assert.deepEqual(
      transport.frames().map((f) => f.params),
      [['a'], ['b'], [a.id], ['c']],
    );
    for (const s of [a, b, c]) transport.receive(JSON.stringify({ id: s.id, result: ['ok'], error: null }));
    assert.deepEqual(await Promise.all([a.response, b.response, c.response]), [['ok'], ['ok'], ['ok']]);
    conn.close();
    assert.equal(transport.closedBy, 'close');
  });

  test('a reply split across chunks and several replies in one chunk', async () => {
    const transport = new MemoryTransport();
    const conn = new RpcConnection(transport);
    const reqs = [conn.start('x', []), conn.start('y', []), conn.start('z', [])];
    await Promise.resolve();
    const text = reqs.map((r) => JSON.stringify({ id: r.id, result: `r${r.id}`, error: null })).join('');
    transport.receive(text.slice(0, 7));
    transport.receive(text.slice(7));
    assert.deepEqual(
      await Promise.all(reqs.map((r) => r.response)),
      reqs.map((r) => `r${r.id}`),
    );
    conn.close();
  });

  test('a protocol fault destroys the transport with the typed error', async () => {
    const transport = new MemoryTransport();
    const conn = new RpcConnection(transport);
    const closed = closeEvent(conn);
    transport.receive('{"id":42,"result":1,"error":null}');
    const error = await closed;
    assert.ok(error instanceof RpcProtocolError);
    assert.equal(transport.closedBy, 'destroy');
    assert.equal(transport.destroyError, error);
  });

  test('the transport closing with an error is the cause of pending rejections', async () => {
    const transport = new MemoryTransport();
    const conn = new RpcConnection(transport);
    const p = conn.request('list_dbs', []);
    const boom = new Error('ECONNRESET');
    transport.handlers!.close(boom);
    await assert.rejects(p, (e: unknown) => e instanceof ConnectionClosedError && e.cause === boom);
    assert.equal(transport.closedBy, undefined, 'a transport that closed itself is not closed again');
  });

  test('params that cannot be serialized reject without closing', async () => {
    const transport = new MemoryTransport();
    const conn = new RpcConnection(transport);
    await assert.rejects(conn.request('transact', [10n]), BadFrameError);
    assert.equal(conn.closed, false);
    conn.close();
  });
});
