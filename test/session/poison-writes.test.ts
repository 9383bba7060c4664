/**
 * A write the real ovsdb-server refuses to read (a NUL in a string: it closes the connection,
 * lib/json.c) must neither livelock a Session nor take other writes down with it. Validation
 * refuses it first; with validation off, the session isolates it, fails it with a typed error
 * naming it, and goes on; a plain client names the request its connection closed on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import {
  ConnectionClosedError,
  connect,
  FailoverBudgetExceededError,
  InvalidValueError,
  op,
  PoisonWriteError,
  Replica,
  Session,
  whereColumn,
} from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const POISON = 'bad\u0000name';

async function namesOnServer(server: RunningServer): Promise<string[]> {
  const out = await server.client(
    'query',
    server.unix,
    JSON.stringify([NB, { op: 'select', table: 'Logical_Switch', where: [], columns: ['name'] }]),
  );
  return ((JSON.parse(out) as Array<{ rows: Array<{ name: string }> }>)[0]?.rows ?? [])
    .map((r) => r.name)
    .sort();
}

describe('poison writes against a real ovsdb-server', { timeout: 90_000 }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
  });
  after(async () => {
    await server?.stop();
  });

  test('validation refuses a NUL in a string, naming table, column and value; nothing is sent', async () => {
    const client = await connect(server.unix);
    try {
      await client.getSchema(NB);
      await assert.rejects(client.transact(NB, [op.insert('Logical_Switch', { name: POISON })]), (error) => {
        assert.ok(error instanceof InvalidValueError);
        assert.equal(error.table, 'Logical_Switch');
        assert.equal(error.column, 'name');
        assert.match(error.message, /NUL/);
        return true;
      });
      // In a map key, a condition and a comment too.
      await assert.rejects(
        client.transact(NB, [
          op.insert('Logical_Switch', { name: 'ok', external_ids: ['map', [[POISON, 'x']]] }),
        ]),
        InvalidValueError,
      );
      await assert.rejects(
        client.transact(NB, [op.select('Logical_Switch', [['name', '==', POISON]])]),
        InvalidValueError,
      );
      await assert.rejects(client.transact(NB, [op.comment(POISON)]), InvalidValueError);
      assert.equal(client.state.status, 'open', 'the connection is untouched');
      assert.deepEqual(await namesOnServer(server), []);
    } finally {
      await client.close();
    }
  });

  test('a replica condition with a NUL is refused before its monitor request is sent', async () => {
    const client = await connect(server.unix);
    try {
      await assert.rejects(
        Replica.start(client, nbModel, {
          tables: { Logical_Switch: { where: [whereColumn('name', '==', POISON)] } },
        }),
        (error) => error instanceof InvalidValueError && error.column === 'name',
      );
      assert.equal(client.state.status, 'open');
    } finally {
      await client.close();
    }
  });

  test('a plain client whose request the server cannot read names that request', async () => {
    const client = await connect(server.unix);
    try {
      await client.getSchema(NB);
      const poison = client.transact(NB, [op.insert('Logical_Switch', { name: POISON })], {
        validate: false,
      });
      await assert.rejects(poison, (error) => {
        assert.ok(error instanceof ConnectionClosedError);
        assert.equal(error.oldestUnanswered?.method, 'transact');
        assert.match(error.oldestUnanswered?.excerpt ?? '', /bad\\u0000name/);
        assert.match(error.message, /oldest transact \(id \d+\)/);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  test('a session fails the poison write alone, keeps the budget, and the writes behind it commit', async () => {
    const session = await Session.open(server.unix, {
      database: NB,
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, failoverBudgetMs: 20_000 },
    });
    let disconnects = 0;
    session.on('disconnected', () => disconnects++);
    try {
      const before = session.transact([op.insert('Logical_Switch', { name: 'before' })]);
      const poison = session.transact([op.insert('Logical_Switch', { name: POISON })], { validate: false });
      const after = session.transact([op.insert('Logical_Switch', { name: 'after' })]);
      const started = Date.now();
      await assert.rejects(poison, (error) => {
        assert.ok(error instanceof PoisonWriteError, String(error));
        assert.equal(error.database, NB);
        assert.match(error.message, /insert Logical_Switch/);
        assert.ok(error.closes === 4);
        return true;
      });
      await before;
      await after;
      assert.ok(Date.now() - started < 15_000, 'settled well within the budget');
      assert.ok(disconnects >= 4 && disconnects <= 6, `${disconnects} disconnects, not a storm`);
      assert.equal(session.state.phase, 'ready');
      assert.deepEqual(await namesOnServer(server), ['after', 'before']);
    } finally {
      await session.close();
    }
  });

  test('the failover budget spans every reconnect of one failover', async () => {
    // Each reconnect is quick, but the failover lasts until a write is answered: the second
    // one already waits a round delay longer than what is left of the budget.
    const session = await Session.open(server.unix, {
      database: NB,
      reconnect: { initialDelayMs: 500, maxDelayMs: 500, jitter: 0, failoverBudgetMs: 100 },
    });
    const gaveUp = new Promise<unknown>((resolve) => session.once('closed', resolve));
    const poison = session.transact([op.insert('Logical_Switch', { name: POISON })], { validate: false });
    await assert.rejects(poison);
    assert.ok((await gaveUp) instanceof FailoverBudgetExceededError);
    assert.equal(session.state.phase, 'closed');
  });
});
