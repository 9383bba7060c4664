/**
 * A failover drill: kill -9 the raft leader of a fresh 3-member OVN_Northbound cluster, again
 * and again, while a `Session` writes (inserts with client-chosen UUIDs from several writers)
 * with a replica open. Afterwards the database, as `ovsdb-client` reads it from the leader,
 * is compared with what the session acknowledged. The result says what was lost, doubled or
 * left unknown (all should be zero) and how long each failover took. The failover test
 * asserts on it; `npm run bench:failover` records it.
 */

import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import { type ServerDatabaseStatus, watchServerDatabase } from '../cluster/server-database-watch.js';
import { model as nbModel } from '../generated/nb/index.js';
import { op } from '../protocol/operations.js';
import { Session } from '../session/session.js';
import type { RecoveredWrite } from '../session/session-types.js';
import { type RaftCluster, startRaftCluster } from './raft-cluster.js';
import { ovnSchemaPath } from './schema-path.js';

const NB = 'OVN_Northbound';

/** What the drill does. */
export interface FailoverDrillOptions {
  /** Leader kills. @default 20 */
  kills?: number;
  /** Concurrent writers, each inserting one Logical_Router per transaction. @default 8 */
  writers?: number;
  /** Load on each leader before it is killed. @default 300 */
  loadMs?: number;
  /** The cluster's election timer. @default the server's (1000 ms) */
  electionTimerMs?: number;
  /** Called after each kill with its timings. */
  onKill?: (kill: FailoverKill, index: number) => void;
}

/** One kill's timings (epoch ms). */
export interface FailoverKill {
  readonly killedAt: number;
  /** A surviving member first reported itself leader. */
  readonly leaderVisibleAt: number;
  /** The first write acknowledged after the session noticed the loss. */
  readonly firstWriteAt: number;
}

/** What the drill found. */
export interface FailoverDrillResult {
  readonly kills: readonly FailoverKill[];
  readonly acknowledged: number;
  /** Rows in the database at the end, read by ovsdb-client. */
  readonly rows: number;
  /** Acknowledged writes missing from the database. */
  readonly lost: number;
  /** Writes present more than once. */
  readonly doubled: number;
  /** Writes whose outcome stayed unknown, plus writes that failed. */
  readonly unknown: number;
  readonly recoveredCommitted: number;
  readonly recoveredNotCommitted: number;
  /** Settled writes found in the database under their client-chosen UUID. */
  readonly marksConfirmed: number;
  readonly recovered: number;
  /** Replica resumes: with the history (`found`) and with a full resync. */
  readonly resumes: { readonly found: number; readonly notFound: number };
  /** The replica ended holding exactly the database's rows. */
  readonly replicaMatches: boolean;
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
    watch.on('status', (status: ServerDatabaseStatus) => {
      if (status.status.reason === 'leader') resolveVisible(Date.now());
    });
  }
  return { visible, close: async () => void (await Promise.all(clients.map((c) => c.close()))) };
}

/** Runs the drill on a fresh cluster and stops it; rejects only on a failure of the drill itself. */
export async function runFailoverDrill(options: FailoverDrillOptions = {}): Promise<FailoverDrillResult> {
  const killCount = options.kills ?? 20;
  const cluster = await startRaftCluster({
    schema: ovnSchemaPath('nb'),
    tcp: true,
    ...(options.electionTimerMs !== undefined ? { electionTimerMs: options.electionTimerMs } : {}),
  });
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
    const writers = Array.from({ length: options.writers ?? 8 }, (_, w) => writer(w));

    const kills: FailoverKill[] = [];
    try {
      for (let k = 0; k < killCount; k++) {
        await new Promise((resolve) => setTimeout(resolve, options.loadMs ?? 300));
        const index = await cluster.leaderIndex();
        const watch = await leaderWatch(cluster, index);
        const before = successTimes.length;
        const killedAt = Date.now();
        await cluster.kill(index, 'SIGKILL');
        const leaderVisibleAt = await watch.visible;
        await watch.close();
        const after = (): number | undefined =>
          successTimes.slice(before).find((t) => t >= Math.max(killedAt, disconnectedAt));
        while (after() === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        const kill = { killedAt, leaderVisibleAt, firstWriteAt: after() as number };
        kills.push(kill);
        options.onKill?.(kill, k);
        await cluster.restart(index, { waitForLeader: true });
      }
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    // The judge: the database as ovsdb-client reads it from the leader.
    const leader = await cluster.leader();
    const out = await leader.client(
      'query',
      leader.unix,
      JSON.stringify([NB, { op: 'select', table: 'Logical_Router', where: [], columns: ['_uuid', 'name'] }]),
    );
    const rows =
      (JSON.parse(out) as Array<{ rows: Array<{ _uuid: [string, string]; name: string }> }>)[0]?.rows ?? [];
    const perName = new Map<string, number>();
    for (const row of rows) perName.set(row.name, (perName.get(row.name) ?? 0) + 1);
    const uuids = new Set(rows.map((row) => row._uuid[1]));
    await live.waitForIndex(0);
    const replicaUuids = new Set<string>(replica.list('Logical_Router').map((row) => row._uuid));
    return {
      kills,
      acknowledged: acknowledged.length,
      rows: rows.length,
      lost: acknowledged.filter((name) => !perName.has(name)).length,
      doubled: [...perName.values()].filter((count) => count > 1).length,
      unknown: recovered.filter((r) => r.outcome === 'unknown').length + failures.length,
      recoveredCommitted: recovered.filter((r) => r.outcome === 'committed').length,
      recoveredNotCommitted: recovered.filter((r) => r.outcome === 'not-committed').length,
      marksConfirmed: recovered.filter((r) => r.mark !== undefined && uuids.has(r.mark.uuid)).length,
      recovered: recovered.length,
      resumes,
      replicaMatches: replicaUuids.size === uuids.size && [...uuids].every((uuid) => replicaUuids.has(uuid)),
    };
  } finally {
    await session?.close();
    await cluster.stop();
  }
}

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The drill's timings as percentiles (ms). */
export function failoverTimings(kills: readonly FailoverKill[]) {
  const visible = kills.map((k) => k.leaderVisibleAt - k.killedAt);
  const firstWrite = kills.map((k) => k.firstWriteAt - k.killedAt);
  const lag = kills.map((k) => k.firstWriteAt - k.leaderVisibleAt);
  return {
    leaderVisibleMs: { p50: percentile(visible, 50), p90: percentile(visible, 90) },
    killToFirstWriteMs: { p50: percentile(firstWrite, 50), p90: percentile(firstWrite, 90) },
    firstWriteAfterLeaderVisibleMs: {
      p50: percentile(lag, 50),
      p90: percentile(lag, 90),
      max: Math.max(...lag),
    },
  };
}
