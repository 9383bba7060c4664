/**
 * kill -9 of the raft leader under a write load (inserts with client-chosen uuids) with a
 * replica open, many times over. Every acknowledged write must be in the database once,
 * nothing twice, no outcome left unknown; the database is read by ovsdb-client, and the
 * replica must end equal to it. Timings are printed (figures in docs/benchmarks.md), not
 * asserted. `OVNDB_FAILOVER_KILLS` sets the number of kills (default 20).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import {
  connect,
  type OvsdbClient,
  op,
  type RecoveredWrite,
  type ServerDatabaseStatus,
  Session,
  watchServerDatabase,
} from '../../src/index.js';
import { ovnSchemaPath, type RaftCluster, startRaftCluster } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const KILLS = Number(process.env.OVNDB_FAILOVER_KILLS ?? 20);
const WRITERS = 8;

interface KillRecord {
  killedAt: number;
  leaderVisibleAt: number;
  firstWriteAt: number;
}

/** Resolves with the time a survivor first reports itself leader (watchers opened before the kill). */
async function leaderWatch(
  cluster: RaftCluster,
  except: number,
): Promise<{ visible: Promise<number>; close(): Promise<void> }> {
  const clients: OvsdbClient[] = [];
  let resolveVisible!: (at: number) => void;
  const visible = new Promise<number>((resolve) => {
    resolveVisible = resolve;
  });
  for (let i = 0; i < cluster.members.length; i++) {
    if (i === except || !cluster.isRunning(i)) continue;
    const client = await connect(cluster.member(i).unix);
    clients.push(client);
    const watch = await watchServerDatabase(client, NB);
    const check = (status: ServerDatabaseStatus): void => {
      if (status.status.reason === 'leader') resolveVisible(Date.now());
    };
    watch.on('status', check);
  }
  return { visible, close: async () => void (await Promise.all(clients.map((c) => c.close()))) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe('kill -9 of the leader under write load, with a replica open', {
  timeout: 30_000 + KILLS * 15_000,
}, () => {
  test(`${KILLS} kills: nothing lost, nothing doubled, nothing unknown`, async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: true });
    let session: Session | undefined;
    try {
      session = await Session.open(cluster.tcpRemotes, { database: NB, reconnect: { initialDelayMs: 20 } });
      const live = session;
      const replica = await live.replica(nbModel, { tables: { Logical_Router: { columns: ['name'] } } });
      const resumes = { found: 0, notFound: 0 };
      replica.on('resumed', (info: { found: boolean }) => {
        if (info.found) resumes.found++;
        else resumes.notFound++;
      });
      const recovered: RecoveredWrite[] = [];
      live.on('recovered', (write) => recovered.push(write));
      let disconnectedAt = 0;
      live.on('disconnected', () => {
        disconnectedAt = Date.now();
      });

      const acknowledged: string[] = [];
      const failures: Error[] = [];
      const successTimes: number[] = [];
      let stop = false;
      const writer = async (w: number): Promise<void> => {
        for (let n = 0; !stop; n++) {
          const name = `w${w}-${n}`;
          try {
            await live.transact([op.insert('Logical_Router', { name })]);
            acknowledged.push(name);
            successTimes.push(Date.now());
          } catch (error) {
            failures.push(error as Error);
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

      const kills: KillRecord[] = [];
      for (let k = 0; k < KILLS; k++) {
        await new Promise((resolve) => setTimeout(resolve, 300)); // some load on the current leader
        const index = await cluster.leaderIndex();
        const watch = await leaderWatch(cluster, index);
        const before = successTimes.length;
        const killedAt = Date.now();
        await cluster.kill(index, 'SIGKILL');
        const leaderVisibleAt = await watch.visible;
        await watch.close();
        // The first write acknowledged after the session noticed the loss.
        while (successTimes.slice(before).every((t) => t < Math.max(killedAt, disconnectedAt))) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const firstWriteAt = successTimes
          .slice(before)
          .find((t) => t >= Math.max(killedAt, disconnectedAt)) as number;
        kills.push({ killedAt, leaderVisibleAt, firstWriteAt });
        await cluster.restart(index, { waitForLeader: true });
      }
      stop = true;
      await Promise.all(writers);

      // The judge: the database as ovsdb-client reads it from the leader.
      const leader = await cluster.leader();
      const out = await leader.client(
        'query',
        leader.unix,
        JSON.stringify([
          NB,
          { op: 'select', table: 'Logical_Router', where: [], columns: ['_uuid', 'name'] },
        ]),
      );
      const rows =
        (JSON.parse(out) as Array<{ rows: Array<{ _uuid: [string, string]; name: string }> }>)[0]?.rows ?? [];
      const perName = new Map<string, number>();
      for (const row of rows) perName.set(row.name, (perName.get(row.name) ?? 0) + 1);
      const lost = acknowledged.filter((name) => !perName.has(name)).length;
      const doubled = [...perName.values()].filter((count) => count > 1).length;
      const unknown = recovered.filter((r) => r.outcome === 'unknown').length + failures.length;
      const uuids = new Set(rows.map((row) => row._uuid[1]));
      const marksConfirmed = recovered.filter((r) => r.mark !== undefined && uuids.has(r.mark.uuid)).length;

      // The replica, resumed at every failover, ends equal to the database.
      await live.waitForIndex(0);
      const replicaUuids = new Set(replica.list('Logical_Router').map((row) => row._uuid));
      const lags = kills.map((k) => k.firstWriteAt - k.leaderVisibleAt);
      const summary = {
        kills: kills.length,
        acknowledged: acknowledged.length,
        rows: rows.length,
        lost,
        doubled,
        unknown,
        recoveredCommitted: recovered.filter((r) => r.outcome === 'committed').length,
        recoveredNotCommitted: recovered.filter((r) => r.outcome === 'not-committed').length,
        marksConfirmed,
        resumes,
        leaderVisibleMs: {
          p50: percentile(
            kills.map((k) => k.leaderVisibleAt - k.killedAt),
            50,
          ),
          p90: percentile(
            kills.map((k) => k.leaderVisibleAt - k.killedAt),
            90,
          ),
        },
        killToFirstWriteMs: {
          p50: percentile(
            kills.map((k) => k.firstWriteAt - k.killedAt),
            50,
          ),
          p90: percentile(
            kills.map((k) => k.firstWriteAt - k.killedAt),
            90,
          ),
        },
        firstWriteAfterLeaderVisibleMs: {
          p50: percentile(lags, 50),
          p90: percentile(lags, 90),
          max: Math.max(...lags),
        },
      };
      console.log(`failover summary ${JSON.stringify(summary)}`);

      assert.equal(kills.length, KILLS);
      assert.equal(lost, 0, 'acknowledged writes missing');
      assert.equal(doubled, 0, 'writes applied twice');
      assert.equal(unknown, 0, 'outcomes left unknown or failed writes');
      assert.equal(rows.length, acknowledged.length, 'rows nobody acknowledged');
      assert.equal(marksConfirmed, recovered.length, 'every settled write is in the database under its uuid');
      assert.deepEqual(replicaUuids, uuids, 'the replica equals the database');
    } finally {
      await session?.close();
      await cluster.stop();
    }
  });
});
