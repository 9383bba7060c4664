import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LogicalRouterTable, LogicalSwitchTable, model as nbModel } from '../../src/generated/nb/index.js';
import {
  connect,
  database,
  insertRow,
  type OvsdbClient,
  TransactionConflictError,
  updateRows,
  whereColumn,
} from '../../src/index.js';
import { findNamed } from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { until } from '../helpers/replica-wait.js';

const NB = 'OVN_Northbound';
const BY_NAME = { name: 'byName', columns: ['name'] } as const;

describe('indexes added to a running replica', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let other: OvsdbClient;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix);
    other = await connect(server.unix);
  });
  after(async () => {
    await client?.close();
    await other?.close();
    await server?.stop();
  });

  const insertRouter = (name: string) =>
    other.transact(NB, [insertRow(LogicalRouterTable, { name }, { uuidName: 'lr' }).operation]);

  test('ensureIndex fills the index from the rows present and keeps it as rows change', async () => {
    await insertRouter('r1');
    const replica = await database(client, nbModel).replica();
    await until(replica, () => replica.count('Logical_Router') === 1);
    assert.ok(!replica.indexes('Logical_Router').includes('byName'));
    assert.equal(replica.ensureIndex('Logical_Router', BY_NAME), true);
    assert.equal(replica.ensureIndex('Logical_Router', BY_NAME), false, 'a second call adds nothing');
    assert.deepEqual(replica.indexParts('Logical_Router', 'byName'), ['name']);
    const typed = replica.withIndexes({ Logical_Router: { indexes: [BY_NAME] } });
    const find = (name: string) => typed.find('Logical_Router', 'byName', name).map((row) => row.name);
    assert.deepEqual(find('r1'), ['r1']);

    await insertRouter('r2');
    await insertRouter('r2'); // routers have no unique name in the schema: both are kept
    await until(replica, () => find('r2').length === 2);
    const [r1] = typed.find('Logical_Router', 'byName', 'r1');
    await other.transact(NB, [
      updateRows(LogicalRouterTable, [whereColumn('_uuid', '==', r1!._uuid)], { name: 'r1-renamed' }),
    ]);
    await until(replica, () => find('r1').length === 0);
    assert.deepEqual(find('r1-renamed'), ['r1-renamed']);
  });

  test('findNamed adds an index on name on first use, and finds through it', async () => {
    const fresh = await connect(server.unix);
    try {
      const replica = await database(fresh, nbModel).replica();
      assert.ok(!replica.indexes('Logical_Switch').includes('name'));
      assert.equal(findNamed(replica, 'Logical_Switch', 'absent'), undefined);
      assert.ok(replica.indexes('Logical_Switch').includes('name'));
      await other.transact(NB, [
        insertRow(LogicalSwitchTable, { name: 'ls1' }, { uuidName: 'ls' }).operation,
      ]);
      await until(replica, () => findNamed(replica, 'Logical_Switch', 'ls1') !== undefined);
    } finally {
      await fresh.close();
    }
  });

  test('a look-up through a transaction view is verified at commit', async () => {
    const nb = database(client, nbModel);
    await insertRouter('watched');
    const replica = await nb.replica();
    await until(replica, () => replica.where('Logical_Router', (r) => r.name === 'watched').length === 1);
    let attempts = 0;
    await assert.rejects(
      nb.transaction(
        async (txn) => {
          attempts++;
          txn.view.ensureIndex('Logical_Router', BY_NAME);
          // The view's find is typed with the schema's indexes: a client index is named untyped.
          const view = txn.view as unknown as {
            find(table: string, index: string, ...values: unknown[]): unknown[];
          };
          const found = view.find('Logical_Router', 'byName', 'watched');
          assert.equal(found.length, 1);
          // Another client adds a row under the key read: the decision rested on one router.
          await insertRouter('watched');
          txn.add([insertRow(LogicalSwitchTable, { name: `after-${attempts}` }).operation]);
        },
        { maxAttempts: 1 },
      ),
      (error: unknown) =>
        error instanceof TransactionConflictError && /watched/.test(error.lookup ?? '') && attempts === 1,
    );
    assert.equal(replica.where('Logical_Switch', (ls) => ls.name === 'after-1').length, 0, 'nothing written');
  });
});
