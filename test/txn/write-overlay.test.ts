/**
 * A transaction reads its own writes: what `txn.view` (and `txn.get`/`txn.select`) show before
 * the commit must be what the server holds after it. Judged on a real ovsdb-server: the rows
 * the view shows just before the commit are compared with the replica's rows once the commit
 * resolved (the replica shows the server's state then).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Replica } from '../../src/cache/replica.js';
import { model, type Tables } from '../../src/generated/nb/index.js';
import { mutateColumn, whereColumn } from '../../src/model/index.js';
import {
  OperationAddedTwiceError,
  ReplicaRequiredError,
  runTransaction,
  type Transaction,
} from '../../src/txn/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';

type Row = Record<string, unknown>;

/** A row with `_version` left out and sets sorted, for comparison. */
function comparable(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === '_version') continue;
    out[key] = Array.isArray(value) ? [...value].sort() : value;
  }
  return out;
}

function byUuid(rows: Iterable<unknown>): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const row of rows) out.set((row as Row)._uuid as string, comparable(row as Row));
  return out;
}

describe('a transaction reads its own writes', { timeout: 60_000 }, () => {
  const nb = nbFixture();
  let replica: Replica<Tables>;

  before(async () => {
    replica = await Replica.start(nb.client, model);
    await runTransaction(nb.client, model, (txn) => {
      const route1 = txn.insert('Logical_Router_Static_Route', {
        ip_prefix: '10.0.1.0/24',
        nexthop: '192.0.2.1',
      });
      const route2 = txn.insert('Logical_Router_Static_Route', {
        ip_prefix: '10.0.2.0/24',
        nexthop: '192.0.2.1',
      });
      txn.insert('Logical_Router', { name: 'r0', static_routes: [route1, route2] });
      const p0 = txn.insert('Logical_Switch_Port', { name: 'p0' });
      const p1 = txn.insert('Logical_Switch_Port', { name: 'p1', addresses: ['00:00:00:00:00:01 10.0.0.1'] });
      txn.insert('Logical_Switch', { name: 's0', ports: [p0, p1] });
    });
  });

  after(async () => {
    await replica?.close();
  });

  test('what the view shows before the commit is what the server holds after it', async () => {
    const tables = ['Logical_Router', 'Logical_Switch', 'Logical_Switch_Port'] as const;
    const seen = new Map<string, Map<string, Row>>();
    let routesSeen = new Map<string, Row>();
    const { value } = await runTransaction(
      nb.client,
      model,
      (txn: Transaction<Tables>) => {
        const view = txn.view;
        const [r0] = view.where('Logical_Router', (r) => r.name === 'r0');
        assert.ok(r0);
        // A new router with a new route, referring to each other by name before either exists.
        const route = txn.insert('Logical_Router_Static_Route', {
          ip_prefix: '10.9.0.0/16',
          nexthop: '192.0.2.9',
        });
        const r1 = txn.insert('Logical_Router', {
          name: 'r1',
          options: { always_learn_from_arp_request: 'false' },
        });
        txn.mutate('Logical_Router', r1, [mutateColumn('static_routes', 'insert', [route])]);
        const r1Uuid = txn.uuidOf(r1);
        assert.ok(r1Uuid);
        assert.deepEqual(view.get('Logical_Router', r1Uuid)?.static_routes, [txn.uuidOf(route)]);
        // Changes to rows that exist underneath, by UUID and by condition.
        txn.update('Logical_Router', r0._uuid, { options: { chassis: 'gw1' } });
        txn.mutate('Logical_Router', r0._uuid, [
          mutateColumn('static_routes', 'delete', [r0.static_routes[0]!]),
        ]);
        txn.update('Logical_Switch_Port', [whereColumn('name', '==', 'p0')], { addresses: ['router'] });
        const [s0] = view.where('Logical_Switch', (s) => s.name === 's0');
        const [p1] = view.find('Logical_Switch_Port', 'name', 'p1');
        assert.ok(s0 && p1);
        txn.mutate('Logical_Switch', s0._uuid, [mutateColumn('ports', 'delete', [p1._uuid])]);
        txn.delete('Logical_Switch_Port', p1._uuid);
        const p2 = txn.insert('Logical_Switch_Port', { name: 'p2', tag_request: 7 });
        txn.mutate('Logical_Switch', s0._uuid, [mutateColumn('ports', 'insert', [p2])]);
        // Index look-ups see the writes: p1 is gone, p2 is there, p0 has its new addresses.
        assert.equal(view.find('Logical_Switch_Port', 'name', 'p1').length, 0);
        assert.equal(view.findOne('Logical_Switch_Port', 'name', 'p2')?.tag_request, 7);
        assert.deepEqual(view.findOne('Logical_Switch_Port', 'name', 'p0')?.addresses, ['router']);
        assert.equal(view.get('Logical_Router', r0._uuid)?.options.chassis, 'gw1');
        assert.equal(view.get('Logical_Router', r0._uuid)?.static_routes.length, 1);
        for (const table of tables) seen.set(table, byUuid(view.rows(table)));
        // Routes: only those still referenced (the server collects the orphan at commit).
        const referenced = new Set(view.list('Logical_Router').flatMap((r) => r.static_routes));
        routesSeen = byUuid(view.where('Logical_Router_Static_Route', (r) => referenced.has(r._uuid)));
        return r1Uuid;
      },
      { replica },
    );
    for (const table of tables) assert.deepEqual(byUuid(replica.rows(table)), seen.get(table), table);
    assert.deepEqual(byUuid(replica.rows('Logical_Router_Static_Route')), routesSeen);
    assert.equal(replica.get('Logical_Router', value)?.name, 'r1');
  });

  test('txn.get and txn.select see the writes too, also when reading from the server', async () => {
    await runTransaction(nb.client, model, async (txn) => {
      const sw = txn.insert('Logical_Switch', { name: 's9' });
      const uuid = txn.uuidOf(sw);
      assert.ok(uuid);
      assert.equal((await txn.get('Logical_Switch', uuid))?.name, 's9');
      assert.deepEqual(
        (await txn.select('Logical_Switch', [whereColumn('name', '==', 's9')])).map((s) => s.name),
        ['s9'],
      );
      const [s0] = await txn.select('Logical_Switch', [whereColumn('name', '==', 's0')]);
      assert.ok(s0);
      txn.update('Logical_Switch', s0._uuid, { name: 's0-renamed' });
      assert.equal((await txn.select('Logical_Switch', [whereColumn('name', '==', 's0')])).length, 0);
      assert.equal((await txn.select('Logical_Switch', [whereColumn('name', '==', 's0-renamed')])).length, 1);
      txn.delete('Logical_Switch', uuid);
      assert.equal(await txn.get('Logical_Switch', uuid), undefined);
      // Put it back as it was.
      txn.update('Logical_Switch', s0._uuid, { name: 's0' });
    });
    assert.equal(replica.count('Logical_Switch'), 1);
  });

  test('the view needs a replica; an operation added twice is refused', async () => {
    await assert.rejects(
      runTransaction(nb.client, model, (txn) => txn.view.list('Logical_Router')),
      ReplicaRequiredError,
    );
    await assert.rejects(
      runTransaction(
        nb.client,
        model,
        (txn) => {
          const operation = { op: 'comment' as const, comment: 'once' };
          txn.add(operation);
          txn.add(operation);
        },
        { replica },
      ),
      OperationAddedTwiceError,
    );
  });

  test('a read-only body on a replica sends nothing; a dry run returns what it would send', async () => {
    const before = replica.count('Logical_Router');
    const read = await runTransaction(
      nb.client,
      model,
      (txn) => txn.view.where('Logical_Router', () => true).length,
      {
        replica,
      },
    );
    assert.equal(read.sent, false);
    assert.equal(read.value, before);
    const dry = await runTransaction(
      nb.client,
      model,
      (txn) => {
        txn.insert('Logical_Router', { name: 'dry' }, { uuidName: 'dry' });
      },
      { replica, dryRun: true },
    );
    assert.equal(dry.sent, false);
    assert.equal(dry.operations.length, 1);
    assert.ok(dry.inserted.dry);
    assert.equal(replica.count('Logical_Router'), before);
  });

  test('a row read through the view and changed by another writer is a conflict, retried on fresh rows', async () => {
    let attempts = 0;
    const outcome = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        attempts++;
        const [r0] = txn.view.where('Logical_Router', (r) => r.name === 'r0');
        assert.ok(r0);
        if (attempts === 1) {
          // Another writer changes the router between this read and the commit.
          await nb.client.transact('OVN_Northbound', [
            { op: 'update', table: 'Logical_Router', where: [['name', '==', 'r0']], row: { enabled: false } },
          ]);
        }
        txn.update('Logical_Router', r0._uuid, { options: { ...r0.options, seen: String(r0.enabled) } });
      },
      { replica },
    );
    assert.equal(outcome.attempts, 2);
    const [r0] = replica.where('Logical_Router', (r) => r.name === 'r0');
    assert.equal(r0?.options.seen, 'false');
  });

  test('what is read through view.unverified is not verified: a concurrent change is no conflict', async () => {
    let attempts = 0;
    const outcome = await runTransaction(
      nb.client,
      model,
      async (txn) => {
        attempts++;
        const peek = txn.view.unverified;
        const [r0] = peek.where('Logical_Router', (r) => r.name === 'r0');
        assert.ok(r0);
        const [port] = peek.list('Logical_Switch_Port');
        assert.ok(port);
        assert.equal(peek.findOne('Logical_Switch_Port', 'name', port.name)?._uuid, port._uuid);
        assert.equal(peek.unverified, peek);
        await nb.client.transact('OVN_Northbound', [
          { op: 'update', table: 'Logical_Router', where: [['name', '==', 'r0']], row: { enabled: true } },
        ]);
        txn.mutate('Logical_Router', r0._uuid, [mutateColumn('options', 'insert', { peeked: 'yes' })]);
        // The unverified view still sees the transaction's own writes.
        assert.equal(peek.get('Logical_Router', r0._uuid)?.options.peeked, 'yes');
      },
      { replica },
    );
    assert.equal(attempts, 1);
    assert.equal(outcome.operations.length, 1);
    const [r0] = replica.where('Logical_Router', (r) => r.name === 'r0');
    assert.equal(r0?.options.peeked, 'yes');
  });

  test('an index look-up whose key starts to match another row is a conflict', async () => {
    let attempts = 0;
    await runTransaction(
      nb.client,
      model,
      async (txn) => {
        attempts++;
        const found = txn.view.find('Logical_Switch_Port', 'name', 'p7');
        if (attempts === 1) {
          assert.equal(found.length, 0);
          await nb.client.transact('OVN_Northbound', [
            { op: 'insert', table: 'Logical_Switch_Port', row: { name: 'p7' }, 'uuid-name': 'p7' },
            {
              op: 'mutate',
              table: 'Logical_Switch',
              where: [['name', '==', 's0']],
              mutations: [['ports', 'insert', ['named-uuid', 'p7']]],
            },
          ]);
        } else {
          assert.equal(found.length, 1);
        }
        txn.comment('decided on p7');
        if (found.length === 0) txn.insert('Logical_Switch_Port', { name: 'p7' });
      },
      { replica },
    );
    assert.equal(attempts, 2);
    assert.equal(replica.find('Logical_Switch_Port', 'name', 'p7').length, 1);
  });
});
