import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type LogicalSwitch, model, type Tables } from '../../src/generated/nb/index.js';
import { toUuid } from '../../src/model/index.js';
import { sleep } from '../../src/txn/backoff.js';
import { clientRowSource, type RowSource, retryDelayMs, runTransaction } from '../../src/txn/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const run = promisify(execFile);

describe('backoff', { timeout: 20_000 }, () => {
  test('delays grow, stay in the upper half of their ceiling and are capped', () => {
    const backoff = { baseMs: 10, maxMs: 50 };
    assert.equal(
      retryDelayMs(1, backoff, () => 0),
      5,
    );
    assert.equal(
      retryDelayMs(1, backoff, () => 1),
      10,
    );
    assert.equal(
      retryDelayMs(2, backoff, () => 1),
      20,
    );
    assert.equal(
      retryDelayMs(3, backoff, () => 0),
      20,
    );
    assert.equal(
      retryDelayMs(9, backoff, () => 1),
      50,
    );
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(2, backoff);
      assert.ok(d >= 10 && d <= 20, String(d));
    }
  });

  test('sleep ends early on abort and says so', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    assert.equal(await slept, false);
    assert.equal(await sleep(1), true);
    assert.equal(await sleep(60_000, AbortSignal.abort()), false);
  });
});

describe('runTransaction with another RowSource', { timeout: 20_000 }, () => {
  const nb = nbFixture();

  test('a synchronous source (a stale replica stand-in) conflicts until it catches up', async () => {
    await run('ovn-nbctl', [`--db=${nb.server.unix}`, 'ls-add', 'ls-sync']);
    const uuid = toUuid<'Logical_Switch'>(
      (
        await run('ovn-nbctl', [`--db=${nb.server.unix}`, 'get', 'Logical_Switch', 'ls-sync', '_uuid'])
      ).stdout.trim(),
    );
    const fresh = clientRowSource(nb.client, model);
    const first = (await fresh.get('Logical_Switch', uuid)) as LogicalSwitch;
    // The replica holds a row that is already out of date.
    await run('ovn-nbctl', [
      `--db=${nb.server.unix}`,
      'set',
      'Logical_Switch',
      'ls-sync',
      'external_ids:v=2',
    ]);
    const rows = new Map<string, LogicalSwitch>([[uuid, first]]);
    const replica: RowSource<Tables> = {
      get: (table, id) => (table === 'Logical_Switch' ? (rows.get(id) as never) : undefined),
      select: () => [],
    };
    const outcome = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        const ls = await txn.get('Logical_Switch', uuid);
        txn.update('Logical_Switch', uuid, { other_config: { seen: ls?.external_ids.v ?? 'none' } });
      },
      {
        rowSource: replica,
        backoff: { baseMs: 1, maxMs: 1 },
        // The replica catches up before the retry.
        onRetry: async () => {
          rows.set(uuid, (await fresh.get('Logical_Switch', uuid)) as LogicalSwitch);
        },
      },
    );
    assert.equal(outcome.attempts, 2);
    const seen = await run('ovn-nbctl', [
      `--db=${nb.server.unix}`,
      'get',
      'Logical_Switch',
      'ls-sync',
      'other_config:seen',
    ]);
    assert.equal(seen.stdout.trim(), '"2"');
  });
});
