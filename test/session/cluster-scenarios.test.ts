/**
 * A session through the other ways a raft cluster changes under it: a graceful leader
 * transfer, a member kicked out and joined again as a new server, every member down then up,
 * a relay in front, and a member that reports an older index than already seen.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { FailoverBudgetExceededError, op, Session, SplitSession } from '../../src/index.js';
import {
  ovnSchemaPath,
  type RaftCluster,
  type RunningServer,
  startRaftCluster,
  startRelay,
} from '../../src/testing/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

async function namesIn(server: RunningServer, table: string): Promise<string[]> {
  const out = await server.client(
    'query',
    server.unix,
    JSON.stringify([NB, { op: 'select', table, where: [], columns: ['name'] }]),
  );
  return ((JSON.parse(out) as Array<{ rows: Array<{ name: string }> }>)[0]?.rows ?? [])
    .map((r) => r.name)
    .sort();
}

/** Writes `count` switches named `prefix-N` through the session, a few at a time. */
async function writeSome(session: Session, prefix: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, n) =>
      session.transact([op.insert('Logical_Switch', { name: `${prefix}-${n}` })]),
    ),
  );
}

async function withCluster(body: (cluster: RaftCluster) => Promise<void>): Promise<void> {
  const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), electionTimerMs: 250 });
  try {
    await body(cluster);
  } finally {
    await cluster.stop();
  }
}

function expected(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${prefix}-${n}`);
}

describe('a session through cluster changes', { timeout: 120_000 }, () => {
  test('graceful leader transfer (exit, restart): writes go on, each once', async () => {
    await withCluster(async (cluster) => {
      const session = await Session.open(cluster.remotes, { database: NB });
      try {
        await writeSome(session, 'before', 20);
        const leader = await cluster.leaderIndex();
        const load = writeSome(session, 'during', 50);
        await cluster.exit(leader);
        await load;
        await cluster.restart(leader, { waitForLeader: true });
        await writeSome(session, 'after', 20);
        const names = await namesIn(await cluster.leader(), 'Logical_Switch');
        assert.deepEqual(
          names,
          [...expected('after', 20), ...expected('before', 20), ...expected('during', 50)].sort(),
        );
      } finally {
        await session.close();
      }
    });
  });

  test('the member in use kicked out and joined again as a new server', async () => {
    await withCluster(async (cluster) => {
      const session = await Session.open(cluster.remotes, { database: NB });
      try {
        const used = cluster.members.findIndex((m) => m.unix === session.remote);
        const oldId = await cluster.serverId(used);
        const reconnected = nextEvent(session, 'ready', () => true, 15_000);
        await cluster.kick(used);
        await reconnected;
        await writeSome(session, 'kicked', 10);
        await cluster.rejoin(used);
        assert.notEqual(await cluster.serverId(used), oldId);
        await writeSome(session, 'rejoined', 10);
        const names = await namesIn(await cluster.leader(), 'Logical_Switch');
        assert.deepEqual(names, [...expected('kicked', 10), ...expected('rejoined', 10)].sort());
      } finally {
        await session.close();
      }
    });
  });

  test('every member down, then up: queued writes go out once, the replica resumes', async () => {
    await withCluster(async (cluster) => {
      const session = await Session.open(cluster.remotes, { database: NB, reconnect: { maxDelayMs: 200 } });
      try {
        const replica = await session.replica(nbModel, { tables: { Logical_Switch: { columns: ['name'] } } });
        await writeSome(session, 'up', 5);
        const down = nextEvent(session, 'disconnected', () => true, 10_000);
        await cluster.stopAll();
        await down;
        const queued = writeSome(session, 'queued', 5);
        await cluster.startAll();
        await queued;
        const names = await namesIn(await cluster.leader(), 'Logical_Switch');
        assert.deepEqual(names, [...expected('queued', 5), ...expected('up', 5)].sort());
        assert.deepEqual(
          replica
            .list('Logical_Switch')
            .map((row) => row.name)
            .sort(),
          names,
        );
      } finally {
        await session.close();
      }
    });
  });

  test('a relay: leader-only sessions skip it; split mode monitors through it and reads its writes', async () => {
    await withCluster(async (cluster) => {
      const relay = await startRelay(cluster);
      try {
        // With only the relay to choose from, a leader-only session finds no member.
        await assert.rejects(
          Session.open(relay.unix, {
            database: NB,
            reconnect: { failoverBudgetMs: 600, roundTimeoutMs: 300 },
          }),
          (error: unknown) =>
            error instanceof FailoverBudgetExceededError && error.attempts.some((a) => a.reason === 'relay'),
        );
        const split = await SplitSession.open(cluster.remotes, { database: NB, readRemotes: relay.unix });
        try {
          assert.equal(split.reader.remote, relay.unix);
          assert.equal(split.reader.memberStatus?.status.reason, 'relay');
          const replica = await split.replica(nbModel, { tables: { Logical_Switch: { columns: ['name'] } } });
          // A relay exposes no raft index, so read-your-writes through it is the list_dbs round
          // trip alone: usually enough, not guaranteed (docs/clusters.md). Each write must show
          // up on the relay's monitor, promptly.
          for (let n = 0; n < 10; n++) {
            const [result] = await split.transact([op.insert('Logical_Switch', { name: `via-relay-${n}` })]);
            const uuid = (result as { uuid: [string, string] }).uuid[1];
            const deadline = Date.now() + 5000;
            while (replica.get('Logical_Switch', uuid) === undefined && Date.now() < deadline) {
              await Promise.race([
                new Promise((resolve) => replica.once('batch', resolve)),
                new Promise((resolve) => setTimeout(resolve, 100)),
              ]);
            }
            assert.equal(replica.get('Logical_Switch', uuid)?.name, `via-relay-${n}`);
          }
        } finally {
          await split.close();
        }
      } finally {
        await relay.stop();
      }
    });
  });

  test('split mode on the members: monitors on a follower, writes on the leader, read your writes', async () => {
    await withCluster(async (cluster) => {
      const split = await SplitSession.open(cluster.remotes, { database: NB });
      try {
        assert.equal(split.writer.memberStatus?.status.reason, 'leader');
        assert.equal(split.reader.memberStatus?.status.reason, 'follower');
        const replica = await split.replica(nbModel, { tables: { Logical_Switch: { columns: ['name'] } } });
        for (let n = 0; n < 20; n++) {
          const [result] = await split.transact([op.insert('Logical_Switch', { name: `split-${n}` })]);
          const uuid = (result as { uuid: [string, string] }).uuid[1];
          assert.equal(replica.get('Logical_Switch', uuid)?.name, `split-${n}`, 'read your writes');
        }
      } finally {
        await split.close();
      }
    });
  });

  test('a member reporting an older index than already seen is refused', async () => {
    await withCluster(async (cluster) => {
      const leaderIndex = await cluster.leaderIndex();
      const follower = (leaderIndex + 1) % 3;
      // The follower, behind a proxy that rewrites its _Server index to 1: a member far behind.
      const stale = await startFaultProxy(cluster.member(follower).unix.slice('unix:'.length), {
        rewriteDown: (frame) => frame.replace(/"index":\d+/g, '"index":1'),
      });
      const session = await Session.open(cluster.member(leaderIndex).unix, {
        database: NB,
        member: 'readable',
        reconnect: { failoverBudgetMs: 1500, roundTimeoutMs: 500, initialDelayMs: 50 },
      });
      try {
        await writeSome(session, 'seen', 5);
        session.endpoints.update([stale.remote]);
        const gaveUp = nextEvent<[FailoverBudgetExceededError]>(session, 'gaveUp', () => true, 10_000);
        await cluster.kill(leaderIndex);
        const [error] = await gaveUp;
        assert.deepEqual(error.attempts, [{ remote: stale.remote, reason: 'stale' }]);
      } finally {
        await session.close();
        await stale.close();
      }
    });
  });
});
