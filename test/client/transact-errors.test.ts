import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AbortedError,
  ConstraintViolationError,
  DuplicateUuidError,
  DuplicateUuidNameError,
  InvalidOperationError,
  NotOwnerError,
  OvsdbServerError,
  op,
  ReferentialIntegrityViolationError,
  TimedOutError,
} from '../../src/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const NB = 'OVN_Northbound';

describe('server errors are typed and point at the operation', { timeout: 60_000 }, () => {
  const nb = nbFixture();

  async function countRows(table: string): Promise<number> {
    const out = await nb.server.client(
      'query',
      nb.server.unix,
      JSON.stringify([NB, op.select(table, [], ['_uuid'])]),
    );
    return (JSON.parse(out) as [{ rows: unknown[] }])[0].rows.length;
  }

  test('duplicate uuid on a client-chosen insert', async () => {
    const uuid = '6f1a5c3e-2d4b-4e8f-9a1b-3c5d7e9f1a2b';
    await nb.client.transact(NB, [op.insert('Logical_Switch', { name: 'dup-a' }, { uuid })]);
    await assert.rejects(
      nb.client.transact(NB, [op.comment('first'), op.insert('Logical_Switch', { name: 'dup-b' }, { uuid })]),
      (e: unknown) => {
        assert.ok(e instanceof DuplicateUuidError);
        assert.equal(e.code, 'OVSDB_DUPLICATE_UUID');
        assert.equal(e.operationIndex, 1);
        assert.equal(e.operation, 'insert');
        assert.equal(e.table, 'Logical_Switch');
        assert.equal(e.commit, false);
        return true;
      },
    );
    assert.equal(await countRows('Logical_Switch'), 1);
  });

  test('duplicate uuid-name', async () => {
    await assert.rejects(
      nb.client.transact(NB, [
        op.insert('Logical_Switch', { name: 'n1' }, { uuidName: 'same' }),
        op.insert('Logical_Switch', { name: 'n2' }, { uuidName: 'same' }),
      ]),
      (e: unknown) => e instanceof DuplicateUuidNameError && e.operationIndex === 1,
    );
  });

  test('constraint violation at commit: a second NB_Global row (maxRows 1)', async () => {
    await nb.client.transact(NB, [op.insert('NB_Global', {})]);
    await assert.rejects(nb.client.transact(NB, [op.insert('NB_Global', {})]), (e: unknown) => {
      assert.ok(e instanceof ConstraintViolationError);
      assert.equal(e.commit, true);
      assert.equal(e.operationIndex, undefined);
      assert.equal(typeof e.details, 'string');
      return true;
    });
    assert.equal(await countRows('NB_Global'), 1);
  });

  test('constraint violation on a duplicate index key names the table', async () => {
    await nb.client.transact(NB, [op.insert('Address_Set', { name: 'as1' })]);
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Address_Set', { name: 'as1' })]),
      ConstraintViolationError,
    );
  });

  test('referential integrity violation at commit', async () => {
    await assert.rejects(
      nb.client.transact(NB, [
        op.insert('Logical_Router', {
          name: 'lr-ref',
          ports: ['uuid', '11111111-2222-3333-4444-555555555555'],
        }),
      ]),
      (e: unknown) => e instanceof ReferentialIntegrityViolationError && e.commit,
    );
  });

  test('abort operation', async () => {
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Logical_Switch', { name: 'aborted' }), op.abort()]),
      (e: unknown) => e instanceof AbortedError && e.operationIndex === 1,
    );
    assert.equal(await countRows('Logical_Switch'), 1);
  });

  test('wait with timeout 0 that does not hold: timed out', async () => {
    await assert.rejects(
      nb.client.transact(NB, [
        op.wait('Logical_Switch', [['name', '==', 'dup-a']], ['name'], '!=', [{ name: 'dup-a' }], {
          timeout: 0,
        }),
      ]),
      (e: unknown) => e instanceof TimedOutError && e.table === 'Logical_Switch',
    );
  });

  test('assert on a lock this session does not hold: not owner', async () => {
    await assert.rejects(nb.client.transact(NB, [op.assert('nobody_has_it')]), (e: unknown) => {
      assert.ok(e instanceof NotOwnerError);
      assert.ok(e instanceof OvsdbServerError);
      return true;
    });
  });

  test('a lock name or uuid-name that is not an id fails before sending', async () => {
    await assert.rejects(
      nb.client.transact(NB, [op.assert('not-an-id')]),
      (e: unknown) => e instanceof InvalidOperationError && e.reason === 'bad-operation',
    );
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Logical_Switch', { name: 'x' }, { uuidName: '1bad' })]),
      (e: unknown) => e instanceof InvalidOperationError && e.table === 'Logical_Switch',
    );
    await assert.rejects(nb.client.lock('not-an-id'), InvalidOperationError);
  });

  test('server-side verdicts when client checking is off', async () => {
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Logical_Router', { name: 'x', no_such: 1 })], { validate: false }),
      (e: unknown) => e instanceof OvsdbServerError && e.operationIndex === 0 && e.table === 'Logical_Router',
    );
  });
});
