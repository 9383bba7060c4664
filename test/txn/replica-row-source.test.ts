import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogicalSwitchTable, model as nbModel } from '../../src/generated/nb/index.js';
import {
  connect,
  InvalidValueError,
  insertRow,
  Replica,
  replicaRowSource,
  runTransaction,
  updateRows,
  whereColumn,
} from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';

describe('transactions reading from a replica', { timeout: 30_000 }, () => {
  test('reads come from memory; a conflicting write makes the body run again on newer rows', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    const other = await connect(server.unix);
    try {
      await client.transact(NB, [
        insertRow(LogicalSwitchTable, { name: 'ls0', external_ids: { counter: '0' } }).operation,
        insertRow(LogicalSwitchTable, { name: 'ls1', other_config: { x: '1' } }).operation,
      ]);
      const replica = await Replica.start(client, nbModel, { tables: { Logical_Switch: true } });
      const source = replicaRowSource(replica);
      // Conditions are evaluated locally with the server's rules.
      const ones = await source.select('Logical_Switch', [
        whereColumn('other_config', 'includes', { x: '1' }),
      ]);
      assert.deepEqual(
        ones.map((r) => r.name),
        ['ls1'],
      );
      assert.equal((await source.select('Logical_Switch', [])).length, 2);
      let runs = 0;
      const outcome = await runTransaction(
        client,
        nbModel,
        async (txn) => {
          runs++;
          const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls0')]);
          assert.ok(ls);
          const next = Number(ls.external_ids.counter) + 1;
          if (runs === 1) {
            // Someone else bumps the counter between our read and our commit.
            await other.transact(NB, [
              updateRows(LogicalSwitchTable, [whereColumn('name', '==', 'ls0')], {
                external_ids: { counter: '10' },
              }),
            ]);
          }
          txn.update('Logical_Switch', ls._uuid, { external_ids: { counter: String(next) } });
          return next;
        },
        { rowSource: source },
      );
      assert.equal(outcome.attempts, 2);
      assert.equal(outcome.value, 11);
      // Read-your-writes: the replica already shows the committed value.
      assert.equal(replica.where('Logical_Switch', (r) => r.name === 'ls0')[0]?.external_ids.counter, '11');
      await replica.close();
    } finally {
      await other.close();
      await client.close();
      await server.stop();
    }
  });

  test('the waits of rows read carry what the server sent; a look-up key from the caller is still checked', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      await client.transact(NB, [insertRow(LogicalSwitchTable, { name: 'ls0' }).operation]);
      const replica = await Replica.start(client, nbModel, {
        tables: { Logical_Switch: true, Logical_Switch_Port: true },
      });
      const [ls0] = replica.where('Logical_Switch', (r) => r.name === 'ls0');
      assert.ok(ls0);
      // A row read: its verify wait goes out with the commit, which succeeds.
      const read = await runTransaction(
        client,
        nbModel,
        (txn) => {
          const ls = txn.view.get('Logical_Switch', ls0._uuid);
          txn.update('Logical_Switch', ls0._uuid, { external_ids: { seen: ls?.name ?? '' } });
        },
        { replica },
      );
      assert.ok(read.sent);
      // A look-up by a name the server cannot take (a NUL in it): refused before sending.
      await assert.rejects(
        runTransaction(
          client,
          nbModel,
          (txn) => {
            txn.view.find('Logical_Switch_Port', 'name', 'bad\u0000name');
            txn.insert('Logical_Switch', { name: 'ls1' });
          },
          { replica },
        ),
        (error: unknown) => error instanceof InvalidValueError && error.table === 'Logical_Switch_Port',
      );
      assert.deepEqual(
        replica
          .list('Logical_Switch')
          .map((r) => r.name)
          .sort(),
        ['ls0'],
      );
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
