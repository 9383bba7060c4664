import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Tables } from '../../src/generated/nb/index.js';
import { model } from '../../src/generated/nb/index.js';
import { connect, type OvsdbClient, op } from '../../src/index.js';
import { CLEAR, mutateColumn, toUuid, type Uuid, whereColumn } from '../../src/model/index.js';
import { ReferentialIntegrityViolationError, TimedOutError } from '../../src/protocol/server-errors.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import {
  type RetryInfo,
  runTransaction,
  type Transaction,
  TransactionAbortedError,
  TransactionConflictError,
  TransactionFinishedError,
} from '../../src/txn/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';
const FAST = { baseMs: 1, maxMs: 4 };

describe('runTransaction against ovsdb-server', { timeout: 20_000 }, () => {
  const nb = nbFixture();

  async function nbctl(...args: string[]): Promise<string> {
    return (await run('ovn-nbctl', [`--db=${nb.server.unix}`, ...args])).stdout.trim();
  }

  async function withOther<V>(fn: (other: OvsdbClient) => Promise<V>): Promise<V> {
    const other = await connect(nb.server.unix);
    try {
      return await fn(other);
    } finally {
      await other.close();
    }
  }

  async function switchUuid(name: string): Promise<Uuid<'Logical_Switch'>> {
    return toUuid<'Logical_Switch'>(await nbctl('get', 'Logical_Switch', name, '_uuid'));
  }

  test('(a) inserts referencing each other by named refs commit in one transaction', async () => {
    const chosen = toUuid<'Logical_Switch_Port'>('5c4a1e2b-0000-4000-8000-00000000000a');
    const outcome = await runTransaction(nb.client, model, (txn) => {
      const p1 = txn.insert(
        'Logical_Switch_Port',
        { name: 'a-p1', addresses: ['router'] },
        { uuidName: 'p1' },
      );
      const p2 = txn.insert('Logical_Switch_Port', { name: 'a-p2' }, { uuid: chosen });
      const ls = txn.insert('Logical_Switch', { name: 'ls-a', ports: [p1] });
      // A later op of the same transaction targets the new row by its ref.
      txn.mutate('Logical_Switch', ls, [mutateColumn('ports', 'insert', [p2])]);
      txn.update('Logical_Switch', ls, { external_ids: { owner: 'txn' }, other_config: CLEAR });
      txn.comment('txn test (a)');
      return { ls, p1 };
    });
    assert.equal(outcome.attempts, 1);
    assert.equal(outcome.results.length, 6);
    const lsUuid = outcome.uuidOf(outcome.value.ls);
    const p1Uuid = outcome.uuidOf(outcome.value.p1);
    assert.ok(lsUuid !== undefined && p1Uuid !== undefined);
    assert.equal(outcome.inserted.p1, p1Uuid);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-a', '_uuid'), lsUuid);
    assert.deepEqual(
      (await nbctl('--bare', '--columns=ports', 'list', 'Logical_Switch', 'ls-a')).split(/\s+/).sort(),
      [p1Uuid, chosen].sort(),
    );
    assert.equal(await nbctl('get', 'Logical_Switch_Port', 'a-p2', '_uuid'), chosen);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-a', 'external_ids:owner'), 'txn');
  });

  test('(b) a row changed between read and commit: the body runs again and commits', async () => {
    await nbctl('ls-add', 'ls-b', '--', 'set', 'Logical_Switch', 'ls-b', 'external_ids:counter=1');
    const retries: RetryInfo[] = [];
    const seen: string[] = [];
    const outcome = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls-b')]);
        assert.ok(ls);
        seen.push(ls.external_ids.counter ?? '');
        // Someone else writes after our read and before our commit, on the first attempt only.
        if (txn.attempt === 1) await nbctl('set', 'Logical_Switch', 'ls-b', 'external_ids:counter=10');
        const next = String(Number(ls.external_ids.counter) + 1);
        txn.update('Logical_Switch', ls._uuid, { external_ids: { ...ls.external_ids, counter: next } });
        return next;
      },
      { backoff: FAST, onRetry: (info) => retries.push(info) },
    );
    assert.equal(outcome.attempts, 2);
    assert.equal(outcome.value, '11');
    assert.deepEqual(seen, ['1', '10']);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-b', 'external_ids:counter'), '"11"');
    assert.equal(retries.length, 1);
    assert.equal(retries[0]!.table, 'Logical_Switch');
    assert.equal(retries[0]!.uuid, await switchUuid('ls-b'));
    assert.ok(retries[0]!.error instanceof TimedOutError);
  });

  test('(b2) a change to a column not verified is no conflict', async () => {
    await nbctl('ls-add', 'ls-b2');
    const outcome = await runTransaction(nb.client, model, async (txn) => {
      const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls-b2')], {
        verify: ['external_ids'],
      });
      assert.ok(ls);
      if (txn.attempt === 1) await nbctl('set', 'Logical_Switch', 'ls-b2', 'other_config:x=y');
      txn.update('Logical_Switch', ls._uuid, { external_ids: { done: 'yes' } });
    });
    assert.equal(outcome.attempts, 1);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-b2', 'external_ids:done'), 'yes');
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-b2', 'other_config:x'), 'y');
  });

  test('(c) a conflict on every attempt: TransactionConflictError, nothing written', async () => {
    await nbctl('ls-add', 'ls-c');
    const uuid = await switchUuid('ls-c');
    let runs = 0;
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        async (txn) => {
          runs++;
          const ls = await txn.get('Logical_Switch', uuid);
          assert.ok(ls);
          await nbctl('set', 'Logical_Switch', 'ls-c', `external_ids:other=${runs}`);
          txn.insert('Logical_Switch', { name: 'ls-c-never' });
          txn.update('Logical_Switch', uuid, { other_config: { mine: 'yes' } });
        },
        { maxAttempts: 3, backoff: FAST },
      ),
      (e: unknown) =>
        e instanceof TransactionConflictError &&
        e.code === 'OVNDB_TRANSACTION_CONFLICT' &&
        e.table === 'Logical_Switch' &&
        e.uuid === uuid &&
        e.attempts === 3 &&
        e.cause instanceof TimedOutError,
    );
    assert.equal(runs, 3);
    assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'name=ls-c-never'), '');
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-c', 'other_config'), '{}');
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-c', 'external_ids:other'), '"3"');
  });

  test('(d) a row read as absent, then inserted by someone else: conflict, then a fresh read', async () => {
    const uuid = toUuid<'Logical_Switch'>('5c4a1e2b-0000-4000-8000-00000000000d');
    const outcome = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        const ls = await txn.get('Logical_Switch', uuid);
        if (txn.attempt === 1) {
          assert.equal(ls, undefined);
          await withOther((other) =>
            other.transact(NB, [op.insert('Logical_Switch', { name: 'ls-d-theirs' }, { uuid })]),
          );
        }
        if (ls === undefined) {
          txn.insert('Logical_Switch', { name: 'ls-d-mine' }, { uuid });
          return 'inserted';
        }
        txn.update('Logical_Switch', uuid, { external_ids: { seen: ls.name } });
        return 'updated';
      },
      { backoff: FAST },
    );
    assert.equal(outcome.attempts, 2);
    assert.equal(outcome.value, 'updated');
    assert.equal(await nbctl('get', 'Logical_Switch', uuid, 'name'), 'ls-d-theirs');
    assert.equal(await nbctl('get', 'Logical_Switch', uuid, 'external_ids:seen'), 'ls-d-theirs');
    assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'name=ls-d-mine'), '');
  });

  test('(d2) with maxAttempts 1 an absent-row conflict names the row', async () => {
    const uuid = toUuid<'Logical_Switch'>('5c4a1e2b-0000-4000-8000-0000000000d2');
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        async (txn) => {
          await txn.get('Logical_Switch', uuid);
          await withOther((other) =>
            other.transact(NB, [op.insert('Logical_Switch', { name: 'ls-d2' }, { uuid })]),
          );
          txn.comment('only a comment');
        },
        { maxAttempts: 1 },
      ),
      (e: unknown) => e instanceof TransactionConflictError && e.uuid === uuid && e.attempts === 1,
    );
  });

  test('(e) a server error that is no conflict propagates at once, without retry', async () => {
    await nbctl('ls-add', 'ls-e');
    const missing = toUuid<'Logical_Switch_Port'>('5c4a1e2b-0000-4000-8000-00000000000e');
    let runs = 0;
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        async (txn) => {
          runs++;
          const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls-e')]);
          assert.ok(ls);
          txn.update('Logical_Switch', ls._uuid, { ports: [missing] });
        },
        { backoff: FAST },
      ),
      (e: unknown) => e instanceof ReferentialIntegrityViolationError,
    );
    assert.equal(runs, 1);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-e', 'ports'), '[]');

    // The body's own wait that times out is not a verify: it propagates too.
    runs = 0;
    await assert.rejects(
      runTransaction(nb.client, model, async (txn) => {
        runs++;
        await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls-e')]);
        txn.wait(
          'Logical_Switch',
          [whereColumn('name', '==', 'ls-e')],
          ['name'],
          '!=',
          [{ name: 'ls-e' }],
          0,
        );
        txn.insert('Logical_Switch', { name: 'ls-e-never' });
      }),
      (e: unknown) => e instanceof TimedOutError && e.operationIndex === 1,
    );
    assert.equal(runs, 1);
    assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'name=ls-e-never'), '');
  });

  test('a bad value fails before sending, naming table, column and value; nothing written', async () => {
    let runs = 0;
    await assert.rejects(
      runTransaction(nb.client, model, (txn) => {
        runs++;
        const route = txn.insert('Logical_Router_Static_Route', {
          ip_prefix: '10.9.0.0/24',
          nexthop: '192.0.2.9',
          policy: 'sideways' as 'src-ip',
        });
        txn.insert('Logical_Router', { name: 'lr-bad', static_routes: [route] });
      }),
      (e: unknown) =>
        e instanceof InvalidValueError &&
        e.table === 'Logical_Router_Static_Route' &&
        e.column === 'policy' &&
        e.value === 'sideways',
    );
    assert.equal(runs, 1);
    assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Router', 'name=lr-bad'), '');
    assert.equal(await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Router_Static_Route'), '');

    // A value of the wrong type fails already in the body, in the builder.
    await assert.rejects(
      runTransaction(nb.client, model, (txn) => {
        txn.insert('Logical_Switch', { name: 7 as unknown as string });
      }),
      (e: unknown) => e instanceof InvalidValueError && e.table === 'Logical_Switch' && e.column === 'name',
    );
  });

  test('(f) abort: during the wait before a retry, and between body and commit', async () => {
    await nbctl('ls-add', 'ls-f');
    const uuid = await switchUuid('ls-f');
    const controller = new AbortController();
    let runs = 0;
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        async (txn) => {
          runs++;
          await txn.get('Logical_Switch', uuid);
          await nbctl('set', 'Logical_Switch', 'ls-f', `external_ids:n=${runs}`);
          txn.update('Logical_Switch', uuid, { other_config: { f: 'f' } });
        },
        // A long backoff: only the abort can end the wait in time.
        {
          signal: controller.signal,
          backoff: { baseMs: 60_000, maxMs: 60_000 },
          onRetry: () => controller.abort('stop'),
        },
      ),
      (e: unknown) =>
        e instanceof TransactionAbortedError &&
        e.code === 'OVNDB_TRANSACTION_ABORTED' &&
        e.attempts === 1 &&
        e.cause === 'stop',
    );
    assert.equal(runs, 1);

    const second = new AbortController();
    let kept: Transaction<Tables> | undefined;
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        (txn) => {
          kept = txn;
          txn.insert('Logical_Switch', { name: 'ls-f-never' });
          second.abort();
        },
        { signal: second.signal },
      ),
      TransactionAbortedError,
    );
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-f', 'other_config'), '{}');
    assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Switch', 'name=ls-f-never'), '');
    // The attempt is over: its transaction refuses further use.
    assert.throws(() => kept?.comment('late'), TransactionFinishedError);

    // Already aborted: the body never runs.
    runs = 0;
    await assert.rejects(
      runTransaction(nb.client, model, () => void runs++, { signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof TransactionAbortedError && e.attempts === 0,
    );
    assert.equal(runs, 0);
  });

  test('a read-only body verifies its reads; verify: false reads cause no retry', async () => {
    await nbctl('ls-add', 'ls-g');
    const uuid = await switchUuid('ls-g');
    const outcome = await runTransaction(nb.client, model, async (txn) => {
      const ls = await txn.get('Logical_Switch', uuid, { verify: false });
      if (txn.attempt === 1) await nbctl('set', 'Logical_Switch', 'ls-g', 'external_ids:x=1');
      return ls?.name;
    });
    assert.equal(outcome.value, 'ls-g');
    assert.equal(outcome.attempts, 1);
    assert.deepEqual(outcome.results, []);

    const verified = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        const ls = await txn.get('Logical_Switch', uuid);
        if (txn.attempt === 1) await nbctl('set', 'Logical_Switch', 'ls-g', 'external_ids:x=2');
        return ls?.external_ids.x;
      },
      { backoff: FAST },
    );
    assert.equal(verified.value, '2');
    assert.equal(verified.attempts, 2);
  });

  test('txn.verify checks a row read elsewhere', async () => {
    await nbctl('ls-add', 'ls-h');
    const uuid = await switchUuid('ls-h');
    const snapshot = await runTransaction(nb.client, model, (txn) =>
      txn.get('Logical_Switch', uuid, { verify: false }),
    );
    assert.ok(snapshot.value);
    await nbctl('set', 'Logical_Switch', 'ls-h', 'external_ids:y=1');
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        (txn) => {
          txn.verify('Logical_Switch', snapshot.value!, ['external_ids']);
          txn.update('Logical_Switch', uuid, { other_config: { z: '1' } });
        },
        { maxAttempts: 1 },
      ),
      (e: unknown) => e instanceof TransactionConflictError && e.uuid === uuid,
    );
    // Verifying only a column that did not change commits.
    const ok = await runTransaction(nb.client, model, (txn) => {
      txn.verify('Logical_Switch', snapshot.value!, ['name']);
      txn.update('Logical_Switch', uuid, { other_config: { z: '1' } });
    });
    assert.equal(ok.attempts, 1);
    assert.equal(await nbctl('get', 'Logical_Switch', 'ls-h', 'other_config:z'), '"1"');
  });
});
