import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, NotOwnerError, type OvsdbClient, op } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

describe('locks: lock, unlock, steal, locked and stolen', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let a: OvsdbClient;
  let b: OvsdbClient;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    a = await connect(server.unix);
    b = await connect(server.unix);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  test('the second asker waits, gets locked when the first unlocks, and loses it to steal', async () => {
    assert.equal(await a.lock('leader'), true);
    // With the lock held, assert passes and the write commits.
    await a.transact(NB, [op.assert('leader'), op.insert('Logical_Switch', { name: 'by-holder' })]);
    assert.equal(await b.lock('leader'), false);
    await assert.rejects(b.transact(NB, [op.assert('leader')]), NotOwnerError);

    const granted = nextEvent<[string]>(b, 'locked', (id) => id === 'leader');
    await a.unlock('leader');
    assert.deepEqual(await granted, ['leader']);

    const stolen = nextEvent<[string]>(b, 'stolen', (id) => id === 'leader');
    assert.equal(await a.steal('leader'), true);
    assert.deepEqual(await stolen, ['leader']);
    await assert.rejects(b.transact(NB, [op.assert('leader')]), NotOwnerError);
    await a.transact(NB, [op.assert('leader')]);
  });
});
