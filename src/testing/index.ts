/**
 * Test helpers (published as `ovndb/testing`): throwaway ovsdb-servers, raft clusters and
 * certificate authorities for your own tests, run from the Debian OVS/OVN packages.
 */
export { type BinaryName, type BinaryOptions, DEBIAN_PACKAGES, findBinary } from './binaries.js';
export { type OvsdbServerOptions, startOvsdbServer } from './ovsdb-server.js';
export { type RaftCluster, type RaftClusterOptions, startRaftCluster } from './raft-cluster.js';
export { ovnSchemaPath } from './schema-path.js';
export type { RunningServer } from './server-process.js';
export { createTestPki, type TestPki } from './test-pki.js';
export { CommandFailedError, MissingBinaryError, ServerStartError } from './testing-errors.js';
