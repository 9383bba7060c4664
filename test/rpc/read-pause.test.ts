/**
 * Unit tests of RpcConnection.pauseReading: the hold counter, the trickle reads and keep-alive
 * echoes it drives, and that close stops them. Timers are mocked, so nothing here sleeps.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { JsonFrameSplitter } from '../../src/rpc/frame-splitter.js';
import { RpcConnection } from '../../src/rpc/index.js';
import type { Transport, TransportHandlers } from '../../src/transport/transport.js';

/** A Transport with no I/O that records pause/resume calls and what was written. */
class PausableTransport implements Transport {
  readonly remote = 'memory:read-pause';
  readonly calls: Array<'pause' | 'resume'> = [];
  readonly writes: string[] = [];
  paused = false;
  handlers: TransportHandlers | undefined;

  setHandlers(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }
  write(data: string | Buffer): boolean {
    this.writes.push(data.toString());
    return true;
  }
  pause(): void {
    this.calls.push('pause');
    this.paused = true;
  }
  resume(): void {
    this.calls.push('resume');
    this.paused = false;
  }
  close(): void {}
  destroy(): void {}

  /** Every frame written so far, parsed. */
  frames(): Array<{ id?: unknown; method?: string; params?: unknown[] }> {
    const out: Array<{ id?: unknown; method?: string; params?: unknown[] }> = [];
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 20,
      onFrame: (t) => out.push(JSON.parse(t)),
    });
    for (const w of this.writes) splitter.push(Buffer.from(w));
    return out;
  }

  receive(text: string): void {
    this.handlers!.data(Buffer.from(text));
  }
}

/** Lets queued microtasks (the frame writer's flush) run under mocked timers. */
const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RpcConnection.pauseReading', { timeout: 10_000 }, () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(() => {
    // setImmediate stays real so that flushMicrotasks works.
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    mock.timers.reset();
    process.off('unhandledRejection', onUnhandled);
  });

  test('holds count: reading resumes when the last hold is released; a release works once', () => {
    const transport = new PausableTransport();
    const rpc = new RpcConnection(transport, { trickleIntervalMs: 0, pausedEchoIntervalMs: 0 });
    assert.equal(rpc.readingPaused, false);
    const first = rpc.pauseReading();
    const second = rpc.pauseReading();
    assert.equal(rpc.readingPaused, true);
    assert.deepEqual(transport.calls, ['pause']);
    first();
    first(); // a second call of the same release must not drop the other hold
    assert.equal(rpc.readingPaused, true);
    assert.deepEqual(transport.calls, ['pause']);
    second();
    assert.equal(rpc.readingPaused, false);
    assert.deepEqual(transport.calls, ['pause', 'resume']);
    second();
    assert.deepEqual(transport.calls, ['pause', 'resume']);
    // A new pause after a full release pauses again.
    const third = rpc.pauseReading();
    assert.equal(rpc.readingPaused, true);
    third();
    assert.deepEqual(transport.calls, ['pause', 'resume', 'pause', 'resume']);
    rpc.close();
  });

  test('trickle: resumes once per interval until one chunk arrives, which is delivered', () => {
    const transport = new PausableTransport();
    const rpc = new RpcConnection(transport, { trickleIntervalMs: 1000, pausedEchoIntervalMs: 0 });
    const notes: unknown[] = [];
    rpc.on('notification', (method, params) => notes.push([method, params]));
    const release = rpc.pauseReading();
    mock.timers.tick(999);
    assert.equal(transport.paused, true);
    mock.timers.tick(1);
    assert.equal(transport.paused, false, 'the trickle resumed reading');
    // No chunk yet: further intervals leave it resumed without piling up calls.
    mock.timers.tick(3000);
    assert.deepEqual(transport.calls, ['pause', 'resume']);
    transport.receive('{"id":null,"method":"update2","params":["m",{}]}');
    assert.equal(transport.paused, true, 'paused again after one chunk');
    assert.deepEqual(notes, [['update2', ['m', {}]]]);
    // A chunk that arrives while not trickling does not pause twice.
    mock.timers.tick(1000);
    transport.receive('{"id":null,"method":"update2","params":["m",{"a":1}]}');
    transport.receive('{"id":null,"method":"update2","params":["m",{"b":2}]}');
    assert.deepEqual(transport.calls, ['pause', 'resume', 'pause', 'resume', 'pause']);
    assert.equal(notes.length, 3);
    release();
    assert.equal(transport.paused, false);
    assert.equal(rpc.readingPaused, false);
    // Released: no more trickling.
    const calls = transport.calls.length;
    mock.timers.tick(5000);
    assert.equal(transport.calls.length, calls);
    rpc.close();
  });

  test('keep-alive echoes: sent per interval, late replies ignored, close rejects them quietly', async () => {
    const transport = new PausableTransport();
    const rpc = new RpcConnection(transport, { maxInFlight: 1 });
    // A user request fills the only pipeline slot: keep-alive echoes must not wait behind it.
    const user = rpc.request('transact', ['db']);
    const release = rpc.pauseReading({ trickleIntervalMs: 0, echoIntervalMs: 2000 });
    mock.timers.tick(1999);
    await flushMicrotasks();
    assert.deepEqual(
      transport.frames().map((f) => f.method),
      ['transact'],
    );
    mock.timers.tick(1);
    mock.timers.tick(2000);
    await flushMicrotasks();
    const echoes = transport.frames().filter((f) => f.method === 'echo');
    assert.equal(echoes.length, 2);
    // The server answers the first one late, with an error even: nothing surfaces.
    transport.receive(JSON.stringify({ id: echoes[0]!.id, result: null, error: 'late' }));
    assert.equal(rpc.closed, false);
    release();
    mock.timers.tick(10_000);
    await flushMicrotasks();
    assert.equal(transport.frames().filter((f) => f.method === 'echo').length, 2, 'no echo after release');
    rpc.close();
    await assert.rejects(user, { code: 'OVNDB_CONNECTION_CLOSED' });
    await flushMicrotasks();
    assert.deepEqual(unhandled, [], 'the unanswered echo rejected into the void');
  });

  test('close stops the timers and drops every hold; pausing after close does nothing', async () => {
    const transport = new PausableTransport();
    const rpc = new RpcConnection(transport, { trickleIntervalMs: 1000, pausedEchoIntervalMs: 1000 });
    const release = rpc.pauseReading();
    rpc.pauseReading();
    mock.timers.tick(1000);
    await flushMicrotasks();
    const calls = transport.calls.length;
    const writes = transport.writes.length;
    assert.ok(writes > 0 && calls > 1, 'the timers ran while open');
    rpc.close();
    assert.equal(rpc.readingPaused, false);
    mock.timers.tick(60_000);
    await flushMicrotasks();
    assert.equal(transport.calls.length, calls, 'no trickle after close');
    assert.equal(transport.writes.length, writes, 'no echo after close');
    release();
    const late = rpc.pauseReading();
    late();
    assert.equal(transport.calls.length, calls, 'release and pause after close touch nothing');
    assert.equal(rpc.readingPaused, false);
    await flushMicrotasks();
    assert.deepEqual(unhandled, []);
  });

  test('a peer close while paused also stops the timers', async () => {
    const transport = new PausableTransport();
    const rpc = new RpcConnection(transport, { trickleIntervalMs: 500, pausedEchoIntervalMs: 500 });
    rpc.pauseReading();
    transport.handlers!.close();
    assert.equal(rpc.closed, true);
    const calls = transport.calls.length;
    mock.timers.tick(10_000);
    await flushMicrotasks();
    assert.equal(transport.calls.length, calls);
    assert.equal(transport.writes.length, 0);
  });
});
