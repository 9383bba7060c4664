/**
 * Property tests of RpcConnection as a hostile peer sees it: whatever the peer sends, every
 * request settles, with a value the peer sent for its id or with an OvndbError; nothing
 * escapes to the event loop; and the connection ends closed (once, with a typed reason) or
 * still usable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { OvndbError } from '../../src/errors.js';
import { BadFrameError, RpcRemoteError } from '../../src/rpc/rpc-errors.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import {
  answerTheRest,
  fittingResult,
  midFrame,
  type Played,
  playScenario,
  type Scenario,
  scenario,
} from './rpc-scenario.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every request settled as the protocol allows. */
function checkOutcomes(played: Played): void {
  for (const r of played.requests) {
    const { outcome } = r;
    if (outcome.state === 'pending') assert.fail(`request ${r.id} (${r.method}) never settled`);
    if (outcome.state === 'rejected') {
      assert.ok(
        outcome.error instanceof OvndbError,
        `request ${r.id} rejected with ${String(outcome.error)}`,
      );
      // A remote error carries the `error` member of a reply the peer sent for this id.
      if (outcome.error instanceof RpcRemoteError) {
        const details = outcome.error.details;
        assert.ok(
          r.replies.some((b) => isDeepStrictEqual(b.error, details)),
          `request ${r.id} rejected with an error nobody sent`,
        );
      }
    } else {
      // A value is the `result` of a reply the peer sent for this id, with no error in it.
      assert.ok(
        r.replies.some(
          (b) => (b.error ?? null) === null && isDeepStrictEqual(b.result ?? null, outcome.value),
        ),
        `request ${r.id} resolved with ${JSON.stringify(outcome.value)}, which no reply for it held`,
      );
    }
  }
}

/** Closed once with a typed reason, counters back at zero; or open and still answering. */
async function checkEnd(played: Played): Promise<void> {
  const { conn, closeEvents } = played;
  assert.ok(closeEvents.length <= 1, `${closeEvents.length} close events`);
  if (conn.closed) {
    assert.equal(closeEvents.length, 1, 'closed without a close event');
    const reason = closeEvents[0];
    if (!played.injectedError) {
      assert.ok(reason === undefined || reason instanceof OvndbError, `closed because of ${String(reason)}`);
    }
    assert.equal(conn.inFlight, 0);
    assert.equal(conn.queued, 0);
    return;
  }
  assert.equal(closeEvents.length, 0);
  assert.equal(conn.inFlight, 0);
  assert.equal(conn.queued, 0);
  if (midFrame(played.transport)) {
    // The peer stopped in the middle of a frame: no reply can get through until it finishes
    // it, and if it hangs up instead, that is a typed error.
    played.transport.handlers?.close();
    assert.ok(conn.closed);
    assert.ok(closeEvents[0] instanceof BadFrameError, `closed mid-frame with ${String(closeEvents[0])}`);
    return;
  }
  // Still usable: a new request gets its reply.
  const probe = conn.request('x_probe', [1]);
  await tick();
  const frame = played.transport.frames().find((f) => f.method === 'x_probe');
  assert.ok(frame !== undefined, 'the probe was not written');
  played.transport.receive(Buffer.from(JSON.stringify({ id: frame.id, result: 1, error: null })));
  assert.equal(await probe, 1);
  conn.close();
}

/** What we wrote is JSON, and every response of ours answers a request the peer made. */
function checkWrites(played: Played): void {
  const frames = played.transport.frames();
  for (const f of frames) {
    assert.ok(
      f !== null && typeof f === 'object' && !Array.isArray(f),
      'wrote a frame that is not an object',
    );
    if (!('method' in f)) {
      assert.ok(
        played.serverRequests.some((r) => isDeepStrictEqual(r.id, f.id)),
        `answered id ${JSON.stringify(f.id)}, which the peer never sent`,
      );
    }
  }
}

describe('fuzz: RpcConnection against a hostile peer', { timeout: fuzzTimeout(40_000) }, () => {
  test('every request settles with a sent value or an OvndbError, nothing escapes, closed or usable', async (t) => {
    const escaped: unknown[] = [];
    const onEscape = (error: unknown) => escaped.push(error);
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    try {
      await runProperty(
        t,
        fc.asyncProperty(scenario, async (s: Scenario) => {
          escaped.length = 0;
          const played = await playScenario(s);
          try {
            assert.ok(await answerTheRest(played), 'requests still pending after 50 turns of answering');
            await tick();
            checkOutcomes(played);
            checkWrites(played);
            await checkEnd(played);
            // Rejections nobody handled surface after the microtasks: give them a turn.
            await tick();
            assert.deepEqual(escaped, [], 'an error escaped to the event loop');
          } finally {
            played.conn.close();
          }
        }),
        {
          runs: 600,
          runTimeoutMs: 2000,
          examples: [
            // The peer closes in the middle of a frame: a typed close, every request rejected.
            [
              {
                maxInFlight: 1,
                maxFrameBytes: 1 << 20,
                steps: [
                  { kind: 'request', method: 'echo', params: [], abortable: false },
                  { kind: 'request', method: 'x_fuzz', params: [1], timeoutMs: 1, abortable: true },
                  { kind: 'tick' },
                  { kind: 'bytes', bytes: [...Buffer.from('{"id":1,"res')] },
                  { kind: 'peer-close', withError: false },
                ],
              },
            ],
          ],
        },
      );
    } finally {
      process.off('uncaughtException', onEscape);
      process.off('unhandledRejection', onEscape);
    }
  });

  test('replies of the right shape to every request, in any order and cut anywhere: each gets its own', (t) =>
    runProperty(
      t,
      fc.asyncProperty(
        fc.array(fc.constantFrom('echo', 'transact', 'list_dbs', 'lock', 'x_fuzz'), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 6 }),
        async (methods, maxInFlight, order, cutsAt) => {
          const s: Scenario = { maxInFlight, maxFrameBytes: 1 << 20, steps: [] };
          const played = await playScenario(s);
          const { conn, transport } = played;
          const values = methods.map((m, i) => ({ m, p: conn.request(m, [i]) }));
          const answered = new Set<unknown>();
          // Answer whatever is written, in a shuffled order, as one stream cut at `cutsAt`.
          for (let round = 0; answered.size < methods.length && round < 20; round++) {
            await tick();
            const written = transport.frames().filter((f) => !answered.has(f.id));
            const shuffled = written.map((f, i) => ({ f, k: order[i % Math.max(1, order.length)] ?? i }));
            shuffled.sort((a, b) => a.k - b.k);
            const text = shuffled
              .map(({ f }) => {
                answered.add(f.id);
                const method = f.method as string;
                return JSON.stringify({ id: f.id, result: fittingResult(method, 1), error: null });
              })
              .join('\n');
            const bytes = Buffer.from(text);
            let from = 0;
            for (const c of [
              ...cutsAt.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b),
              bytes.length,
            ]) {
              transport.receive(bytes.subarray(from, Math.max(from, c)));
              from = Math.max(from, c);
            }
          }
          for (const { m, p } of values) assert.deepEqual(await p, fittingResult(m, 1));
          assert.equal(conn.closed, false);
          conn.close();
        },
      ),
      { runs: 300, runTimeoutMs: 2000 },
    ));
});
