import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RpcConnection } from '../../src/rpc/connection.js';
import { RpcRemoteError } from '../../src/rpc/rpc-errors.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { SocketTransport } from './socket-transport.js';

describe('RpcConnection against a real ovsdb-server', { timeout: 20000 }, () => {
  let server: RunningServer;
  let conn: RpcConnection;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    conn = new RpcConnection(await SocketTransport.connect(server.unix.slice('unix:'.length)), {
      maxInFlight: 64,
    });
  });

  after(async () => {
    conn?.close();
    await server?.stop();
  });

  test('list_dbs', async () => {
    const dbs = (await conn.request('list_dbs', [])) as string[];
    assert.ok(dbs.includes('OVN_Northbound'), JSON.stringify(dbs));
    assert.ok(dbs.includes('_Server'), JSON.stringify(dbs));
  });

  test('get_schema', async () => {
    const schema = (await conn.request('get_schema', ['OVN_Northbound'])) as {
      name: string;
      tables: Record<string, unknown>;
    };
    assert.equal(schema.name, 'OVN_Northbound');
    assert.ok('Logical_Switch' in schema.tables);
  });

  test('echo', async () => {
    assert.deepEqual(await conn.request('echo', ['hi', 1, { a: [true] }]), ['hi', 1, { a: [true] }]);
  });

  test('transact on an unknown database -> RpcRemoteError "unknown database"', async () => {
    await assert.rejects(conn.request('transact', ['No_Such_Db']), (e: unknown) => {
      assert.ok(e instanceof RpcRemoteError);
      assert.equal(e.code, 'OVNDB_RPC_ERROR');
      assert.equal(e.error, 'unknown database');
      return true;
    });
    assert.equal(conn.closed, false);
  });

  test('500 pipelined echo requests all resolve (through a 64-slot pipeline)', async () => {
    const replies = await Promise.all(
      Array.from({ length: 500 }, (_, i) => conn.request('echo', [i, `n${i}`])),
    );
    assert.deepEqual(
      replies,
      Array.from({ length: 500 }, (_, i) => [i, `n${i}`]),
    );
    assert.equal(conn.inFlight, 0);
    assert.equal(conn.queued, 0);
  });

  test('500 pipelined echo requests all resolve (default options: all in flight at once)', async () => {
    const wide = new RpcConnection(await SocketTransport.connect(server.unix.slice('unix:'.length)));
    try {
      const replies = Promise.all(Array.from({ length: 500 }, (_, i) => wide.request('echo', [i])));
      assert.equal(wide.inFlight, 500);
      assert.deepEqual(
        await replies,
        Array.from({ length: 500 }, (_, i) => [i]),
      );
    } finally {
      wide.close();
    }
  });

  test('monitor, then a transact produces an update notification', async () => {
    const updates: unknown[][] = [];
    const gotUpdate = new Promise<void>((resolve) =>
      conn.onNotification((method, params) => {
        if (method === 'update') {
          updates.push(params);
          resolve();
        }
      }),
    );
    const initial = await conn.request('monitor', [
      'OVN_Northbound',
      'mon-ls',
      { Logical_Switch: { columns: ['name'] } },
    ]);
    assert.deepEqual(initial, {});
    const result = (await conn.request('transact', [
      'OVN_Northbound',
      { op: 'insert', table: 'Logical_Switch', row: { name: 'sw0' } },
    ])) as { uuid: [string, string] }[];
    const uuid = result[0]!.uuid[1];
    await gotUpdate;
    assert.equal(updates[0]![0], 'mon-ls');
    assert.deepEqual(updates[0]![1], { Logical_Switch: { [uuid]: { new: { name: 'sw0' } } } });
  });
});
