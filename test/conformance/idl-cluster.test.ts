import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RaftCluster, startRaftCluster } from '../../src/testing/raft-cluster.js';
import {
  cSort,
  idlCases,
  idltestSchemaFile,
  present,
  runDriver,
  skip,
  uuidfilt,
} from '../helpers/idl-cases.js';
import { sharedConformance } from './driver/suites.js';

// The raft-cluster cases of Open vSwitch's IDL tests (family "cluster"), which the shared
// runner skips: each starts its own 3-member cluster on tcp, applies the case's
// pre-transactions and runs our driver as upstream runs test-ovsdb.py. Outside CI their
// absence skips the tests with a message; in CI (CI=true) it fails them.
interface ClusterCase {
  name: string;
  family: string;
  driver_command: 'idl' | 'idl-cluster';
  pre_txns: string[];
  commands: string[];
  expected_output: string | null;
  cluster_size: number;
  filters: string[];
  stderr_must_not_match?: string;
}

const ZERO_ID = '00000000-0000-0000-0000-000000000000';

/** The driver's `resume:` stderr lines (one per reconnect). */
function resumes(stderr: string): Array<{ lastId: string; found: boolean; ms: number }> {
  return [...stderr.matchAll(/^resume: last_id=(\S*) found=(\w+) method=\S+ ms=(\d+)$/gm)].map((m) => ({
    lastId: m[1] as string,
    found: m[2] === 'true',
    ms: Number(m[3]),
  }));
}

/** Starts a cluster for `c` and applies its pre-transactions through every member's remote. */
async function startFor(c: ClusterCase, schemaFile: string): Promise<RaftCluster> {
  const cluster = await startRaftCluster({ schema: schemaFile, members: c.cluster_size, tcp: true });
  try {
    // Upstream: `ovsdb-client transact $remotes TXN` with all three remotes.
    for (const txn of c.pre_txns) await cluster.member(0).client('transact', cluster.tcpRemotes, txn);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/**
 * "Check Python IDL connects/reconnects to leader": `idl-cluster` with the remotes in the
 * order upstream lists them (s2, s3, s1) and their PIDs; stdout must name the leader. We
 * also check what the output says step by step: the first remote is the leader of the time,
 * `remotestop` stops exactly that server, and the next remote is the new leader.
 */
async function runLeaderCase(c: ClusterCase, schemaFile: string): Promise<void> {
  const cluster = await startFor(c, schemaFile);
  try {
    const order = [1, 2, 0];
    const remotes = order.map((i) => cluster.member(i).tcp as string);
    const pids = order.map((i) => cluster.member(i).pid);
    const firstLeader = await cluster.leaderIndex();
    const args = ['-t30', 'idl-cluster', schemaFile, remotes.join(','), pids.join(','), ...c.commands];
    const r = await runDriver(args, cluster.member(0).dir, 40_000);
    assert.equal(r.code, 0, `driver failed: ${r.stderr.slice(-1000)}`);
    const leader = cluster.member(await cluster.leaderIndex()).tcp as string;
    assert.ok(r.stdout.includes(leader), `stdout names the leader ${leader}:\n${r.stdout}`);

    const lines = r.stdout.trimEnd().split('\n');
    const stops = c.commands.filter((cmd) => cmd.replace(/^\+/, '') === 'remotestop').length;
    assert.equal(lines[0], `001: ${cluster.member(firstLeader).tcp}`);
    if (stops === 0) {
      assert.deepEqual(lines, [`001: ${leader}`, '002: done']);
      return;
    }
    assert.deepEqual(lines, [
      `001: ${cluster.member(firstLeader).tcp}`,
      `002: stop ${pids[order.indexOf(firstLeader)]}`,
      `004: ${leader}`,
      '005: done',
    ]);
    assert.notEqual(leader, cluster.member(firstLeader).tcp);
    await cluster.waitExit(firstLeader);
    assert.equal(cluster.isRunning(firstLeader), false);
  } finally {
    await cluster.stop();
  }
}

/**
 * "simple idl, monitor_cond_since, cluster disconnect" and "simple idl, initially empty,
 * force reconnect": `idl` on the first member's tcp remote only; sorted, uuid-filtered output
 * compared byte for byte. Upstream's C variant also checks its log for a backoff wait (our
 * driver logs each resume on stderr with the time it took) and, in its notes, that only the
 * first monitor_cond_since asks from the all-zero id when no request was lost.
 */
async function runIdlCase(c: ClusterCase, schemaFile: string): Promise<void> {
  const cluster = await startFor(c, schemaFile);
  try {
    const remote = cluster.member(0).tcp as string;
    const r = await runDriver(
      ['-t10', 'idl', schemaFile, remote, ...c.commands],
      cluster.member(0).dir,
      40_000,
    );
    assert.equal(r.code, 0, `driver failed: ${r.stderr.slice(-1000)}`);
    assert.deepEqual(c.filters, [], 'this runner applies no output filters');
    assert.equal(uuidfilt(cSort(r.stdout)), c.expected_output);

    const reconnects = c.commands.filter((cmd) => cmd.replace(/^[?+]+/, '') === 'reconnect').length;
    const seen = resumes(r.stderr);
    assert.equal(seen.length, reconnects, `one resume per reconnect:\n${r.stderr}`);
    if (c.stderr_must_not_match !== undefined) {
      // No backoff: every forced reconnect is back well within the shortest OVS backoff (1 s).
      for (const resume of seen) assert.ok(resume.ms < 1000, `resumed after ${resume.ms} ms`);
      // No request was lost: every resume asks from the transaction it had, and the server has it.
      for (const resume of seen) {
        assert.notEqual(resume.lastId, ZERO_ID);
        assert.equal(resume.found, true);
      }
    }
  } finally {
    await cluster.stop();
  }
}

describe('idl raft-cluster cases with Open vSwitch test vectors (v3.1.0)', {
  timeout: 120_000,
  concurrency: 2,
}, () => {
  const cases = idlCases<ClusterCase>('cluster');
  const schemaFile = idltestSchemaFile('ovndb-idl-cluster-');

  test('the cases are there', { skip }, () => {
    assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
    assert.deepEqual(cases.map((c) => c.driver_command).sort(), ['idl', 'idl', 'idl-cluster', 'idl-cluster']);
  });

  for (const c of cases) {
    test(c.name, { skip, timeout: 60_000 }, () =>
      c.driver_command === 'idl-cluster' ? runLeaderCase(c, schemaFile) : runIdlCase(c, schemaFile),
    );
  }
});
