import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ReplicaSuspendedError,
  ReplicatedTableRemovedError,
  type ResumeInfo,
  ResumeUnavailableError,
} from '../../src/cache/replica.js';
import {
  AddressSetTable,
  LogicalSwitchTable,
  model as nbModel,
  type Tables,
} from '../../src/generated/nb/index.js';
import {
  type Change,
  ConnectionClosedError,
  connect,
  deleteRows,
  insertRow,
  type OvsdbClient,
  Replica,
  updateRows,
  whereColumn,
  ZERO_TXN_ID,
} from '../../src/index.js';
import {
  ovnSchemaPath,
  type RunningServer,
  startOvsdbServer,
  startRaftCluster,
} from '../../src/testing/index.js';
import { launchOvsdbServer } from '../../src/testing/server-process.js';
import { nextEvent } from '../helpers/next-event.js';
import { until } from '../helpers/replica-wait.js';

const NB = 'OVN_Northbound';

type SwitchImage = { name: string; external_ids: Record<string, string> };

/** Every Logical_Switch on the server, read by `select` on its own connection. */
async function switchesOnServer(client: OvsdbClient): Promise<Map<string, SwitchImage>> {
  const [result] = await client.transact(NB, [
    { op: 'select', table: 'Logical_Switch', where: [], columns: ['_uuid', 'name', 'external_ids'] },
  ]);
  const out = new Map<string, SwitchImage>();
  for (const row of (result as { rows: Array<Record<string, unknown>> }).rows) {
    const pairs = (row.external_ids as [string, Array<[string, string]>])[1];
    out.set((row._uuid as [string, string])[1], {
      name: row.name as string,
      external_ids: Object.fromEntries(pairs),
    });
  }
  return out;
}

function switchesInReplica(replica: Replica<Tables>): Map<string, SwitchImage> {
  const out = new Map<string, SwitchImage>();
  for (const row of replica.rows('Logical_Switch')) {
    out.set(row._uuid, { name: row.name, external_ids: { ...row.external_ids } });
  }
  return out;
}

async function addSwitch(
  client: OvsdbClient,
  name: string,
  ids: Record<string, string> = {},
): Promise<string> {
  const [result] = await client.transact(NB, [
    insertRow(LogicalSwitchTable, { name, external_ids: ids }).operation,
  ]);
  return (result as { uuid: [string, string] }).uuid[1];
}

/**
 * ovsdb-server keeps transaction history only while it holds fewer atoms than the database
 * itself: a database of a few rows would forget it at once. One big unmonitored row keeps it.
 */
async function addBallast(client: OvsdbClient): Promise<void> {
  const addresses = Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
  await client.transact(NB, [insertRow(AddressSetTable, { name: 'ballast', addresses }).operation]);
}

function switchNamed(replica: Replica<Tables>, name: string): Tables['Logical_Switch'] | undefined {
  return replica.where('Logical_Switch', (row) => row.name === name)[0];
}

function byName(name: string) {
  return [whereColumn<Tables['Logical_Switch'], 'name', '=='>('name', '==', name)];
}

/** Changes as `kind name [columns]`, sorted: what a resume reported, independent of order. */
function summary(changes: ReadonlyArray<Change<Tables>>): string[] {
  return changes
    .map((c) => {
      const row = (c.kind === 'delete' ? c.old : c.new) as { name?: string };
      const extra = c.kind === 'update' ? ` [${[...c.columns].sort().join(',')}]` : '';
      const initial = c.kind === 'insert' && c.initial ? ' initial' : '';
      return `${c.kind} ${row.name}${extra}${initial}`;
    })
    .sort();
}

/** Runs `body` against a fresh standalone NB server; the clients it pushes are closed after. */
async function withStandalone(
  body: (server: RunningServer, clients: OvsdbClient[]) => Promise<void>,
): Promise<void> {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
  const clients: OvsdbClient[] = [];
  try {
    await body(server, clients);
  } finally {
    for (const c of clients) await c.close();
    await server.stop();
  }
}

/** The same writes made while the replica was away, in every scenario. */
async function writeWhileAway(writer: OvsdbClient): Promise<void> {
  await addSwitch(writer, 's4', { k: 'v4' });
  await writer.transact(NB, [
    updateRows(LogicalSwitchTable, byName('s1'), { external_ids: { k: 'changed' } }),
  ]);
  await writer.transact(NB, [deleteRows(LogicalSwitchTable, byName('s2'))]);
}

const AWAY_CHANGES = ['delete s2', 'insert s4', 'update s1 [external_ids]'];

describe('replica resume: found (a raft member keeps the transaction history)', { timeout: 40_000 }, () => {
  test('only the changes made meanwhile arrive, as ordinary changes; rows served while suspended', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 1, tcp: false });
    const clients: OvsdbClient[] = [];
    try {
      const remote = cluster.member(0).unix;
      const a = await connect(remote);
      const writer = await connect(remote);
      clients.push(a, writer);
      await addBallast(writer);
      for (const name of ['s1', 's2', 's3']) await addSwitch(writer, name, { k: name });
      const replica = await Replica.create(a, nbModel, { tables: { Logical_Switch: true } });
      replica.enableResume();
      await replica.sync();
      await until(replica, () => replica.count('Logical_Switch') === 3);
      assert.notEqual(replica.lastTxnId, ZERO_TXN_ID);
      const changes: Array<Change<Tables>> = [];
      replica.on('change', (c) => changes.push(c));
      const batches: boolean[] = [];
      replica.on('batch', (b) => batches.push(b.initial));

      const suspended = nextEvent<[Error]>(replica, 'suspended');
      await a.close();
      const [why] = await suspended;
      assert.ok(why instanceof ReplicaSuspendedError);
      assert.equal(replica.suspended, true);
      await writeWhileAway(writer);
      // Still serving the last rows it had.
      assert.equal(replica.count('Logical_Switch'), 3);
      assert.ok(switchNamed(replica, 's2'));

      const b = await connect(remote);
      clients.push(b);
      const resumed = nextEvent<[ResumeInfo]>(replica, 'resumed');
      const info = await replica.resume(b);
      assert.deepEqual(info, { found: true, method: 'monitor_cond_since', rows: 3 });
      assert.deepEqual(await resumed, [info]);
      assert.equal(replica.suspended, false);
      assert.equal(replica.client, b);
      assert.deepEqual(summary(changes), AWAY_CHANGES);
      assert.deepEqual(batches, [false]);
      assert.deepEqual(switchesInReplica(replica), await switchesOnServer(writer));

      // Live again, on the new connection.
      await addSwitch(writer, 's5');
      await until(replica, () => switchNamed(replica, 's5') !== undefined);
      await replica.close();
    } finally {
      for (const c of clients) await c.close();
      await cluster.stop();
    }
  });
});

describe('replica resume: not found (a restarted standalone server)', { timeout: 60_000 }, () => {
  // Without a listener too: nothing is reported then, but every row must still be applied.
  for (const listening of [true, false]) {
    test(`the full contents are applied by difference: exact inserts, updates and deletes${listening ? '' : ', with nobody listening'}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ovndb-resume-'));
      const servers: RunningServer[] = [];
      const clients: OvsdbClient[] = [];
      try {
        const first = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], dir, tcp: false });
        servers.push(first);
        const a = await connect(first.unix);
        clients.push(a);
        for (const name of ['s1', 's2', 's3']) await addSwitch(a, name, { k: name });
        const replica = await Replica.create(a, nbModel, { tables: { Logical_Switch: true } });
        replica.enableResume();
        await replica.sync();
        const changes: Array<Change<Tables>> = [];
        if (listening) replica.on('change', (c) => changes.push(c));
        const unchanged = switchNamed(replica, 's3');
        assert.ok(unchanged);

        const suspended = nextEvent(replica, 'suspended');
        await first.stop();
        await suspended;
        // The same database file, a new process: its transaction history is gone.
        const second = await launchOvsdbServer({
          dir,
          ownsDir: false,
          dbFiles: [join(dir, '0-ovn-nb.db')],
          tcp: false,
          pki: undefined,
          ws: false,
          wss: false,
          extraArgs: [],
          startTimeoutMs: 10_000,
        });
        servers.push(second);
        const writer = await connect(second.unix);
        clients.push(writer);
        await writeWhileAway(writer);

        const b = await connect(second.unix);
        clients.push(b);
        const info = await replica.resume(b);
        assert.deepEqual(info, { found: false, method: 'monitor_cond_since', rows: 3 });
        if (listening) {
          assert.deepEqual(summary(changes), AWAY_CHANGES);
          const update = changes.find((c) => c.kind === 'update');
          assert.deepEqual((update as { old: { external_ids: unknown } } | undefined)?.old.external_ids, {
            k: 's1',
          });
        }
        // An unchanged row keeps its object and reports nothing.
        assert.equal(switchNamed(replica, 's3'), unchanged);
        assert.deepEqual(switchesInReplica(replica), await switchesOnServer(writer));
        await writer.transact(NB, [deleteRows(LogicalSwitchTable, byName('s3'))]);
        await until(replica, () => replica.count('Logical_Switch') === 2);
        await replica.close();
      } finally {
        for (const c of clients) await c.close();
        for (const s of servers) await s.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  test('a resume on a closed connection fails and leaves the replica suspended; close ends it', async () => {
    await withStandalone(async (server, clients) => {
      const a = await connect(server.unix);
      clients.push(a);
      await addSwitch(a, 's1');
      const plain = await Replica.start(a, nbModel, { tables: { Logical_Switch: true } });
      await assert.rejects(plain.resume(a), ResumeUnavailableError);
      await plain.close();

      const replica = await Replica.create(a, nbModel, { tables: { Logical_Switch: true } });
      replica.enableResume();
      await replica.sync();
      const stream = replica.changes();
      await a.close();
      assert.equal(replica.suspended, true);
      const dead = await connect(server.unix);
      await dead.close();
      await assert.rejects(replica.resume(dead), ConnectionClosedError);
      assert.equal(replica.suspended, true);
      const b = await connect(server.unix);
      clients.push(b);
      await addSwitch(b, 's2');
      assert.deepEqual(await replica.resume(b), { found: false, method: 'monitor_cond_since', rows: 1 });
      const first = await stream.next();
      assert.equal(first.done, false);
      assert.equal(first.value?.kind, 'insert');
      // Suspended again, then closed: streams end normally.
      await b.close();
      assert.equal(replica.suspended, true);
      await replica.close();
      assert.deepEqual(await stream.next(), { value: undefined, done: true });
      assert.equal(replica.suspended, false);
    });
  });
});

describe('replica resume: conditions and read holds', { timeout: 40_000 }, () => {
  test('a condition change in flight when the connection drops resolves after the resume', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 1, tcp: false });
    const clients: OvsdbClient[] = [];
    try {
      const remote = cluster.member(0).unix;
      const a = await connect(remote);
      const writer = await connect(remote);
      clients.push(a, writer);
      await addBallast(writer);
      for (const name of ['a', 'b', 'c']) await addSwitch(writer, name);
      const replica = await Replica.create(a, nbModel, {
        tables: { Logical_Switch: { where: byName('a') } },
      });
      replica.enableResume();
      await replica.sync();
      assert.deepEqual(
        replica.list('Logical_Switch').map((r) => r.name),
        ['a'],
      );
      const changes: Array<Change<Tables>> = [];
      replica.on('change', (c) => changes.push(c));
      // Hold reading so the server's answer cannot arrive before the connection closes.
      a.pauseReading();
      let settled = false;
      const changed = replica.setCondition('Logical_Switch', byName('b')).finally(() => {
        settled = true;
      });
      await a.close();
      assert.equal(replica.suspended, true);
      await new Promise((next) => setImmediate(next));
      assert.equal(settled, false);

      const b = await connect(remote);
      clients.push(b);
      const info = await replica.resume(b);
      // The server's changes since would be under the old condition: full contents instead.
      assert.equal(info.found, false);
      await changed;
      assert.deepEqual(
        replica.list('Logical_Switch').map((r) => r.name),
        ['b'],
      );
      assert.deepEqual(summary(changes), ['delete a', 'insert b']);
      // Condition changes work on the new connection.
      await replica.setCondition('Logical_Switch', byName('c'));
      assert.deepEqual(
        replica.list('Logical_Switch').map((r) => r.name),
        ['c'],
      );
      await replica.close();
    } finally {
      for (const c of clients) await c.close();
      await cluster.stop();
    }
  });

  test('a change stream holding reads keeps its hold across the resume and gets every change in order', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 1, tcp: false });
    const clients: OvsdbClient[] = [];
    try {
      const remote = cluster.member(0).unix;
      const a = await connect(remote);
      const writer = await connect(remote);
      clients.push(a, writer);
      await addBallast(writer);
      const replica = await Replica.create(a, nbModel, { tables: { Logical_Switch: true } });
      replica.enableResume();
      await replica.sync();
      const seen: Array<Change<Tables>> = [];
      replica.on('change', (c) => seen.push(c));
      const stream = replica.changes({ highWaterMark: 2, lowWaterMark: 0 });
      for (const name of ['h1', 'h2', 'h3']) await addSwitch(writer, name);
      await until(replica, () => replica.count('Logical_Switch') === 3);
      assert.equal(stream.holdingReads, true);
      assert.equal(a.readingPaused, true);

      await a.close();
      assert.equal(replica.suspended, true);
      await addSwitch(writer, 'h4');
      await writer.transact(NB, [deleteRows(LogicalSwitchTable, byName('h1'))]);
      const b = await connect(remote);
      clients.push(b);
      const info = await replica.resume(b);
      assert.deepEqual(info, { found: true, method: 'monitor_cond_since', rows: 2 });
      // The hold taken on the old connection is taken again on the new one.
      assert.equal(b.readingPaused, true);

      const got: Array<Change<Tables>> = [];
      for (let i = 0; i < 5; i++) {
        const next = await stream.next();
        assert.equal(next.done, false);
        got.push(next.value as Change<Tables>);
      }
      assert.deepEqual(got, seen);
      const named = got.map(
        (c) => `${c.kind} ${((c.kind === 'delete' ? c.old : c.new) as { name: string }).name}`,
      );
      assert.deepEqual(named.slice(0, 3), ['insert h1', 'insert h2', 'insert h3']);
      // The server merges what happened meanwhile into one message, in its own order.
      assert.deepEqual(named.slice(3).sort(), ['delete h1', 'insert h4']);
      // Consumed: reading goes on, and new changes flow.
      assert.equal(stream.holdingReads, false);
      assert.equal(b.readingPaused, false);
      await addSwitch(writer, 'h5');
      const next = await stream.next();
      assert.equal(next.value?.kind, 'insert');
      await replica.close();
    } finally {
      for (const c of clients) await c.close();
      await cluster.stop();
    }
  });
});

describe('replica resume: online conversion (set_db_change_aware)', { timeout: 40_000 }, () => {
  function convertedSchema(change: (schema: { version: string; tables: Record<string, unknown> }) => void) {
    const schema = JSON.parse(readFileSync(ovnSchemaPath('nb'), 'utf8'));
    schema.version = '99.0.0';
    change(schema);
    return schema;
  }

  test('a resumable replica re-reads the schema, monitors again and follows the converted database', async () => {
    await withStandalone(async (server, clients) => {
      const a = await connect(server.unix);
      const writer = await connect(server.unix);
      clients.push(a, writer);
      // Sessions that are not change aware are disconnected by a conversion.
      await a.setDbChangeAware(true);
      await writer.setDbChangeAware(true);
      for (const name of ['s1', 's2']) await addSwitch(writer, name, { k: name });
      const replica = await Replica.create(a, nbModel, { tables: { Logical_Switch: true } });
      replica.enableResume();
      await replica.sync();
      const changes: Array<Change<Tables>> = [];
      replica.on('change', (c) => changes.push(c));
      const before = switchNamed(replica, 's1');

      const resumed = nextEvent<[ResumeInfo]>(replica, 'resumed');
      await writer.convert(
        NB,
        convertedSchema((schema) => {
          const table = schema.tables.Logical_Switch as { columns: Record<string, unknown> };
          table.columns.ovndb_test = { type: { key: 'string', min: 0, max: 1 } };
        }),
      );
      const [info] = await resumed;
      assert.deepEqual(info, { found: false, method: 'monitor_cond_since', rows: 0 });
      assert.equal(changes.length, 0);
      assert.equal(replica.view.serverVersion, '99.0.0');
      assert.equal(replica.has('Logical_Switch', 'ovndb_test'), true);
      // The same row: only its _version is new (a conversion rewrites every row).
      const { _version: _after, ...now } = switchNamed(replica, 's1') as Tables['Logical_Switch'];
      const { _version: _before, ...then } = before as Tables['Logical_Switch'];
      assert.deepEqual(now, then);

      // The new column is replicated (untyped) and changes keep flowing.
      await writer.transact(NB, [
        { op: 'update', table: 'Logical_Switch', where: [['name', '==', 's2']], row: { ovndb_test: 'x' } },
      ]);
      await until(
        replica,
        () => (switchNamed(replica, 's2') as unknown as Record<string, unknown>)?.ovndb_test === 'x',
      );
      assert.deepEqual(
        changes.map((c) => c.kind),
        ['update'],
      );
      assert.deepEqual(switchesInReplica(replica), await switchesOnServer(writer));
      await replica.close();
    });
  });

  test('a conversion that drops a replicated table stops the replica with a typed error', async () => {
    await withStandalone(async (server, clients) => {
      const a = await connect(server.unix);
      const writer = await connect(server.unix);
      clients.push(a, writer);
      await a.setDbChangeAware(true);
      const replica = await Replica.create(a, nbModel, {
        tables: { Logical_Switch: true, Static_MAC_Binding: true },
      });
      replica.enableResume();
      await replica.sync();
      const closed = nextEvent<[Error | undefined]>(replica, 'closed');
      await writer.convert(
        NB,
        convertedSchema((schema) => {
          delete schema.tables.Static_MAC_Binding;
        }),
      );
      const [error] = await closed;
      assert.ok(error instanceof ReplicatedTableRemovedError);
      assert.deepEqual(error.tables, ['Static_MAC_Binding']);
    });
  });

  test('a replica that is not resumable still stops with MonitorCanceledError', async () => {
    await withStandalone(async (server, clients) => {
      const a = await connect(server.unix);
      clients.push(a);
      await a.setDbChangeAware(true);
      const replica = await Replica.start(a, nbModel, { tables: { Logical_Switch: true } });
      const closed = nextEvent<[Error | undefined]>(replica, 'closed');
      await a.convert(
        NB,
        convertedSchema(() => {}),
      );
      const [error] = await closed;
      assert.equal((error as { code?: string }).code, 'OVNDB_MONITOR_CANCELED');
    });
  });
});
