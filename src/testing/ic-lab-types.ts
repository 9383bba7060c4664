import type { BinaryOptions } from './binaries.js';
import type { ExitInfo } from './managed-process.js';
import type { OvnSandbox } from './ovn-sandbox.js';
import type { RaftCluster } from './raft-cluster.js';

/** What {@link startIcLab} starts. */
export interface IcLabOptions extends BinaryOptions {
  /** Availability zones, each an OVN sandbox with its own ovn-ic. @default 2 */
  azs?: number;
  /**
   * Members of IC-NB and of IC-SB. 3 puts them on 127.0.0.1, 127.0.0.2 and 127.0.0.3 with one
   * shared client port, as a Kube-OVN `ic-db-host` list addresses them. @default 3
   */
  icMembers?: 1 | 3;
  /** Raft election timer of both IC databases, for faster failover in tests (100 ms and more). */
  electionTimerMs?: number;
  /** Start every AZ's ovn-ic at once (else call {@link IcLabAz.startIc}). @default true */
  startIc?: boolean;
  /** Deadline for the whole start-up. @default 60000 */
  startTimeoutMs?: number;
  /**
   * Where the AZ sandboxes, ovn-ic logs and pidfiles go (created if missing, kept on stop).
   * @default a fresh temporary directory, removed on stop
   */
  dir?: string;
}

/** A deadline for one lab wait. */
export interface IcLabWaitOptions {
  /** @default 10000 */
  timeoutMs?: number;
}

/** A route ovn-ic learned into an AZ's Northbound database (`external_ids:ic-learned-route` set). */
export interface IcLabLearnedRoute {
  /** `ip_prefix` with host bits cleared (ovn-ic copies connected networks verbatim, e.g. `10.11.0.1/24`). */
  readonly prefix: string;
  /** `ip_prefix` as stored. */
  readonly ipPrefix: string;
  readonly nexthop: string;
  /** `options:origin`: `connected` or `static`. */
  readonly origin: string;
  /** `route_table` ('' for the main table). */
  readonly routeTable: string;
  /** The IC-SB `Route` row it was learned from (`external_ids:ic-learned-route`). */
  readonly icRoute: string;
}

/** One availability zone of the lab: an OVN sandbox and its ovn-ic daemon. */
export interface IcLabAz {
  /** 0-based position in {@link IcLab.azs}. */
  readonly index: number;
  /** The name the lab suggests (`az1`, `az2`, ...). Nothing is configured with it. */
  readonly name: string;
  /** The AZ's Northbound and Southbound servers and ovn-northd. */
  readonly sandbox: OvnSandbox;
  /** The running ovn-ic's PID, or undefined while it is stopped (or has died). */
  readonly icPid: number | undefined;
  /** ovn-ic's log file (appended to across restarts). */
  readonly icLogPath: string;
  /** How the last ovn-ic process ended, or undefined while it runs or never ran. */
  readonly icExit: ExitInfo | undefined;
  /** The end of ovn-ic's log and stderr, for failure messages. */
  icTail(): Promise<string>;
  /**
   * Starts ovn-ic (no-op while it runs); resolves once it logs that it holds the AZ's
   * `ovn_ic` lock, i.e. it is the active instance. {@link IcLabStartError} when it exits or
   * misses the deadline (default 20000 ms).
   */
  startIc(timeoutMs?: number): Promise<void>;
  /** Stops ovn-ic by PID (SIGTERM, then SIGKILL). No-op when stopped. */
  stopIc(): Promise<void>;
  /** Runs `ovn-nbctl --db=<AZ NB> ARGS...`; resolves with stdout. */
  nbctl(...args: string[]): Promise<string>;
  /** Runs `ovn-sbctl --db=<AZ SB> ARGS...`; resolves with stdout. */
  sbctl(...args: string[]): Promise<string>;
  /**
   * `ovn-nbctl wait-until TABLE RECORD [COL[:KEY]=VALUE]...`: the tool monitors the database
   * and returns once the record exists and matches (a signal, not polling). Resolves with the
   * milliseconds it took; {@link IcLabTimeoutError} after the deadline.
   */
  waitUntilNb(
    table: string,
    record: string,
    conditions?: string[],
    options?: IcLabWaitOptions,
  ): Promise<number>;
  /** Every learned static route in the AZ's Northbound database, on any router. */
  learnedRoutes(): Promise<IcLabLearnedRoute[]>;
  /**
   * Polls {@link learnedRoutes} until every prefix in `prefixes` (compared with host bits
   * cleared) is learned; ovn-ic 23.03 has no completion signal (no `--wait` for IC). Resolves
   * with the milliseconds it took; {@link IcLabTimeoutError} (with ovn-ic's log tail) after the
   * deadline.
   */
  waitForLearnedRoutes(prefixes: readonly string[], options?: IcLabWaitOptions): Promise<number>;
  /** The AZ's Kube-OVN `ovn-ic-config` ConfigMap data for this lab (`gw-nodes` empty, `auto-route` on). */
  configMap(overrides?: Record<string, string>): Record<string, string>;
}

/** A running lab. Always `stop()` it (in `finally` or `after`). */
export interface IcLab {
  /** The lab's directory (AZ sandboxes, ovn-ic logs). The raft clusters keep their own. */
  readonly dir: string;
  /** OVN_IC_Northbound's raft cluster (kill, restart, leaderIndex... for fault tests). */
  readonly icNb: RaftCluster;
  /** OVN_IC_Southbound's raft cluster. */
  readonly icSb: RaftCluster;
  /** The Kube-OVN `ic-db-host` list, e.g. `127.0.0.1,127.0.0.2,127.0.0.3`. */
  readonly icDbHost: string;
  /** IC-NB's client port, the same on every host (`ic-nb-port`). */
  readonly icNbPort: number;
  /** IC-SB's client port, the same on every host (`ic-sb-port`). */
  readonly icSbPort: number;
  /** `tcp:[127.0.0.1]:P,tcp:[127.0.0.2]:P,...` for IC-NB, built as Kube-OVN builds it. */
  readonly icNbRemote: string;
  /** The same for IC-SB. */
  readonly icSbRemote: string;
  readonly azs: readonly IcLabAz[];
  /** Runs `ovn-ic-nbctl --db=<icNbRemote> ARGS...` (the tool finds the leader). */
  icnbctl(...args: string[]): Promise<string>;
  /** Runs `ovn-ic-sbctl --db=<icSbRemote> ARGS...`. */
  icsbctl(...args: string[]): Promise<string>;
  /** PIDs of every process the lab started that has not been seen to exit (servers, northd, ovn-ic). */
  pids(): number[];
  /** Stops every ovn-ic, northd and server by PID and removes the directories it created. Idempotent. */
  stop(): Promise<void>;
}
