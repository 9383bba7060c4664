import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultReconnectPolicy, resolveReconnectPolicy, roundDelay } from '../../src/index.js';
import {
  guardFailed,
  isReadOnly,
  markGuard,
  prepareOperations,
  recoveredResults,
  writeMark,
} from '../../src/session/write-outcome.js';

describe('reconnect policy', () => {
  test('defaults fill in, undefined takes the default, jitter is clamped', () => {
    assert.deepEqual(resolveReconnectPolicy(), defaultReconnectPolicy);
    const policy = resolveReconnectPolicy({ maxDelayMs: undefined, initialDelayMs: 50, jitter: 7 });
    assert.equal(policy.maxDelayMs, defaultReconnectPolicy.maxDelayMs);
    assert.equal(policy.initialDelayMs, 50);
    assert.equal(policy.jitter, 1);
  });

  test('round 0 is immediate, then the delay doubles up to the cap', () => {
    const policy = resolveReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 60].map((round) => roundDelay(round, policy)),
      [0, 100, 200, 400, 800, 1000, 1000, 1000],
    );
  });

  test('jitter takes a random fraction off, never more than the jitter share', () => {
    const policy = resolveReconnectPolicy({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.5 });
    assert.equal(
      roundDelay(1, policy, () => 0),
      1000,
    );
    assert.equal(
      roundDelay(1, policy, () => 0.999999),
      500,
    );
    for (let i = 0; i < 100; i++) {
      const delay = roundDelay(3, policy);
      assert.ok(delay >= 500 && delay <= 1000, `delay ${delay}`);
    }
  });
});

describe('write outcome marks', () => {
  const insert = { op: 'insert' as const, table: 'Logical_Switch', row: { name: 'a' } };
  const update = { op: 'update' as const, table: 'Logical_Switch', where: [], row: { name: 'b' } };

  test('inserts get client-chosen uuids, given ones are kept, the lock assert goes last', () => {
    const given = { ...insert, uuid: '11111111-2222-3333-4444-555555555555' };
    const ops = prepareOperations([insert, given, update], true, 'ctl');
    assert.match((ops[0] as { uuid: string }).uuid, /^[0-9a-f]{8}-/);
    assert.equal(ops[1], given, 'an insert that already has a uuid is not copied');
    assert.equal(ops[2], update);
    assert.deepEqual(ops[3], { op: 'assert', lock: 'ctl' });
    assert.equal(insert.row.name, 'a');
    assert.equal((insert as { uuid?: string }).uuid, undefined, "the caller's operation is not changed");
    assert.equal(prepareOperations([insert], false, undefined)[0], insert);
  });

  test('the mark is the first insert with a uuid; its guard fails when the row exists', () => {
    const ops = prepareOperations([update, insert], true, undefined);
    const mark = writeMark(ops);
    assert.equal(mark?.table, 'Logical_Switch');
    assert.deepEqual(markGuard(mark!), {
      op: 'wait',
      table: 'Logical_Switch',
      where: [['_uuid', '==', ['uuid', mark?.uuid]]],
      columns: ['_uuid'],
      until: '==',
      rows: [],
      timeout: 0,
    });
    assert.equal(writeMark([update]), undefined);
    assert.equal(guardFailed([{ error: 'timed out', details: '' }, null]), true);
    assert.equal(guardFailed([{}, { uuid: ['uuid', 'x'] }]), false);
    assert.equal(guardFailed([null]), false);
  });

  test('read-only transactions and recovered results', () => {
    assert.equal(
      isReadOnly([
        { op: 'select', table: 't', where: [] },
        { op: 'comment', comment: 'x' },
      ]),
      true,
    );
    assert.equal(isReadOnly([update]), false);
    const ops = prepareOperations([insert, update], true, 'ctl');
    const results = recoveredResults(ops, 2);
    assert.deepEqual(results, [{ uuid: ['uuid', (ops[0] as { uuid: string }).uuid] }, {}]);
  });
});
