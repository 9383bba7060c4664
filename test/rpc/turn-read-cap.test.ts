/**
 * The per-turn read cap schedules nothing for small turns (a transaction's reply at one
 * request in flight), and still pauses a turn that reaches the cap.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TURN_READ_BYTES, TurnReadCap } from '../../src/rpc/turn-read-cap.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnReadCap', { timeout: 5_000 }, () => {
  test('small turns schedule no immediate and never pause', { timeout: 5_000 }, async () => {
    const calls: string[] = [];
    const cap = new TurnReadCap(
      () => calls.push('pause'),
      () => calls.push('resume'),
      () => true,
    );
    for (let turn = 0; turn < 1000; turn++) {
      cap.received(60);
      assert.equal((cap as unknown as { scheduled: boolean }).scheduled, false, `turn ${turn}`);
      if (turn % 100 === 0) await nextTurn();
    }
    assert.deepEqual(calls, []);
  });

  test('bytes carried from small turns never let a turn scan more than the cap', {
    timeout: 5_000,
  }, async () => {
    const calls: string[] = [];
    const cap = new TurnReadCap(
      () => calls.push('pause'),
      () => calls.push('resume'),
      () => true,
    );
    // Small turns carry up to just under the reset mark.
    for (let i = 0; i < 63; i++) cap.received(1024);
    await nextTurn();
    const chunk = 16 * 1024;
    let scanned = 0;
    while (calls.length === 0) {
      cap.received(chunk);
      scanned += chunk;
      assert.ok(scanned <= TURN_READ_BYTES, `${scanned} bytes scanned in one turn before a pause`);
    }
    assert.deepEqual(calls, ['pause']);
    await nextTurn();
    assert.deepEqual(calls, ['pause', 'resume']);
    // The count started over: a full cap again before the next pause.
    scanned = 0;
    while (calls.length === 2) {
      cap.received(chunk);
      scanned += chunk;
    }
    assert.equal(scanned, TURN_READ_BYTES);
  });
});
