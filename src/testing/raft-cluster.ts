import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { runCommand } from './run-command.js';
import { launchOvsdbServer, type RunningServer } from './server-process.js';
import { ServerStartError } from './testing-errors.js';

/** A running raft cluster of ovsdb-servers for one database. */
export interface RaftCluster {
  /** The members, in the order they were created (the first created the cluster). */
  readonly members: RunningServer[];
  /** The database name, read from the schema. */
  readonly database: string;
  /** Every member's unix remote, comma-separated, as OVN tools take them. */
  readonly remotes: string;
  /** Every member's tcp remote, comma-separated ('' when tcp is off). */
  readonly tcpRemotes: string;
  /** The member that currently reports itself leader (polls until one does, up to 10 s). */
  leader(): Promise<RunningServer>;
  /** Stops every member by PID and removes the cluster's directory. Idempotent. */
  stop(): Promise<void>;
}

/** What {@link startRaftCluster} starts. */
export interface RaftClusterOptions extends BinaryOptions {
  schema: string;
  /** @default 3 */
  members?: number;
  /** Give each member an ephemeral 127.0.0.1 tcp remote too. @default true */
  tcp?: boolean;
  /** @default 10000 */
  startTimeoutMs?: number;
}

const POLL_MS = 25;

/**
 * Creates a raft cluster on ephemeral 127.0.0.1 ports (`ovsdb-tool create-cluster`, then
 * `join-cluster` for the others), starts every member, and resolves once every member is a
 * cluster member that knows a leader.
 */
export async function startRaftCluster(options: RaftClusterOptions): Promise<RaftCluster> {
  const count = options.members ?? 3;
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const root = await mkdtemp(join(tmpdir(), 'ovndb-raft-'));
  const members: RunningServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const tool = await findBinary('ovsdb-tool', options);
    const database = (await runCommand(tool, ['schema-name', options.schema])).trim();
    const raftAddresses: string[] = [];
    for (let i = 0; i < count; i++) raftAddresses.push(`tcp:127.0.0.1:${await freePort()}`);
    const dirs = raftAddresses.map((_, i) => join(root, `m${i + 1}`));
    const dbFiles = dirs.map((dir) => join(dir, 'db.db'));
    for (const [i, dir] of dirs.entries()) {
      await mkdir(dir);
      const args =
        i === 0
          ? ['create-cluster', dbFiles[i]!, options.schema, raftAddresses[i]!]
          : ['join-cluster', dbFiles[i]!, database, raftAddresses[i]!, raftAddresses[0]!];
      await runCommand(tool, args, { cwd: dir });
    }
    const launched = await Promise.allSettled(
      dirs.map((dir, i) =>
        launchOvsdbServer({
          ...options,
          dir,
          ownsDir: false,
          dbFiles: [dbFiles[i]!],
          tcp: options.tcp ?? true,
          pki: undefined,
          ws: false,
          wss: false,
          extraArgs: [],
          startTimeoutMs: Math.max(1, deadline - Date.now()),
        }),
      ),
    );
    for (const result of launched) if (result.status === 'fulfilled') members.push(result.value);
    const failed = launched.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await Promise.all(members.map((member) => waitForLeader(member, database, deadline)));
    const cluster: RaftCluster = {
      members,
      database,
      remotes: members.map((m) => m.unix).join(','),
      tcpRemotes: members.flatMap((m) => (m.tcp === undefined ? [] : [m.tcp])).join(','),
      leader: () => findLeader(members, database, Date.now() + 10_000),
      stop: once(stopAll),
    };
    return cluster;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Reads `cluster/status` until the member is a full member that knows a leader. */
async function waitForLeader(member: RunningServer, database: string, deadline: number): Promise<void> {
  let status = '';
  for (;;) {
    status = await member.appctl('cluster/status', database).catch((error: Error) => error.message);
    const leader = /^Leader: (.+)$/m.exec(status)?.[1]?.trim();
    if (/^Status: cluster member$/m.test(status) && leader !== undefined && leader !== 'unknown') return;
    if (Date.now() >= deadline) {
      throw new ServerStartError(`raft member ${member.dir} has no leader before the start deadline`, status);
    }
    await delay(POLL_MS);
  }
}

async function findLeader(
  members: RunningServer[],
  database: string,
  deadline: number,
): Promise<RunningServer> {
  for (;;) {
    for (const member of members) {
      const status = await member.appctl('cluster/status', database).catch(() => '');
      if (/^Role: leader$/m.test(status)) return member;
    }
    if (Date.now() >= deadline) throw new ServerStartError('no raft member reports itself leader', '');
    await delay(POLL_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}
