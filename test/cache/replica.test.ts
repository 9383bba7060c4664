import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddressSetTable,
  type LogicalRouter,
  LogicalRouterStaticRouteTable,
  LogicalRouterTable,
  type LogicalSwitchPort,
  LogicalSwitchPortTable,
  LogicalSwitchTable,
  model as nbModel,
  type Tables,
} from '../../src/generated/nb/index.js';
import {
  type Change,
  CLEAR,
  connect,
  type DeclaredIndexes,
  deleteRows,
  insertRow,
  mutateColumn,
  mutateRows,
  type OvsdbClient,
  Replica,
  type ReplicaOptions,
  type RowWrite,
  TableNotReplicatedError,
  UnknownIndexError,
  updateRows,
  whereColumn,
  ZERO_TXN_ID,
} from '../../src/index.js';
import { isLazyReply } from '../../src/protocol/lazy-reply.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { until } from '../helpers/replica-wait.js';

const NB = 'OVN_Northbound';

async function routerWithRoutes(client: OvsdbClient, name: string, n: number): Promise<string> {
  const ops = [];
  const refs = [];
  for (let i = 0; i < n; i++) {
    const r = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: `10.${i >> 8}.${i & 255}.0/24`, nexthop: '192.0.2.1' },
      { uuidName: `r${i}` },
    );
    ops.push(r.operation);
    refs.push(r.ref);
  }
  const router = insertRow(LogicalRouterTable, { name, static_routes: refs }, { uuidName: 'lr' });
  ops.push(router.operation);
  const results = await client.transact(NB, ops);
  return (results[n] as { uuid: [string, string] }).uuid[1];
}

// Logical_Switch_Port is not a root table: a port no switch refers to is dropped at commit.
function withSwitch(name: string, ports: ReadonlyArray<RowWrite<LogicalSwitchPort>>) {
  const ops = [];
  const refs = [];
  for (const [i, port] of ports.entries()) {
    const inserted = insertRow(LogicalSwitchPortTable, port, { uuidName: `p${i}` });
    ops.push(inserted.operation);
    refs.push(inserted.ref);
  }
  ops.push(insertRow(LogicalSwitchTable, { name, ports: refs }).operation);
  return ops;
}

// The replica's options, written ahead: their client indexes are part of its type.
const withPortIndexes = {
  tables: {
    Logical_Router: true,
    Logical_Router_Static_Route: true,
    Logical_Switch: true,
    Logical_Switch_Port: {
      indexes: [
        { name: 'byOwner', columns: [{ column: 'external_ids', key: 'owner' }] },
        { name: 'byTypeAndOwner', columns: ['type', { column: 'external_ids', key: 'owner' }] },
      ],
    },
  },
} as const satisfies ReplicaOptions<Tables>;

describe('replica against a real NB server', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let reader: OvsdbClient;
  let writer: OvsdbClient;
  let replica: Replica<Tables, DeclaredIndexes<typeof withPortIndexes>>;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    reader = await connect(server.unix);
    writer = await connect(server.unix);
    replica = await Replica.start(reader, nbModel, withPortIndexes);
  });
  after(async () => {
    await replica?.close();
    await reader?.close();
    await writer?.close();
    await server?.stop();
  });

  test('uses monitor_cond_since (a standalone server keeps no transaction history: the id stays zero)', async () => {
    assert.equal(replica.method, 'monitor_cond_since');
    await writer.transact(NB, [insertRow(LogicalSwitchTable, { name: 'txn-id' }).operation]);
    await until(replica, () => replica.where('Logical_Switch', (s) => s.name === 'txn-id').length === 1);
    assert.equal(replica.lastTxnId, ZERO_TXN_ID);
  });

  test('rows of another client arrive typed, with defaults for columns the server left out', async () => {
    await writer.transact(NB, [
      insertRow(LogicalSwitchTable, { name: 'ls-a', other_config: { k: 'v' } }).operation,
    ]);
    await until(replica, () => replica.where('Logical_Switch', (s) => s.name === 'ls-a').length === 1);
    const [ls] = replica.where('Logical_Switch', (s) => s.name === 'ls-a');
    assert.ok(ls);
    assert.deepEqual(ls.other_config, { k: 'v' });
    // update2 leaves default values out; the replica fills them in.
    assert.deepEqual(ls.ports, []);
    assert.deepEqual(ls.external_ids, {});
    assert.equal(replica.get('Logical_Switch', ls._uuid), ls);
  });

  test('read-your-writes: right after transact resolves, the replica shows the write', async () => {
    for (let i = 0; i < 200; i++) {
      const results = await reader.transact(NB, [
        insertRow(LogicalSwitchTable, { name: `ryw-${i}` }).operation,
      ]);
      const uuid = (results[0] as { uuid: [string, string] }).uuid[1];
      const row = replica.get('Logical_Switch', uuid);
      assert.ok(row, `row ${i} missing right after its transaction`);
      assert.equal(row.name, `ryw-${i}`);
    }
    const uuid = replica.where('Logical_Switch', (s) => s.name === 'ryw-0')[0]?._uuid;
    assert.ok(uuid);
    await reader.transact(NB, [
      updateRows(LogicalSwitchTable, [whereColumn('name', '==', 'ryw-0')], { name: 'ryw-0b' }),
    ]);
    assert.equal(replica.get('Logical_Switch', uuid)?.name, 'ryw-0b');
    await reader.transact(NB, [deleteRows(LogicalSwitchTable, [whereColumn('name', '==', 'ryw-0b')])]);
    assert.equal(replica.get('Logical_Switch', uuid), undefined);
  });

  test('a transaction that touches nothing monitored resolves without waiting for an update', async () => {
    // Address_Set is not replicated here: no update comes for it.
    const started = Date.now();
    await reader.transact(NB, [{ op: 'insert', table: 'Address_Set', row: { name: 'as1' } }]);
    assert.ok(Date.now() - started < 2000);
    assert.throws(() => replica.count('Address_Set'), TableNotReplicatedError);
  });

  test('a set diff on a big set: new row grows, the old row version is unchanged', async () => {
    const uuid = await routerWithRoutes(writer, 'lr-big', 300);
    await until(replica, () => replica.get('Logical_Router', uuid)?.static_routes.length === 300);
    const changes: Change<Tables>[] = [];
    const listener = (c: Change<Tables>) => changes.push(c);
    replica.on('change', listener);
    for (let i = 0; i < 20; i++) {
      const route = insertRow(
        LogicalRouterStaticRouteTable,
        { ip_prefix: `172.16.${i}.0/24`, nexthop: '192.0.2.9' },
        { uuidName: 'r' },
      );
      await writer.transact(NB, [
        route.operation,
        mutateRows(
          LogicalRouterTable,
          [whereColumn('name', '==', 'lr-big')],
          [mutateColumn('static_routes', 'insert', [route.ref])],
        ),
      ]);
    }
    await until(replica, () => replica.get('Logical_Router', uuid)?.static_routes.length === 320);
    // Remove one route from the set.
    const lr = replica.get('Logical_Router', uuid) as LogicalRouter;
    const gone = lr.static_routes[0];
    assert.ok(gone);
    await writer.transact(NB, [
      mutateRows(
        LogicalRouterTable,
        [whereColumn('name', '==', 'lr-big')],
        [mutateColumn('static_routes', 'delete', [gone])],
      ),
    ]);
    await until(replica, () => replica.get('Logical_Router', uuid)?.static_routes.length === 319);
    replica.off('change', listener);
    const updates = changes.filter((c) => c.kind === 'update' && c.table === 'Logical_Router');
    assert.equal(updates.length, 21);
    // Every event still shows its own before/after, read only now, after all later changes.
    for (let i = 0; i < 20; i++) {
      const c = updates[i];
      assert.ok(c && c.kind === 'update' && c.table === 'Logical_Router');
      assert.equal(c.old.static_routes.length, 300 + i);
      assert.equal(c.new.static_routes.length, 301 + i);
      assert.deepEqual(c.columns, ['static_routes']);
    }
    const last = updates[20];
    assert.ok(last && last.kind === 'update' && last.table === 'Logical_Router');
    assert.ok(last.old.static_routes.includes(gone));
    assert.ok(!last.new.static_routes.includes(gone));
    // Unchanged columns are shared between versions.
    assert.equal(last.old.external_ids, last.new.external_ids);
    // The replica agrees with the server.
    const selected = await writer.transact(NB, [
      {
        op: 'select',
        table: 'Logical_Router',
        where: [['name', '==', 'lr-big']],
        columns: ['static_routes'],
      },
    ]);
    const serverSet = (
      (selected[0] as { rows: Array<{ static_routes: [string, Array<[string, string]>] }> }).rows[0]
        ?.static_routes[1] ?? []
    ).map((u) => u[1]);
    assert.deepEqual(
      [...(replica.get('Logical_Router', uuid)?.static_routes ?? [])].sort(),
      serverSet.sort(),
    );
    // Rows serialize with the versioned column as a plain array.
    const json = JSON.parse(JSON.stringify(replica.get('Logical_Router', uuid)));
    assert.equal(json.static_routes.length, 319);
  });

  test('map diffs add, change and remove keys; optional values set, change and clear', async () => {
    const results = await writer.transact(
      NB,
      withSwitch('ls-map', [{ name: 'lsp-map', external_ids: { a: '1', b: '2' } }]),
    );
    const uuid = (results[0] as { uuid: [string, string] }).uuid[1];
    await until(replica, () => replica.get('Logical_Switch_Port', uuid) !== undefined);
    const where = [whereColumn<LogicalSwitchPort, 'name', '=='>('name', '==', 'lsp-map')];
    await writer.transact(NB, [
      updateRows(LogicalSwitchPortTable, where, { external_ids: { a: '1', b: '3', c: '4' }, tag_request: 7 }),
    ]);
    await until(replica, () => replica.get('Logical_Switch_Port', uuid)?.tag_request === 7);
    assert.deepEqual(replica.get('Logical_Switch_Port', uuid)?.external_ids, { a: '1', b: '3', c: '4' });
    await writer.transact(NB, [
      updateRows(LogicalSwitchPortTable, where, { external_ids: { c: '4' }, tag_request: 9 }),
    ]);
    await until(replica, () => replica.get('Logical_Switch_Port', uuid)?.tag_request === 9);
    assert.deepEqual(replica.get('Logical_Switch_Port', uuid)?.external_ids, { c: '4' });
    await writer.transact(NB, [
      updateRows(LogicalSwitchPortTable, where, { external_ids: CLEAR, tag_request: CLEAR }),
    ]);
    await until(replica, () => replica.get('Logical_Switch_Port', uuid)?.tag_request === undefined);
    const row = replica.get('Logical_Switch_Port', uuid);
    assert.ok(row);
    assert.deepEqual(row.external_ids, {});
    assert.equal('tag_request' in row, false);
  });

  test('a big map is versioned too and stays correct', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 200; i++) big[`k${i}`] = `v${i}`;
    const results = await writer.transact(NB, [
      insertRow(LogicalSwitchTable, { name: 'ls-bigmap', external_ids: big }).operation,
    ]);
    const uuid = (results[0] as { uuid: [string, string] }).uuid[1];
    await until(replica, () => replica.get('Logical_Switch', uuid) !== undefined);
    const first = replica.get('Logical_Switch', uuid);
    await writer.transact(NB, [
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('name', '==', 'ls-bigmap')],
        [
          mutateColumn('external_ids', 'delete', ['k0']),
          mutateColumn('external_ids', 'insert', { extra: 'x' }),
        ],
      ),
    ]);
    await until(replica, () => replica.get('Logical_Switch', uuid)?.external_ids.extra === 'x');
    const now = replica.get('Logical_Switch', uuid);
    assert.equal(Object.keys(now?.external_ids ?? {}).length, 200);
    assert.equal(now?.external_ids.k0, undefined);
    assert.equal(first?.external_ids.k0, 'v0');
    assert.equal(Object.keys(first?.external_ids ?? {}).length, 200);
  });

  test('schema and client indexes, unique and not, follow inserts, updates and deletes', async () => {
    await writer.transact(
      NB,
      withSwitch('ls-idx', [
        { name: 'idx-1', type: 'router', external_ids: { owner: 'alice' } },
        { name: 'idx-2', external_ids: { owner: 'alice' } },
        { name: 'idx-3', external_ids: { owner: 'bob' } },
      ]),
    );
    await until(replica, () => replica.find('Logical_Switch_Port', 'byOwner', 'alice').length === 2);
    assert.ok(replica.indexes('Logical_Switch_Port').includes('name'));
    assert.equal(replica.findOne('Logical_Switch_Port', 'name', 'idx-3')?.external_ids.owner, 'bob');
    assert.deepEqual(
      replica.find('Logical_Switch_Port', 'byTypeAndOwner', 'router', 'alice').map((r) => r.name),
      ['idx-1'],
    );
    await writer.transact(NB, [
      updateRows(LogicalSwitchPortTable, [whereColumn('name', '==', 'idx-2')], {
        external_ids: { owner: 'bob' },
      }),
    ]);
    await until(replica, () => replica.find('Logical_Switch_Port', 'byOwner', 'alice').length === 1);
    assert.deepEqual(
      replica
        .find('Logical_Switch_Port', 'byOwner', 'bob')
        .map((r) => r.name)
        .sort(),
      ['idx-2', 'idx-3'],
    );
    const port3 = replica.findOne('Logical_Switch_Port', 'name', 'idx-3');
    assert.ok(port3);
    await writer.transact(NB, [
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('name', '==', 'ls-idx')],
        [mutateColumn('ports', 'delete', [port3._uuid])],
      ),
    ]);
    await until(replica, () => replica.findOne('Logical_Switch_Port', 'name', 'idx-3') === undefined);
    assert.deepEqual(
      replica.find('Logical_Switch_Port', 'byOwner', 'bob').map((r) => r.name),
      ['idx-2'],
    );
    // @ts-expect-error not an index of Logical_Switch_Port: it does not compile, and throws when run
    assert.throws(() => replica.find('Logical_Switch_Port', 'nope', 1), UnknownIndexError);
  });
});

describe('replica: conditional monitoring', { timeout: 30_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix);
    await client.transact(NB, [
      insertRow(LogicalSwitchTable, { name: 'a' }).operation,
      insertRow(LogicalSwitchTable, { name: 'b' }).operation,
      insertRow(LogicalSwitchTable, { name: 'c' }).operation,
    ]);
  });
  after(async () => {
    await client?.close();
    await server?.stop();
  });

  for (const method of ['monitor_cond_since', 'monitor_cond', 'monitor'] as const) {
    test(`${method}: only matching rows; rows entering and leaving the condition`, async () => {
      const replica = await Replica.start(client, nbModel, {
        method,
        tables: { Logical_Switch: { where: [whereColumn('name', '==', 'a')] } },
      });
      try {
        assert.equal(replica.method, method);
        assert.deepEqual(
          replica.list('Logical_Switch').map((r) => r.name),
          ['a'],
        );
        const original = replica.list('Logical_Switch')[0]?._uuid;
        const changes: Change<Tables>[] = [];
        replica.on('change', (c) => changes.push(c));
        // A row starts matching through an update: it enters as an insert.
        await client.transact(NB, [
          updateRows(LogicalSwitchTable, [whereColumn('name', '==', 'b')], { name: 'a' }),
        ]);
        assert.deepEqual(
          replica.list('Logical_Switch').map((r) => r.name),
          ['a', 'a'],
        );
        assert.deepEqual(
          changes.map((c) => c.kind),
          ['insert'],
        );
        // ... and leaves as a delete.
        const moved = replica.list('Logical_Switch').find((r) => r._uuid !== original);
        assert.ok(moved);
        await client.transact(NB, [
          updateRows(LogicalSwitchTable, [whereColumn('_uuid', '==', moved._uuid)], { name: 'b' }),
        ]);
        assert.deepEqual(
          replica.list('Logical_Switch').map((r) => r.name),
          ['a'],
        );
        assert.equal(changes.at(-1)?.kind, 'delete');
        if (method !== 'monitor') {
          changes.length = 0;
          await replica.setCondition('Logical_Switch', [whereColumn('name', '==', 'c')]);
          await until(
            replica,
            () =>
              replica
                .list('Logical_Switch')
                .map((r) => r.name)
                .join() === 'c',
          );
          assert.deepEqual(changes.map((c) => c.kind).sort(), ['delete', 'insert']);
        }
      } finally {
        await replica.close();
      }
    });
  }

  for (const method of ['monitor_cond', 'monitor'] as const) {
    test(`${method}: a condition on a column the caller did not ask for still filters`, async () => {
      const replica = await Replica.start(client, nbModel, {
        method,
        tables: { Logical_Switch: { columns: ['other_config'], where: [whereColumn('name', '==', 'c')] } },
      });
      try {
        assert.equal(replica.count('Logical_Switch'), 1);
        const row = replica.list('Logical_Switch')[0];
        assert.ok(row);
        assert.deepEqual(row.other_config, {});
      } finally {
        await replica.close();
      }
    });
  }
});

describe('replica: initial contents', { timeout: 60_000 }, () => {
  test('a big initial dump arrives lazily and is applied in slices: progress events, timers keep firing', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      const ops = [];
      for (let i = 0; i < 20_000; i++) {
        ops.push(
          insertRow(AddressSetTable, { name: `as${i}`, addresses: [`10.0.${i >> 8}.${i & 255}`, 'fd00::1'] })
            .operation,
        );
      }
      await client.transact(NB, ops);
      // The reply is big enough to come segmented: rows are parsed only as they are applied.
      const probe = await client.monitorInitial('monitor_cond', NB, [NB, 'probe', { Address_Set: {} }]);
      assert.ok(isLazyReply(probe));
      await client.monitorCancel('probe');
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const progress: number[] = [];
      const replicas = [];
      for (const method of ['monitor_cond_since', 'monitor_cond', 'monitor'] as const) {
        replicas.push(
          await Replica.start(client, nbModel, {
            method,
            tables: { Address_Set: true },
            initialSliceRows: 2000,
            onProgress: (p) => {
              if (method === 'monitor_cond_since') progress.push(p.rows);
              assert.ok((p.bytes ?? 0) > 1024 * 1024, 'the size of the reply is reported');
            },
          }),
        );
      }
      clearInterval(timer);
      // Slices end after 2000 rows, or sooner by bytes or time (src/cache/slice-budget.ts);
      // the last report comes once every row is applied.
      assert.ok(progress.length >= 11, `${progress.length} progress reports`);
      assert.equal(progress.at(-1), 20_000);
      for (let i = 0; i < progress.length; i++) {
        const step = (progress[i] as number) - (i === 0 ? 0 : (progress[i - 1] as number));
        assert.ok(step >= 0 && step <= 2000, `slice ${i} applied ${step} rows`);
      }
      assert.ok(ticks >= 5, `the timer fired ${ticks} times while the slices were applied`);
      const [since, cond, plain] = replicas;
      assert.ok(since && cond && plain);
      for (const replica of replicas) assert.equal(replica.count('Address_Set'), 20_000);
      const sample = since.where('Address_Set', (r) => r.name === 'as4242')[0];
      assert.deepEqual(sample?.addresses.slice().sort(), ['10.0.16.146', 'fd00::1']);
      assert.deepEqual(cond.get('Address_Set', sample?._uuid as never), sample);
      assert.deepEqual(plain.get('Address_Set', sample?._uuid as never), sample);
      for (const replica of replicas) await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe('replica: a huge row in the initial contents', { timeout: 60_000 }, () => {
  test('a router with 30,000 routes (a row over 1 MiB) is parsed over several turns and arrives whole', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      const uuid = await routerWithRoutes(client, 'lr-huge', 30_000);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const replica = await Replica.start(client, nbModel, {
        tables: { Logical_Router: true, Logical_Router_Static_Route: true },
      });
      clearInterval(timer);
      const router = replica.get('Logical_Router', uuid);
      assert.equal(router?.static_routes.length, 30_000);
      assert.equal(replica.count('Logical_Router_Static_Route'), 30_000);
      for (const route of router?.static_routes ?? [])
        assert.ok(replica.get('Logical_Router_Static_Route', route));
      assert.ok(ticks > 0);
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe('replica: create, then sync', { timeout: 30_000 }, () => {
  test('listeners and streams attached before sync see the initial contents; sync runs once', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      await client.transact(NB, [
        insertRow(LogicalSwitchTable, { name: 'x' }).operation,
        insertRow(LogicalSwitchTable, { name: 'y' }).operation,
      ]);
      const replica = await Replica.create(client, nbModel, { tables: { Logical_Switch: true } });
      assert.equal(replica.count('Logical_Switch'), 0);
      const events: Change<Tables>[] = [];
      replica.on('change', (c) => events.push(c));
      const stream = replica.changes();
      await replica.sync();
      assert.deepEqual(
        events.map((c) => [c.kind, c.kind === 'insert' && c.initial]),
        [
          ['insert', true],
          ['insert', true],
        ],
      );
      const first = await stream.next();
      assert.equal(first.done, false);
      assert.equal(first.value?.kind === 'insert' && first.value.initial, true);
      await assert.rejects(replica.sync(), { code: 'OVNDB_REPLICA_ALREADY_SYNCED' });
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
