/** One row of the `Servers:` section of `cluster/status`. */
export interface ClusterServerEntry {
  /** The abbreviated (4 hex digit) server id. */
  readonly shortId: string;
  /** Its raft address, e.g. `tcp:127.0.0.1:6643`. */
  readonly address: string;
}

/** The parts of `ovs-appctl cluster/status DB` the test launcher waits on. */
export interface ClusterStatus {
  /** The full server id (UUID) of the member answering. */
  readonly serverId: string | undefined;
  /** e.g. `cluster member`, `joining cluster`, `left cluster`, `disconnected from the cluster...`. */
  readonly status: string | undefined;
  /** `leader`, `follower` or `candidate`. */
  readonly role: string | undefined;
  readonly term: number | undefined;
  /** `self`, an abbreviated server id, or `unknown`. */
  readonly leader: string | undefined;
  readonly electionTimerMs: number | undefined;
  /**
   * Why this member's last election started: `timeout`, or `leadership_transfer` when a
   * leader handed over (absent on members that never started one).
   */
  readonly lastElectionReason: string | undefined;
  /** The servers this member believes form the cluster. */
  readonly servers: readonly ClusterServerEntry[];
  /** The raw output, for error messages. */
  readonly text: string;
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1]?.trim();
}

/** Parses `cluster/status` output (OVS 2.9 to 3.x share this layout). */
export function parseClusterStatus(text: string): ClusterStatus {
  const serverIdField = field(text, 'Server ID');
  const term = field(text, 'Term');
  const timer = field(text, 'Election timer');
  const serversAt = text.search(/^Servers:$/m);
  const servers: ClusterServerEntry[] = [];
  if (serversAt >= 0) {
    for (const match of text.slice(serversAt).matchAll(/^\s+([0-9a-f]{4}) \([0-9a-f]{4} at ([^)\s]+)\)/gm)) {
      servers.push({ shortId: match[1]!, address: match[2]! });
    }
  }
  return {
    serverId: serverIdField === undefined ? undefined : /\(([0-9a-f-]{36})\)/.exec(serverIdField)?.[1],
    status: field(text, 'Status'),
    role: field(text, 'Role'),
    term: term === undefined ? undefined : Number(term),
    leader: field(text, 'Leader'),
    electionTimerMs: timer === undefined ? undefined : Number(timer),
    lastElectionReason: /^Last Election started .*, reason: (\S+)$/m.exec(text)?.[1],
    servers,
    text,
  };
}

/** True when the member is a full cluster member that knows who leads. */
export function knowsLeader(status: ClusterStatus): boolean {
  return status.status === 'cluster member' && status.leader !== undefined && status.leader !== 'unknown';
}
