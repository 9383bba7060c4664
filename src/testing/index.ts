/**
 * Test helpers (published as `ovndb/testing`): throwaway ovsdb-servers, raft clusters,
 * certificate authorities and OVN sandboxes (NB + SB + ovn-northd, traced with ovn-trace) for
 * your own tests, run from the Debian OVS/OVN packages; and whole-database comparison.
 */
export { type BinaryName, type BinaryOptions, DEBIAN_PACKAGES, findBinary } from './binaries.js';
export { type ClusterServerEntry, type ClusterStatus, parseClusterStatus } from './cluster-status.js';
export {
  type FailoverDrillOptions,
  type FailoverDrillResult,
  type FailoverKill,
  failoverTimings,
  percentile,
  runFailoverDrill,
} from './failover-drill.js';
export {
  type IcLab,
  type IcLabAz,
  type IcLabLearnedRoute,
  type IcLabOptions,
  type IcLabWaitOptions,
  normalizePrefix,
  startIcLab,
} from './ic-lab.js';
export type { ExitInfo } from './managed-process.js';
export {
  assertSameDatabase,
  type DatabaseDump,
  type DiffOptions,
  type DumpedRow,
  diffDumps,
  dumpDatabase,
} from './nb-dump-diff.js';
export { type OvnSandbox, type OvnSandboxOptions, startOvnSandbox } from './ovn-sandbox.js';
export {
  DatabasesDifferError,
  IcLabStartError,
  IcLabTimeoutError,
  NorthdTimeoutError,
  OvnTraceError,
} from './ovn-testing-errors.js';
export {
  type OvnTraceOptions,
  type OvnTraceResult,
  ovnTrace,
  type ParsedTrace,
  parseOvnTrace,
  type TraceEvent,
  type TraceVerdict,
} from './ovn-trace.js';
export { type OvsdbServerOptions, startOvsdbServer } from './ovsdb-server.js';
export {
  type RaftCluster,
  type RaftClusterOptions,
  type RaftFailurePoint,
  type RaftRestartOptions,
  type RaftWaitOptions,
  startRaftCluster,
} from './raft-cluster.js';
export { RaftMemberStateError, RaftTimeoutError } from './raft-errors.js';
export { type RelayOptions, startRelay } from './relay-server.js';
export { ovnSchemaPath } from './schema-path.js';
export type { RunningServer } from './server-process.js';
export { createTestPki, type TestPki } from './test-pki.js';
export { CommandFailedError, MissingBinaryError, ServerStartError } from './testing-errors.js';
