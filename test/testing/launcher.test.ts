import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  MissingBinaryError,
  ovnSchemaPath,
  ServerStartError,
  startOvsdbServer,
  startRaftCluster,
} from '../../src/testing/index.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of processes whose command line mentions `text` (to prove nothing was left behind). */
async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) found.push(Number(entry));
  }
  return found;
}

describe('startOvsdbServer', { timeout: 20000 }, () => {
  test('starts a standalone server, answers ovsdb-client, and is gone after stop', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb'), ovnSchemaPath('sb')] });
    try {
      assert.ok(isRunning(server.pid));
      assert.match(server.unix, /^unix:\/.*db\.sock$/);
      assert.match(server.tcp ?? '', /^tcp:127\.0\.0\.1:\d+$/);
      assert.equal(server.ssl, undefined);
      const dbs = (await server.client('list-dbs', server.unix)).trim().split('\n').sort();
      assert.deepEqual(dbs, ['OVN_Northbound', 'OVN_Southbound', '_Server']);
      const viaTcp = await server.client('list-dbs', server.tcp!);
      assert.match(viaTcp, /OVN_Southbound/);
      assert.match(await server.appctl('ovsdb-server/list-remotes'), /ptcp:0:127\.0\.0\.1/);
    } finally {
      await server.stop();
    }
    assert.equal(isRunning(server.pid), false);
    assert.throws(() => process.kill(server.pid, 0));
    assert.equal(existsSync(server.dir), false, 'the temporary directory is removed');
    await server.stop(); // idempotent
  });

  test('tcp: false listens on the unix socket only; a given dir is kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-kept-'));
    try {
      const server = await startOvsdbServer({ schemas: [ovnSchemaPath('ic-nb')], tcp: false, dir });
      try {
        assert.equal(server.tcp, undefined);
        assert.equal(server.dir, dir);
        assert.match(await server.client('list-dbs', server.unix), /OVN_IC_Northbound/);
      } finally {
        await server.stop();
      }
      assert.equal(isRunning(server.pid), false);
      assert.equal(existsSync(dir), true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('stop after a crash (kill SIGKILL) still resolves', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    server.kill('SIGKILL');
    await server.stop();
    assert.equal(isRunning(server.pid), false);
  });

  test('a missing ovsdb-server is a MissingBinaryError naming the Debian package', async () => {
    await assert.rejects(
      startOvsdbServer({
        schemas: [ovnSchemaPath('nb')],
        binaries: { 'ovsdb-server': 'ovsdb-server-not-installed' },
      }),
      (error: unknown) => {
        assert.ok(error instanceof MissingBinaryError);
        assert.equal(error.code, 'OVNDB_MISSING_BINARY');
        assert.equal(error.binary, 'ovsdb-server');
        assert.equal(error.debianPackage, 'openvswitch-common');
        assert.match(error.message, /openvswitch-common/);
        return true;
      },
    );
  });

  test('a missing websockify names its package and leaves no server behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-nows-'));
    try {
      await assert.rejects(
        startOvsdbServer({
          schemas: [ovnSchemaPath('nb')],
          ws: true,
          dir,
          searchPath: ['/usr/sbin', '/usr/bin'],
          binaries: { websockify: '/nonexistent/websockify' },
        }),
        (error: unknown) => error instanceof MissingBinaryError && error.debianPackage === 'websockify',
      );
      assert.deepEqual(await processesMentioning(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a bad schema path fails with ServerStartError carrying the tool output', async () => {
    await assert.rejects(
      startOvsdbServer({ schemas: ['/nonexistent/broken.ovsschema'] }),
      (error: unknown) =>
        error instanceof ServerStartError &&
        error.code === 'OVNDB_SERVER_START_FAILED' &&
        error.logTail.includes('/nonexistent/broken.ovsschema'),
    );
  });

  test('a server that exits during start-up is reported with its log tail, no process left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-early-exit-'));
    try {
      const started = Date.now();
      await assert.rejects(
        startOvsdbServer({ schemas: [ovnSchemaPath('nb')], dir, extraArgs: [join(dir, 'missing.db')] }),
        (error: unknown) =>
          error instanceof ServerStartError &&
          error.code === 'OVNDB_SERVER_START_FAILED' &&
          error.logTail !== '',
      );
      assert.ok(Date.now() - started < 5000, 'detected by the exit, not by the start deadline');
      assert.deepEqual(await processesMentioning(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('startRaftCluster', { timeout: 20000 }, () => {
  test('three members agree on a leader; all are gone after stop', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb') });
    const pids = cluster.members.map((m) => m.pid);
    try {
      assert.equal(cluster.members.length, 3);
      assert.equal(new Set(pids).size, 3);
      assert.equal(cluster.database, 'OVN_Northbound');
      assert.equal(cluster.remotes.split(',').length, 3);
      assert.equal(cluster.tcpRemotes.split(',').length, 3);
      const leader = await cluster.leader();
      assert.match(await leader.appctl('cluster/status', 'OVN_Northbound'), /^Role: leader$/m);
      for (const member of cluster.members) {
        const status = await member.appctl('cluster/status', 'OVN_Northbound');
        assert.match(status, /^Status: cluster member$/m);
      }
      // Every member serves the database, through its own unix socket.
      for (const member of cluster.members) {
        assert.match(await member.client('list-dbs', member.unix), /OVN_Northbound/);
      }
    } finally {
      await cluster.stop();
    }
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} stopped`);
  });
});
