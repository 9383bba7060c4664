import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcConnection } from '../../src/rpc/connection.js';
import { RpcRemoteError } from '../../src/rpc/rpc-errors.js';
import { SocketTransport } from './socket-transport.js';

const NB_SCHEMA = '/usr/share/ovn/ovn-nb.ovsschema';

/** Resolves once `path` accepts a unix-socket connection; fails on early exit or deadline. */
async function waitForSocket(path: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `ovsdb-server exited early (code ${code}, signal ${signal})`;
  });
  for (;;) {
    if (exited) throw new Error(exited);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ path }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`ovsdb-server socket ${path} not ready in ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RpcConnection against a real ovsdb-server', { timeout: 20000 }, () => {
  let dir: string;
  let sock: string;
  let server: ChildProcess | undefined;
  let conn: RpcConnection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ovndb-rpc-real-'));
    const db = join(dir, 'nb.db');
    sock = join(dir, 'nb.sock');
    execFileSync('ovsdb-tool', ['create', db, NB_SCHEMA]);
    server = spawn(
      'ovsdb-server',
      [
        `--remote=punix:${sock}`,
        `--unixctl=${join(dir, 'nb.ctl')}`,
        '--no-chdir',
        '-vconsole:off',
        `--log-file=${join(dir, 'nb.log')}`,
        `--pidfile=${join(dir, 'nb.pid')}`,
        db,
      ],
      { stdio: 'ignore' },
    );
    await waitForSocket(sock, server, 10000);
    conn = new RpcConnection(await SocketTransport.connect(sock), { maxInFlight: 64 });
  });

  after(async () => {
    conn?.close();
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
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
    const wide = new RpcConnection(await SocketTransport.connect(sock));
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
