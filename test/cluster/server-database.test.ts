/**
 * `_Server.Database` watched on real servers: a 3-member raft cluster (one leader, leader
 * change after the leader dies, loss of the majority), a relay in front of it, a standalone
 * server and an active-backup pair.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { probeReadOnly } from '../../src/cluster/read-only-probe.js';
import {
  ServerDatabaseWaitTimeoutError,
  type ServerDatabaseWatch,
  watchServerDatabase,
} from '../../src/cluster/server-database-watch.js';
import { LogicalSwitchTable } from '../../src/generated/nb/index.js';
import { connect, insertRow, NotAllowedError, type OvsdbClient } from '../../src/index.js';
import {
  ovnSchemaPath,
  type RaftCluster,
  type RunningServer,
  startOvsdbServer,
  startRaftCluster,
  startRelay,
} from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
/** Raft elects within a few election timeouts (1 s by default); this bounds every wait. */
const CHANGE_MS = 10_000;

/** Clients and watches a suite opened, closed in its `after`. */
class Opened {
  private readonly clients: OvsdbClient[] = [];
  private readonly watches: ServerDatabaseWatch[] = [];
  async watch(server: RunningServer, readOnly = false): Promise<ServerDatabaseWatch> {
    const client = await connect(server.unix);
    this.clients.push(client);
    const watch = await watchServerDatabase(client, NB, { readOnly });
    this.watches.push(watch);
    return watch;
  }
  async client(server: RunningServer): Promise<OvsdbClient> {
    const client = await connect(server.unix);
    this.clients.push(client);
    return client;
  }
  async close(): Promise<void> {
    await Promise.allSettled(this.watches.map((w) => w.close()));
    await Promise.allSettled(this.clients.map((c) => c.close()));
  }
}

describe('_Server.Database on a raft cluster', { timeout: 60_000 }, () => {
  let cluster: RaftCluster;
  let relay: RunningServer | undefined;
  const opened = new Opened();
  const killed = new Set<number>();
  const kill = (member: RunningServer): void => {
    member.kill('SIGKILL');
    killed.add(member.pid);
  };
  before(async () => {
    cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 3 });
  });
  after(async () => {
    await opened.close();
    await relay?.stop();
    await cluster?.stop();
  });

  test('exactly one member is writable, the leader; all are readable', { timeout: 20_000 }, async () => {
    const leader = await cluster.leader();
    const watches = await Promise.all(cluster.members.map((m) => opened.watch(m)));
    const statuses = watches.map((w) => w.current());
    const writable = cluster.members.filter((_, i) => statuses[i]?.status.writable);
    assert.deepEqual(
      writable.map((m) => m.pid),
      [leader.pid],
    );
    for (const s of statuses) {
      assert.equal(s.status.readable, true);
      assert.equal(s.status.acceptsWrites, true);
      assert.equal(s.row?.model, 'clustered');
      assert.equal(typeof s.row?.index, 'number');
      // Every member is of one cluster, and the seen state adopted it.
      assert.equal(s.seen.cid, statuses[0]?.row?.cid);
    }
  });

  test('a follower accepts a write (it forwards it to the leader)', { timeout: 20_000 }, async () => {
    const leader = await cluster.leader();
    const follower = cluster.members.find((m) => m.pid !== leader.pid) as RunningServer;
    const watch = await opened.watch(follower);
    assert.equal(watch.current().status.reason, 'follower');
    const before = watch.current().row?.index as number;
    const client = await opened.client(follower);
    await client.transact(NB, [insertRow(LogicalSwitchTable, { name: 'via-follower' }).operation]);
    // The commit moves the raft index the follower exposes.
    const after = await watch.until((s) => (s.row?.index ?? 0) > before, CHANGE_MS);
    assert.equal(after.status.reason, 'follower');
    assert.ok((after.seen.index ?? 0) > before);
  });

  test('a relay in front of the cluster: model relay, not leader, forwards writes', {
    timeout: 20_000,
  }, async () => {
    // startRelay resolves once the relay serves the database (it first syncs from its source).
    relay = await startRelay(cluster, { source: cluster.remotes });
    const watch = await opened.watch(relay);
    const status = await watch.until((s) => s.row?.connected === true, CHANGE_MS);
    assert.equal(status.row?.model, 'relay');
    assert.equal(status.row?.leader, false);
    // A relay exposes neither the cluster id nor an index: its freshness cannot be checked.
    assert.equal(status.row?.cid, undefined);
    assert.equal(status.row?.index, undefined);
    assert.deepEqual(status.status, {
      writable: false,
      acceptsWrites: true,
      readable: true,
      stale: false,
      wrongCluster: false,
      reason: 'relay',
    });
    const client = await opened.client(relay);
    await client.transact(NB, [insertRow(LogicalSwitchTable, { name: 'via-relay' }).operation]);
    assert.equal(await probeReadOnly(client, NB), false);
  });

  test('when the leader dies a surviving member reports itself leader', { timeout: 20_000 }, async () => {
    const leader = await cluster.leader();
    const survivors = cluster.members.filter((m) => m.pid !== leader.pid);
    const watches = await Promise.all(survivors.map((m) => opened.watch(m)));
    for (const w of watches) assert.equal(w.current().status.writable, false);
    const indexBefore = Math.max(...watches.map((w) => w.current().seen.index ?? 0));
    const changes: string[] = [];
    for (const w of watches) w.on('status', (s) => changes.push(s.status.reason));

    kill(leader);
    const elected = await Promise.any(watches.map((w) => w.until((s) => s.status.writable, CHANGE_MS)));
    assert.equal(elected.status.reason, 'leader');
    assert.ok(changes.includes('leader'));
    // The new leader has every committed entry: it is never behind what was seen.
    assert.equal(elected.status.stale, false);
    assert.ok((elected.seen.index ?? 0) >= indexBefore);
    const newLeader = await cluster.leader();
    const reportedBy = survivors[watches.findIndex((w) => w.current().status.writable)];
    assert.equal(reportedBy?.pid, newLeader.pid);
    assert.equal(watches.filter((w) => w.current().status.writable).length, 1);
  });

  test('without a raft majority the last member reports disconnected', { timeout: 20_000 }, async () => {
    // After the previous test one member is dead; killing the new leader leaves one of three.
    const leader = await cluster.leader();
    const last = cluster.members.filter((m) => m.pid !== leader.pid && !killed.has(m.pid));
    assert.equal(last.length, 1);
    const watch = await opened.watch(last[0] as RunningServer);
    assert.equal(watch.current().status.readable, true);
    kill(leader);
    const status = await watch.until((s) => !s.status.readable, CHANGE_MS);
    assert.equal(status.status.reason, 'disconnected');
    assert.equal(status.status.writable, false);
    assert.equal(status.row?.connected, false);
  });
});

describe('_Server.Database on a standalone server and an active-backup pair', { timeout: 60_000 }, () => {
  let active: RunningServer;
  let backup: RunningServer;
  const opened = new Opened();
  before(async () => {
    active = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    backup = await startOvsdbServer({
      schemas: [ovnSchemaPath('nb')],
      extraArgs: [`--sync-from=${active.unix}`],
    });
  });
  after(async () => {
    await opened.close();
    await backup?.stop();
    await active?.stop();
  });

  test('a standalone server is writable', { timeout: 20_000 }, async () => {
    const watch = await opened.watch(active);
    assert.equal(watch.current().row?.model, 'standalone');
    assert.equal(watch.current().status.reason, 'standalone');
    assert.equal(watch.current().status.writable, true);
    assert.equal(await probeReadOnly(await opened.client(active), NB), false);
  });

  test('a backup looks standalone in _Server; the probe tells it apart', { timeout: 20_000 }, async () => {
    const client = await opened.client(backup);
    const plain = await opened.watch(backup);
    // _Server alone: indistinguishable from an active server.
    const row = plain.current().row;
    assert.equal(row?.model, 'standalone');
    assert.equal(row?.connected, true);
    assert.equal(row?.leader, true);
    assert.equal(plain.current().status.writable, true);

    assert.equal(await probeReadOnly(client, NB), true);
    await assert.rejects(
      client.transact(NB, [insertRow(LogicalSwitchTable, { name: 'no' }).operation]),
      NotAllowedError,
    );
    const watch = await opened.watch(backup, true);
    assert.equal(watch.current().status.reason, 'backup');
    assert.equal(watch.current().status.writable, false);
    assert.equal(watch.current().status.acceptsWrites, false);
    assert.equal(watch.current().status.readable, true);
  });

  test('a database the server does not serve', { timeout: 20_000 }, async () => {
    const client = await opened.client(active);
    const watch = await watchServerDatabase(client, 'OVN_Southbound');
    try {
      assert.equal(watch.current().row, undefined);
      assert.equal(watch.current().status.reason, 'not-served');
      await assert.rejects(
        watch.until((s) => s.status.readable, 50),
        ServerDatabaseWaitTimeoutError,
      );
    } finally {
      await watch.close();
    }
  });
});
