import { rm } from 'node:fs/promises';
import { type ClusterStatus, knowsLeader } from './cluster-status.js';
import type { ExitInfo } from './managed-process.js';
import { pollUntil, withDeadline } from './poll.js';
import type { RaftCluster, RaftFailurePoint, RaftRestartOptions, RaftWaitOptions } from './raft-cluster.js';
import { RaftMemberStateError } from './raft-errors.js';
import type { RaftMember } from './raft-member.js';
import { runCommand } from './run-command.js';
import type { RunningServer } from './server-process.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** ovsdb-server refuses an election timer below this. */
const MIN_ELECTION_TIMER_MS = 100;

/** What {@link RaftClusterControl} is built from (see startRaftCluster). */
export interface RaftClusterParts {
  readonly members: RaftMember[];
  readonly database: string;
  /** Path of ovsdb-tool. */
  readonly tool: string;
  /** Stops every member and removes the cluster directory. */
  readonly stopAll: () => Promise<void>;
}

/**
 * The {@link RaftCluster} implementation: member processes come and go, addresses stay.
 * Every wait polls observable state (`cluster/status`, connect, process exit) with a deadline.
 */
export class RaftClusterControl implements RaftCluster {
  readonly members: RunningServer[];
  readonly database: string;
  readonly remotes: string;
  readonly tcpRemotes: string;
  readonly raftAddresses: readonly string[];
  readonly #parts: RaftClusterParts;
  #stopping: Promise<void> | undefined;

  constructor(parts: RaftClusterParts) {
    this.#parts = parts;
    this.database = parts.database;
    this.members = parts.members.map((m) => m.server!);
    this.remotes = parts.members.map((m) => `unix:${m.dir}/db.sock`).join(',');
    this.tcpRemotes = parts.members
      .flatMap((m) => (m.tcpPort === undefined ? [] : [`tcp:${m.tcpHost}:${m.tcpPort}`]))
      .join(',');
    this.raftAddresses = parts.members.map((m) => m.raftAddress);
  }

  #member(i: number): RaftMember {
    const member = this.#parts.members[i];
    if (member === undefined) {
      throw new RaftMemberStateError(i, `no such member (the cluster has ${this.#parts.members.length})`);
    }
    return member;
  }

  #running(i: number): RunningServer {
    const member = this.#member(i);
    if (!member.running || member.server === undefined) throw new RaftMemberStateError(i, 'is not running');
    return member.server;
  }

  async #start(member: RaftMember, timeoutMs: number): Promise<void> {
    this.members[member.index] = await member.start(timeoutMs);
  }

  member(i: number): RunningServer {
    return this.#member(i).server!;
  }

  isRunning(i: number): boolean {
    return this.#member(i).running;
  }

  status(i: number): Promise<ClusterStatus | undefined> {
    return this.#member(i).status();
  }

  async leader(): Promise<RunningServer> {
    return this.members[await this.leaderIndex()]!;
  }

  leaderIndex(options: RaftWaitOptions = {}): Promise<number> {
    return pollUntil(
      'member reporting Role: leader',
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      async (seen) => {
        const statuses = await Promise.all(this.#parts.members.map((m) => m.status()));
        let best: { index: number; term: number } | undefined;
        for (const [index, status] of statuses.entries()) {
          if (status?.role !== 'leader') continue;
          const term = status.term ?? 0;
          if (best === undefined || term > best.term) best = { index, term };
        }
        seen(statuses.map((s, i) => `member ${i}: ${s?.text ?? 'down'}`).join('\n'));
        return best?.index;
      },
    );
  }

  async serverId(i: number): Promise<string> {
    const member = this.#member(i);
    if (member.running && member.server !== undefined) {
      return (await member.server.appctl('cluster/sid', this.database)).trim();
    }
    return (await runCommand(this.#parts.tool, ['db-sid', member.dbFile])).trim();
  }

  waitExit(i: number, options: RaftWaitOptions = {}): Promise<ExitInfo> {
    const server = this.member(i);
    // A timer keeps the event loop alive: the child process itself does not.
    return withDeadline(`exit of member ${i}`, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, server.exited);
  }

  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL', options: RaftWaitOptions = {}): Promise<void> {
    const member = this.#member(i);
    const server = member.server;
    if (!member.running || server === undefined) return;
    server.kill(signal);
    await withDeadline(
      `exit of member ${i} after ${signal}`,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      server.exited,
    );
  }

  async restart(i: number, options: RaftRestartOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const member = this.#member(i);
    await member.stop();
    await this.#start(member, timeoutMs);
    if (options.waitForLeader === true) await this.#waitKnowsLeader(member, timeoutMs);
  }

  async exit(i: number, options: RaftWaitOptions = {}): Promise<void> {
    const server = this.#running(i);
    // The reply may be lost when the process goes away first; its exit is what counts.
    const failure = await server.appctl('exit').then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      await withDeadline(`exit of member ${i}`, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, server.exited);
    } catch (error) {
      throw failure ?? error;
    }
  }

  async kick(i: number, options: RaftWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const member = this.#member(i);
    const sid = await this.serverId(i);
    const others = this.#parts.members.filter((m) => m !== member && m.running);
    if (others.length === 0)
      throw new RaftMemberStateError(i, 'cannot be kicked: no other member is running');
    const leader = await this.leaderIndex({ timeoutMs }).catch(() => undefined);
    const kicker = others.find((m) => m.index === leader) ?? others[0]!;
    await kicker.server!.appctl('cluster/kick', this.database, sid);
    await pollUntil(`member ${i} (${sid}) removed from the cluster`, timeoutMs, async (seen) => {
      for (const other of others) {
        const status = await other.status();
        if (status === undefined || status.servers.some((s) => s.address === member.raftAddress)) {
          seen(`member ${other.index}: ${status?.text ?? 'no answer'}`);
          return undefined;
        }
      }
      return true;
    });
    await member.stop();
  }

  async rejoin(i: number, options: RaftWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const member = this.#member(i);
    await member.stop();
    await rm(member.dbFile, { force: true });
    const peers = this.#parts.members.filter((m) => m !== member).map((m) => m.raftAddress);
    await runCommand(
      this.#parts.tool,
      ['join-cluster', member.dbFile, this.database, member.raftAddress, ...peers],
      { cwd: member.dir },
    );
    await this.#start(member, timeoutMs);
    await this.#waitKnowsLeader(member, timeoutMs);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#parts.members.map((m) => m.stop()));
  }

  async startAll(options: RaftWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Concurrently: no member can finish an election before a majority is up.
    const down = this.#parts.members.filter((m) => !m.running);
    const started = await Promise.allSettled(down.map((m) => this.#start(m, timeoutMs)));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await this.waitAllKnowLeader(timeoutMs);
  }

  async failureTest(i: number, point: RaftFailurePoint | (string & {})): Promise<void> {
    // OVS names scenarios with dashes; accept the underscores of the C identifiers too.
    await this.#running(i).appctl('cluster/failure-test', point.replaceAll('_', '-'));
  }

  async setElectionTimer(ms: number, options: RaftWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const target = Math.max(MIN_ELECTION_TIMER_MS, Math.round(ms));
    for (;;) {
      const leader = this.#parts.members[await this.leaderIndex({ timeoutMs })]!;
      const current = (await leader.status())?.electionTimerMs;
      if (current === undefined || current === target) return;
      // The server refuses an increase beyond twice the current value.
      const next = target > current ? Math.min(target, current * 2) : target;
      await leader.server!.appctl('cluster/change-election-timer', this.database, String(next));
      await pollUntil(`election timer ${next} ms on every running member`, timeoutMs, async (seen) => {
        for (const member of this.#parts.members) {
          if (!member.running) continue;
          const status = await member.status();
          if (status?.electionTimerMs !== next) {
            seen(`member ${member.index}: ${status?.text ?? 'no answer'}`);
            return undefined;
          }
        }
        return true;
      });
    }
  }

  /** Waits until every running member is a cluster member that knows a leader. */
  async waitAllKnowLeader(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.#parts.members.filter((m) => m.running).map((m) => this.#waitKnowsLeader(m, timeoutMs)),
    );
  }

  #waitKnowsLeader(member: RaftMember, timeoutMs: number): Promise<true> {
    return pollUntil(
      `member ${member.index} as a cluster member knowing a leader`,
      timeoutMs,
      async (seen) => {
        const status = await member.status();
        seen(status?.text ?? 'no answer');
        return status !== undefined && knowsLeader(status) ? true : undefined;
      },
    );
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#parts.stopAll();
    return this.#stopping;
  }
}
