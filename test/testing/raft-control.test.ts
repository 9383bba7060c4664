import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  ovnSchemaPath,
  type RaftCluster,
  RaftMemberStateError,
  type RunningServer,
  startRaftCluster,
  startRelay,
} from '../../src/testing/index.js';

const DB = 'OVN_Northbound';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Inserts a Logical_Switch named `name` through `remote`, with ovsdb-client (an independent tool). */
function insertSwitch(via: RunningServer, remote: string, name: string): Promise<string> {
  const ops = [DB, { op: 'insert', table: 'Logical_Switch', row: { name } }];
  return via.client('-t', '5', 'transact', remote, JSON.stringify(ops));
}

/** The names of the Logical_Switch rows called `name`, read through `remote`. */
async function switchesNamed(via: RunningServer, remote: string, name: string): Promise<string[]> {
  const ops = [
    DB,
    { op: 'select', table: 'Logical_Switch', where: [['name', '==', name]], columns: ['name'] },
  ];
  const out = await via.client('-t', '5', 'transact', remote, JSON.stringify(ops));
  const [result] = JSON.parse(out) as [{ rows: { name: string }[] }];
  return result.rows.map((row) => row.name);
}

/** Polls `check` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A 3-member cluster (fast failover unless `options` says otherwise), stopped and checked afterwards. */
async function withCluster(
  body: (cluster: RaftCluster) => Promise<void>,
  options: { electionTimerMs?: number } = { electionTimerMs: 250 },
): Promise<void> {
  const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), ...options });
  const pids = new Set<number>();
  try {
    await body(cluster);
  } finally {
    for (const member of cluster.members) pids.add(member.pid);
    await cluster.stop();
  }
  for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} stopped`);
}

describe('raft cluster control', { timeout: 60_000 }, () => {
  test('kill the leader: another leads; restart keeps the tcp remote', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      for (let i = 0; i < 3; i++) assert.equal((await cluster.status(i))?.electionTimerMs, 250);
      const tcpRemotes = cluster.tcpRemotes;
      const tcp = tcpRemotes.split(',');
      const old = await cluster.leaderIndex();
      const oldPid = cluster.members[old]!.pid;

      await cluster.kill(old);
      assert.equal(isRunning(oldPid), false);
      assert.equal(cluster.isRunning(old), false);
      await assert.rejects(cluster.failureTest(old, 'clear'), RaftMemberStateError);
      assert.throws(
        () => cluster.member(7),
        (e) => e instanceof RaftMemberStateError && e.code === 'OVNDB_RAFT_MEMBER_STATE',
      );
      const next = await cluster.leaderIndex();
      assert.notEqual(next, old);

      await cluster.restart(old, { waitForLeader: true });
      const member = cluster.members[old]!;
      assert.notEqual(member.pid, oldPid);
      assert.equal(cluster.member(old), member);
      assert.ok(isRunning(member.pid));
      assert.equal(member.tcp, tcp[old]);
      assert.equal(cluster.tcpRemotes, tcpRemotes);
      assert.match(await member.client('-t', '5', 'list-dbs', tcp[old]!), /^OVN_Northbound$/m);
      assert.equal((await cluster.status(old))?.status, 'cluster member');

      // 250 -> 1000 is more than the server's 2x per change: setElectionTimer steps through 500.
      await cluster.setElectionTimer(1000);
      for (let i = 0; i < 3; i++) assert.equal((await cluster.status(i))?.electionTimerMs, 1000);
    });
  });

  test('exit on the leader hands leadership over', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      // The server's default election timer is left alone without the option.
      for (let i = 0; i < 3; i++) assert.equal((await cluster.status(i))?.electionTimerMs, 1000);
      const old = await cluster.leaderIndex();
      const server = cluster.members[old]!;
      await cluster.exit(old);
      const exit = await server.exited;
      assert.equal(exit.code, 0, 'a graceful exit');
      assert.equal(isRunning(server.pid), false);
      const next = await cluster.leaderIndex();
      assert.notEqual(next, old);
      // Handed over, not won after an election timeout.
      assert.equal((await cluster.status(next))?.lastElectionReason, 'leadership_transfer');
    }, {});
  });

  test('kick + rejoin: a new server id, three members again', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      const victim = ((await cluster.leaderIndex()) + 1) % 3;
      const oldSid = await cluster.serverId(victim);
      const oldPid = cluster.members[victim]!.pid;
      await cluster.kick(victim);
      assert.equal(isRunning(oldPid), false);
      for (let i = 0; i < 3; i++) {
        if (i === victim) continue;
        const status = await cluster.status(i);
        assert.equal(status?.servers.length, 2);
        assert.ok(!status.servers.some((s) => s.address === cluster.raftAddresses[victim]));
      }
      assert.equal(await cluster.serverId(victim), oldSid, 'read from the db file while down');

      await cluster.rejoin(victim);
      const newSid = await cluster.serverId(victim);
      assert.match(newSid, /^[0-9a-f-]{36}$/);
      assert.notEqual(newSid, oldSid);
      await eventually(async () => {
        for (let i = 0; i < 3; i++) {
          const status = await cluster.status(i);
          assert.equal(status?.servers.length, 3);
          assert.ok(status.servers.some((s) => s.shortId === newSid.slice(0, 4)));
        }
      });
      assert.match(
        await cluster.members[victim]!.client('-t', '5', 'list-dbs', cluster.members[victim]!.tcp!),
        /OVN_Northbound/,
      );
    });
  });

  test('stopAll + startAll: a leader again, data kept', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      const leader = await cluster.leader();
      await insertSwitch(leader, leader.unix, 'kept');
      const pids = cluster.members.map((m) => m.pid);
      await cluster.stopAll();
      for (const pid of pids) assert.equal(isRunning(pid), false);
      for (let i = 0; i < 3; i++) assert.equal(cluster.isRunning(i), false);

      await cluster.startAll();
      const index = await cluster.leaderIndex();
      assert.ok(cluster.members.every((m, i) => m.pid !== pids[i] && isRunning(m.pid)));
      const member = cluster.members[(index + 1) % 3]!;
      assert.deepEqual(await switchesNamed(member, member.tcp!, 'kept'), ['kept']);
    });
  });

  test('a relay serves the cluster database', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      const leader = await cluster.leader();
      await insertSwitch(leader, leader.unix, 'relayed');
      const relay = await startRelay(cluster);
      try {
        assert.match(relay.tcp ?? '', /^tcp:127\.0\.0\.1:\d+$/);
        await eventually(async () => {
          assert.deepEqual(await switchesNamed(relay, relay.tcp!, 'relayed'), ['relayed']);
        });
        // Writes through the relay reach the cluster.
        await insertSwitch(relay, relay.unix, 'via-relay');
        assert.deepEqual(await switchesNamed(leader, leader.unix, 'via-relay'), ['via-relay']);
      } finally {
        await relay.stop();
      }
      assert.equal(isRunning(relay.pid), false);
      assert.equal(existsSync(relay.dir), false);
    });
  });

  test('failureTest crash point: the leader exits on the next write', { timeout: 20_000 }, async () => {
    await withCluster(async (cluster) => {
      const old = await cluster.leaderIndex();
      const server = cluster.members[old]!;
      await cluster.failureTest(old, 'crash_after_sending_append_request');
      // The write makes the leader send an append request, after which it crashes.
      await assert.rejects(insertSwitch(server, server.unix, 'crash'));
      const exit = await cluster.waitExit(old);
      assert.ok(exit.code !== 0 || exit.signal !== null, 'the crash point ends the process');
      assert.equal(cluster.isRunning(old), false);
      const next = await cluster.leaderIndex();
      assert.notEqual(next, old);
      const survivor = cluster.members[next]!;
      // The append request went out before the crash: the write is neither lost nor doubled.
      await eventually(async () => {
        assert.deepEqual(await switchesNamed(survivor, survivor.unix, 'crash'), ['crash']);
      });
    });
  });
});
