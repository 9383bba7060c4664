/**
 * The database handle, on a real ovsdb-server: a plain connection's database and a session
 * opened with a model offer the same surface (transact, transaction, replica, locks, close),
 * and the OVN helpers compose in one transaction on either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { model, type Tables } from '../../src/generated/nb/index.js';
import {
  type ClientDatabase,
  connect,
  type DatabaseHandle,
  database,
  InvalidValueError,
  LockNotHeldError,
  ModelRequiredError,
  NotOwnerError,
  type OvsdbClient,
  ReplicaClosedError,
  Session,
  SessionWaitTimeoutError,
  WaitAbortedError,
} from '../../src/index.js';
import {
  addStaticRoute,
  applyVpc,
  createRouter,
  ObjectExistsError,
  ObjectNotFoundError,
} from '../../src/ovn/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';

describe('database handles', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  let other: OvsdbClient;
  let plain: ClientDatabase<Tables>;
  let session: Session<Tables>;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix);
    other = await connect(server.unix);
    plain = database(client, model);
    session = await Session.open(server.unix, { model });
  });
  after(async () => {
    await plain?.close();
    await session?.close();
    await client?.close();
    await other?.close();
    await server?.stop();
  });

  for (const kind of ['database(client, model)', 'Session.open(remote, { model })'] as const) {
    const handle = (): DatabaseHandle<Tables> => (kind === 'database(client, model)' ? plain : session);
    const tag = kind === 'database(client, model)' ? 'plain' : 'session';

    test(`${kind}: name, model, transact with schema checks`, async () => {
      const nb = handle();
      assert.equal(nb.database, NB);
      assert.equal(nb.model, model);
      const [result] = await nb.transact([
        { op: 'insert', table: 'Logical_Switch', row: { name: `ls-${tag}` } },
      ]);
      assert.ok(result && 'uuid' in result);
      await assert.rejects(
        nb.transact([{ op: 'insert', table: 'Logical_Switch', row: { name: 42 } }]),
        (error: unknown) => error instanceof InvalidValueError && error.column === 'name',
      );
    });

    test(`${kind}: helpers compose in one transaction; the replica is the handle's own`, async () => {
      const nb = handle();
      const replica = await nb.replica();
      assert.equal(await nb.replica(), replica, 'the same replica on every call');
      const before = replica.count('Logical_Router');
      const outcome = await nb.transaction((txn) => {
        createRouter(txn, { name: `r-${tag}` });
        addStaticRoute(txn, { router: `r-${tag}`, cidr: '10.9.0.0/16', nextHops: '192.0.2.9' });
      });
      assert.equal(outcome.attempts, 1);
      assert.equal(outcome.sent, true);
      // One transaction: the router and its route, which the replica shows at once.
      assert.equal(replica.count('Logical_Router'), before + 1);
      const router = replica.where('Logical_Router', (r) => r.name === `r-${tag}`)[0];
      assert.equal(router?.static_routes.length, 1);
      // Applying the same change as a declarative Vpc finds nothing to do.
      const plan = await applyVpc(
        nb,
        `kind: Vpc\nmetadata: { name: r-${tag} }\nspec:\n  staticRoutes: [{ cidr: 10.9.0.0/16, nextHopIP: 192.0.2.9 }]\n`,
        { dryRun: true },
      );
      assert.deepEqual(
        plan.changes.filter((c) => c.startsWith('route')),
        [],
      );
      // A helper refusing (a router that does not exist) fails the body: nothing is sent.
      await assert.rejects(
        nb.transaction((txn) =>
          addStaticRoute(txn, { router: 'missing', cidr: '10.0.0.0/8', nextHops: '192.0.2.1' }),
        ),
        ObjectNotFoundError,
      );
    });

    test(`${kind}: a helper handed the handle commits a transaction of its own`, async () => {
      const nb = handle();
      const replica = await nb.replica();
      const created = await createRouter(nb, { name: `direct-${tag}` });
      assert.equal(created.length, 1);
      const routed = await addStaticRoute(nb, {
        router: `direct-${tag}`,
        cidr: '10.8.0.0/16',
        nextHops: '192.0.2.8',
      });
      assert.ok(routed.length >= 2, 'the route and its link into the router');
      const router = replica.where('Logical_Router', (r) => r.name === `direct-${tag}`)[0];
      assert.equal(router?.static_routes.length, 1);
      await assert.rejects(createRouter(nb, { name: `direct-${tag}` }), ObjectExistsError);
    });

    test(`${kind}: reads from the server when asked`, async () => {
      const nb = handle();
      const { value } = await nb.transaction(
        async (txn) => (await txn.select('Logical_Switch')).map((ls) => ls.name).sort(),
        { reads: 'server' },
      );
      assert.ok(value.includes(`ls-${tag}`));
    });

    test(`${kind}: locks: held, asserted by transactions, released`, async () => {
      const nb = handle();
      const lock = `lock_${tag}`;
      await assert.rejects(
        nb.transact([{ op: 'comment', comment: 'x' }], { lock }),
        LockNotHeldError,
        'a transaction needing a lock not held sends nothing',
      );
      await nb.lock(lock);
      assert.equal(nb.holds(lock), true);
      await nb.transact([{ op: 'comment', comment: 'under the lock' }], { lock });
      // Another client waits for it: its wait is bounded.
      const contender = database(other, model);
      await assert.rejects(contender.lock(lock, { timeoutMs: 200 }), SessionWaitTimeoutError);
      await assert.rejects(contender.lock(lock, { signal: AbortSignal.timeout(100) }), WaitAbortedError);
      await nb.unlock(lock);
      assert.equal(nb.holds(lock), false);
      await contender.lock(lock, { timeoutMs: 5000 });
      assert.equal(contender.holds(lock), true);
      // The server, too, refuses an assert of a lock this connection does not hold.
      await assert.rejects(nb.transact([{ op: 'assert', lock }]), NotOwnerError);
      await contender.unlock(lock);
    });
  }

  test('a handle without a model has transact and locks, and says what it lacks', async () => {
    const untyped = database(client, NB);
    assert.equal(untyped.model, undefined);
    await untyped.transact([{ op: 'comment', comment: 'untyped' }]);
    assert.throws(() => untyped.replica(), ModelRequiredError);
    await assert.rejects(
      untyped.transaction(() => undefined),
      ModelRequiredError,
    );
    const bare = await Session.open(server.unix, { database: NB });
    try {
      await assert.rejects(
        bare.transaction(() => undefined),
        ModelRequiredError,
      );
    } finally {
      await bare.close();
    }
  });

  test('close: a plain handle leaves its connection open; a session closes its own', async () => {
    const extra = database(client, model);
    await extra.replica();
    await extra.close();
    assert.equal(client.state.status, 'open');
    const own = await Session.open(server.unix, { model });
    const replica = await own.replica();
    await own.close();
    assert.equal(own.state.phase, 'closed');
    assert.throws(() => replica.changes(), ReplicaClosedError);
  });
});
