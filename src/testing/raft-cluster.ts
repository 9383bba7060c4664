import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import type { ClusterStatus } from './cluster-status.js';
import { freePort, freePortOnAll } from './free-port.js';
import type { ExitInfo } from './managed-process.js';
import { RaftClusterControl } from './raft-cluster-control.js';
import { RaftTimeoutError } from './raft-errors.js';
import { RaftMember } from './raft-member.js';
import { runCommand } from './run-command.js';
import type { RunningServer } from './server-process.js';
import { ServerStartError } from './testing-errors.js';

/** A deadline for one raft control call. */
export interface RaftWaitOptions {
  /** How long to wait for the cluster to reach the awaited state. @default 10000 */
  timeoutMs?: number;
}

/** Options of {@link RaftCluster.restart}. */
export interface RaftRestartOptions extends RaftWaitOptions {
  /**
   * Also wait until the restarted member is a cluster member that knows a leader (not only
   * accepting connections). @default false
   */
  waitForLeader?: boolean;
}

/**
 * Names of `cluster/failure-test` scenarios of OVS 3.1 (the launcher accepts `_` for `-`).
 * The `crash-*` ones make the member exit at that point of the raft protocol.
 */
export type RaftFailurePoint =
  | 'crash-before-sending-append-request'
  | 'crash-after-sending-append-request'
  | 'crash-before-sending-execute-command-reply'
  | 'crash-after-sending-execute-command-reply'
  | 'crash-before-sending-execute-command-request'
  | 'crash-after-sending-execute-command-request'
  | 'crash-after-receiving-append-request-update'
  | 'crash-before-sending-install-snapshot-reply'
  | 'transfer-leadership-after-sending-append-request'
  | 'delay-election'
  | 'dont-send-vote-request'
  | 'stop-raft-rpc'
  | 'transfer-leadership'
  | 'clear';

/**
 * A running raft cluster of ovsdb-servers for one database, with controls for fault tests.
 * Members are numbered from 0 in creation order. Every member keeps its unix socket, client
 * tcp port and raft address for the cluster's life, so {@link remotes} and
 * {@link tcpRemotes} stay valid across kill/restart/exit/rejoin.
 */
export interface RaftCluster {
  /**
   * The members' current processes, in creation order (the first created the cluster). A
   * restart replaces the element in place, so `members[i]` is always the latest process of
   * member i (while a member is down it is the process that ended).
   */
  readonly members: RunningServer[];
  /** The database name, read from the schema. */
  readonly database: string;
  /** Every member's unix remote, comma-separated, as OVN tools take them. */
  readonly remotes: string;
  /** Every member's tcp remote, comma-separated ('' when tcp is off). Fixed ports: valid across restarts. */
  readonly tcpRemotes: string;
  /** Each member's raft (server-to-server) address, `tcp:127.0.0.1:PORT`. */
  readonly raftAddresses: readonly string[];
  /** The latest process of member `i` (same as `members[i]`). */
  member(i: number): RunningServer;
  /** True while member `i`'s latest process has not exited. */
  isRunning(i: number): boolean;
  /** The member that currently reports itself leader (polls until one does, up to 10 s). */
  leader(): Promise<RunningServer>;
  /**
   * The index of the running member whose `cluster/status` says `Role: leader` (the highest
   * term wins if two briefly do). Polls until one does; {@link RaftTimeoutError} after the deadline.
   */
  leaderIndex(options?: RaftWaitOptions): Promise<number>;
  /** Member `i`'s parsed `cluster/status`, or undefined when it is down or does not answer. */
  status(i: number): Promise<ClusterStatus | undefined>;
  /** Member `i`'s full raft server id (`cluster/sid`; read from its db file while it is down). */
  serverId(i: number): Promise<string>;
  /**
   * Waits until member `i`'s current process has exited on its own (e.g. at a crash point
   * of {@link failureTest}); {@link RaftTimeoutError} after the deadline.
   */
  waitExit(i: number, options?: RaftWaitOptions): Promise<ExitInfo>;
  /** Sends `signal` to member `i`'s PID and waits until the process has exited. No-op when down. */
  kill(i: number, signal?: NodeJS.Signals, options?: RaftWaitOptions): Promise<void>;
  /**
   * Starts member `i` again (stopping it first if it still runs) on its own db file, unix
   * socket and tcp port; resolves when both accept connections.
   */
  restart(i: number, options?: RaftRestartOptions): Promise<void>;
  /**
   * Graceful `ovs-appctl exit` on member `i` (a leader first hands leadership over) and waits
   * until the process has exited.
   */
  exit(i: number, options?: RaftWaitOptions): Promise<void>;
  /**
   * Removes member `i` from the cluster (`cluster/kick DB SID` run on another running member,
   * preferably the leader), waits until no running member lists it, then stops its process.
   */
  kick(i: number, options?: RaftWaitOptions): Promise<void>;
  /**
   * Adds member `i` back as a NEW server: deletes its db file, `ovsdb-tool join-cluster` with
   * the same raft address and the other members' addresses, starts it, and waits until it is
   * a cluster member that knows a leader. Its server id changes. Only after {@link kick}: on a
   * member still in the cluster it would add a fourth server.
   */
  rejoin(i: number, options?: RaftWaitOptions): Promise<void>;
  /** Stops every member by PID (SIGTERM, SIGKILL after a grace period), keeping all files. */
  stopAll(): Promise<void>;
  /** Starts every member that is down; resolves when every member knows a leader. */
  startAll(options?: RaftWaitOptions): Promise<void>;
  /**
   * `ovs-appctl cluster/failure-test POINT` on member `i` (which must be running). A `crash-*`
   * point makes the member exit when the protocol reaches it; see {@link RaftFailurePoint}.
   */
  failureTest(i: number, point: RaftFailurePoint | (string & {})): Promise<void>;
  /**
   * Sets the election timer with `cluster/change-election-timer` on the leader, doubling at
   * most per step (the server refuses more), and waits until every running member uses it.
   */
  setElectionTimer(ms: number, options?: RaftWaitOptions): Promise<void>;
  /** Stops every member by PID and removes the cluster's directory. Idempotent. */
  stop(): Promise<void>;
}

/** What {@link startRaftCluster} starts. */
export interface RaftClusterOptions extends BinaryOptions {
  schema: string;
  /** @default 3 */
  members?: number;
  /** Give each member a fixed 127.0.0.1 tcp remote too (chosen once, kept across restarts). @default true */
  tcp?: boolean;
  /**
   * Election timer to set once the cluster is up (100 ms and more), for faster failover in
   * tests. @default undefined (the server's default, 1000 ms)
   */
  electionTimerMs?: number;
  /** @default 10000 */
  startTimeoutMs?: number;
  /**
   * The loopback address each member's client port is on, e.g. `['127.0.0.1', '127.0.0.2',
   * '127.0.0.3']` (Linux routes all of 127.0.0.0/8 to the loopback interface).
   * @default '127.0.0.1' for every member
   */
  hosts?: readonly string[];
  /**
   * Every member listens for clients on one port (on its own host), so that one host list
   * and one port reach the cluster, as Kube-OVN's `ic-db-host` and `ic-nb-port` do. Needs
   * distinct `hosts`. @default false
   */
  sameClientPort?: boolean;
}

/** Distinct free ports: two kernel answers can repeat once a port is released. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Creates a raft cluster on 127.0.0.1 ports chosen once (`ovsdb-tool create-cluster`, then
 * `join-cluster` for the others), starts every member, and resolves once every member is a
 * cluster member that knows a leader (and the election timer is set, if asked). Rejects with
 * ServerStartError, after stopping whatever it started.
 */
export async function startRaftCluster(options: RaftClusterOptions): Promise<RaftCluster> {
  const count = options.members ?? 3;
  const tcp = options.tcp ?? true;
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const root = await mkdtemp(join(tmpdir(), 'ovndb-raft-'));
  const members: RaftMember[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const tool = await findBinary('ovsdb-tool', options);
    const database = (await runCommand(tool, ['schema-name', options.schema])).trim();
    const hosts = Array.from({ length: count }, (_, i) => options.hosts?.[i] ?? '127.0.0.1');
    if (options.sameClientPort === true && new Set(hosts).size !== count) {
      throw new ServerStartError('sameClientPort needs a distinct host per member', hosts.join(', '));
    }
    const ports = await freePorts(tcp ? 2 * count : count);
    const shared = tcp && options.sameClientPort === true ? await freePortOnAll(hosts) : undefined;
    const context = { ...options, database, tcp };
    for (let i = 0; i < count; i++) {
      const dir = join(root, `m${i + 1}`);
      await mkdir(dir);
      members.push(
        new RaftMember(context, {
          index: i,
          dir,
          dbFile: join(dir, 'db.db'),
          raftAddress: `tcp:127.0.0.1:${ports[i]!}`,
          tcpPort: tcp ? (shared ?? ports[count + i]) : undefined,
          tcpHost: hosts[i],
        }),
      );
    }
    const first = members[0]!;
    for (const member of members) {
      const args =
        member === first
          ? ['create-cluster', member.dbFile, options.schema, member.raftAddress]
          : ['join-cluster', member.dbFile, database, member.raftAddress, first.raftAddress];
      await runCommand(tool, args, { cwd: member.dir });
    }
    const launched = await Promise.allSettled(
      members.map((m) => m.start(Math.max(1, deadline - Date.now()))),
    );
    const failed = launched.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const cluster = new RaftClusterControl({ members, database, tool, stopAll });
    try {
      await cluster.waitAllKnowLeader(Math.max(1, deadline - Date.now()));
      if (options.electionTimerMs !== undefined) {
        await cluster.setElectionTimer(options.electionTimerMs, {
          timeoutMs: Math.max(1, deadline - Date.now()),
        });
      }
    } catch (error) {
      if (!(error instanceof RaftTimeoutError)) throw error;
      throw new ServerStartError(
        `raft cluster of ${database} not ready before the start deadline`,
        error.lastStatus,
        error,
      );
    }
    return cluster;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
