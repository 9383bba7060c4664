/**
 * Clustered databases: which members to connect to and in what order, and what each member
 * can do for a database (leader, follower, relay, backup; stale or of another cluster).
 *
 * @packageDocumentation
 */
export {
  type Endpoint,
  type EndpointChanges,
  EndpointList,
  type EndpointListOptions,
  type HostListOptions,
  hostListRemotes,
  InvalidHostListError,
  OVN_DEFAULT_PORTS,
  type OvnDatabaseName,
} from './endpoints.js';
export {
  type ClassifyOptions,
  classifyMember,
  type MemberStatus,
  type MemberStatusReason,
  NOTHING_SEEN,
  type SeenState,
  type ServerDatabaseRow,
  updateSeen,
} from './member-status.js';
export { probeReadOnly, ReadOnlyProbeError } from './read-only-probe.js';
export {
  type ServerDatabaseStatus,
  ServerDatabaseWaitTimeoutError,
  ServerDatabaseWatch,
  ServerDatabaseWatchClosedError,
  type ServerDatabaseWatchEvents,
  type ServerDatabaseWatchOptions,
  watchServerDatabase,
} from './server-database-watch.js';
