/**
 * What one server can do for one database, judged from its `_Server.Database` row
 * (ovsdb-server(5)) and from what the client has already seen of that database: pure logic,
 * no I/O, so every rule is testable without a server.
 *
 * Freshness follows ovsdb-server(5): a clustered member exposes the raft log `index` it
 * serves, which only grows on one member; a client that remembers the highest index it has
 * seen (for one cluster id) avoids members with less, so it never reads an older snapshot
 * after switching servers.
 */
import type { Database } from '../generated/server/rows.js';

/**
 * The `_Server.Database` columns the classification reads. A row of the generated `_Server`
 * model fits as it is.
 */
export interface ServerDatabaseRow {
  readonly name: string;
  readonly model: Database['model'];
  readonly connected: boolean;
  readonly leader: boolean;
  /** Cluster id; empty except for clustered databases. */
  readonly cid?: string | undefined;
  /** Raft log index exposed to clients; empty except for clustered databases. */
  readonly index?: number | undefined;
}

/**
 * What a client has seen of one database so far, across every server it used. Keep one per
 * database and carry it from connection to connection; it only moves forward.
 */
export interface SeenState {
  /** The cluster id the client has been reading from. */
  readonly cid?: string | undefined;
  /** The highest raft index seen for that cluster. */
  readonly index?: number | undefined;
}

/** Nothing seen yet: every connected member is fresh. */
export const NOTHING_SEEN: SeenState = Object.freeze({});

/**
 * Why a member got its classification, as a stable keyword (the first rule that applied):
 * - `leader`: clustered, connected, raft leader.
 * - `follower`: clustered, connected, not leader.
 * - `standalone`: standalone (or active-backup in the active role).
 * - `backup`: standalone model but known to be an active-backup backup (read-only).
 * - `relay`: a relay, connected to its relay source.
 * - `disconnected`: the database is not connected to its storage (no raft majority, relay
 *   source lost, or not yet joined).
 * - `wrong-cluster`: its cluster id differs from the one already seen.
 * - `stale`: its index is lower than one already seen.
 * - `not-served`: the server has no row for the database.
 */
export type MemberStatusReason =
  | 'leader'
  | 'follower'
  | 'standalone'
  | 'backup'
  | 'relay'
  | 'disconnected'
  | 'wrong-cluster'
  | 'stale'
  | 'not-served';

/** The classification of one server for one database. */
export interface MemberStatus {
  /**
   * Writes are decided here: a connected clustered leader, or a standalone server that is
   * not an active-backup backup. This is what a "leader only" client wants. A follower or a
   * relay is not writable in this sense even though it forwards writes (see `acceptsWrites`).
   */
  readonly writable: boolean;
  /**
   * A write transaction sent here can commit: directly (`writable`), or forwarded (a
   * connected raft follower forwards to the leader; a connected relay to its relay source).
   * False for a backup, which rejects writes with `not allowed`.
   */
  readonly acceptsWrites: boolean;
  /** Connected to its storage, of the cluster already seen, and not stale: safe to read. */
  readonly readable: boolean;
  /** Its index is lower than the highest already seen for the same cluster. */
  readonly stale: boolean;
  /** Its cluster id differs from the one already seen. */
  readonly wrongCluster: boolean;
  readonly reason: MemberStatusReason;
}

/** What the caller knows beyond the `_Server` row. */
export interface ClassifyOptions {
  /**
   * The server is an active-backup backup (it rejects writes). `_Server` cannot tell: a
   * backup reports `model: standalone, connected: true, leader: true`, like an active server.
   * Learn it with {@link probeReadOnly} (in `server-database-watch.ts`) or from
   * `ovs-appctl ovsdb-server/sync-status`.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * Classifies one server for one database from its `_Server.Database` row (`undefined` when
 * the server does not serve the database) and what the client has already seen.
 *
 * A relay exposes neither cid nor index, so its freshness cannot be checked: it is never
 * `stale` or `wrongCluster` here.
 */
export function classifyMember(
  row: ServerDatabaseRow | undefined,
  seen: SeenState = NOTHING_SEEN,
  options: ClassifyOptions = {},
): MemberStatus {
  if (row === undefined) return status('not-served', false, false, false, false, false);
  const wrongCluster =
    row.model === 'clustered' && seen.cid !== undefined && row.cid !== undefined && row.cid !== seen.cid;
  // Indexes of different clusters are not comparable: a wrong cluster is not also "stale".
  const stale =
    !wrongCluster &&
    row.model === 'clustered' &&
    seen.index !== undefined &&
    row.index !== undefined &&
    row.index < seen.index;
  if (!row.connected) return status('disconnected', false, false, false, stale, wrongCluster);
  if (wrongCluster) return status('wrong-cluster', false, false, false, false, true);
  if (stale) return status('stale', false, false, false, true, false);
  switch (row.model) {
    case 'clustered':
      return row.leader
        ? status('leader', true, true, true, false, false)
        : status('follower', false, true, true, false, false);
    case 'relay':
      return status('relay', false, true, true, false, false);
    default:
      return options.readOnly === true
        ? status('backup', false, false, true, false, false)
        : status('standalone', true, true, true, false, false);
  }
}

/**
 * The seen state after reading from a server whose row is `row`: a clustered row of the
 * cluster already seen (or of the first cluster seen) raises the index; anything else (a
 * standalone or relay row, a disconnected member, another cluster) leaves it as it was.
 * Returns `seen` itself when nothing changes.
 *
 * After a cluster is deliberately re-created (new cid), start again from {@link NOTHING_SEEN}.
 */
export function updateSeen(seen: SeenState, row: ServerDatabaseRow | undefined): SeenState {
  if (row === undefined || row.model !== 'clustered' || !row.connected || row.cid === undefined) return seen;
  if (seen.cid !== undefined && seen.cid !== row.cid) return seen;
  const index = row.index === undefined ? seen.index : Math.max(row.index, seen.index ?? row.index);
  if (seen.cid === row.cid && index === seen.index) return seen;
  return index === undefined ? { cid: row.cid } : { cid: row.cid, index };
}

function status(
  reason: MemberStatusReason,
  writable: boolean,
  acceptsWrites: boolean,
  readable: boolean,
  stale: boolean,
  wrongCluster: boolean,
): MemberStatus {
  return { writable, acceptsWrites, readable, stale, wrongCluster, reason };
}
