/**
 * The raft failure-injection scenarios of Open vSwitch's own cluster tests
 * (../shared/conformance/cases/v3.1.0/cluster.json, helper `ovsdb_cluster_failure_test`),
 * rebuilt with a Session as the client: a 3-member cluster, s1 the leader, the client on
 * s{remote_1} (then s{remote_1},s{remote_2}), `cluster/failure-test` armed on s{crash_node},
 * one insert. Passes when the node crashed (or logged what the case greps for) and the row
 * exists exactly once: the write neither lost nor doubled.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { op, type RecoveredWrite, Session } from '../../src/index.js';
import { ovnSchemaPath, type RaftCluster, startRaftCluster } from '../../src/testing/index.js';
import { sharedConformance } from '../conformance/driver/suites.js';

const NB = 'OVN_Northbound';
const casesFile = resolve(sharedConformance, 'cases/v3.1.0/cluster.json');
const present = existsSync(casesFile);
const skip =
  !present && process.env.CI !== 'true'
    ? `conformance cases not found at ${sharedConformance}; skipped`
    : false;

interface FailureCase {
  name: string;
  args: {
    remote_1: string;
    remote_2: string;
    crash_node: string;
    crash_command: string;
    new_leader?: string;
    log_grep?: string;
  };
}

function failureCases(): FailureCase[] {
  if (!present) return [];
  const file = JSON.parse(readFileSync(casesFile, 'utf8')) as {
    cases: Array<{ name: string; calls?: Array<{ helper: string; args: FailureCase['args'] }> }>;
  };
  return file.cases.flatMap((c) =>
    (c.calls ?? [])
      .filter((call) => call.helper === 'ovsdb_cluster_failure_test')
      .map((call) => ({ name: c.name, args: call.args })),
  );
}

async function switchesNamed(cluster: RaftCluster, name: string): Promise<number> {
  for (let i = 0; i < cluster.members.length; i++) {
    if (!cluster.isRunning(i)) continue;
    const member = cluster.member(i);
    const out = await member.client(
      '-t',
      '10',
      'transact',
      member.unix,
      JSON.stringify([
        NB,
        { op: 'select', table: 'Logical_Switch', where: [['name', '==', name]], columns: ['name'] },
      ]),
    );
    return (JSON.parse(out) as Array<{ rows: unknown[] }>)[0]?.rows.length ?? -1;
  }
  return -1;
}

async function runCase(c: FailureCase): Promise<{ outcome: string }> {
  const { remote_1, remote_2, crash_node, crash_command, new_leader, log_grep } = c.args;
  const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), electionTimerMs: 500 });
  let session: Session | undefined;
  try {
    assert.equal(await cluster.leaderIndex(), 0, 's1 leads at the start, as the scenarios assume');
    const crash = Number(crash_node) - 1;
    if (crash === 0 && new_leader !== undefined && new_leader !== '-1') {
      // Keep the follower that must not win from standing for election.
      const loser = new_leader === '2' ? 2 : 1;
      await cluster.failureTest(loser, 'delay-election');
    }
    const first = cluster.member(Number(remote_1) - 1).unix;
    const second = cluster.member(Number(remote_2) - 1).unix;
    session = await Session.open(first, {
      database: NB,
      member: 'readable',
      endpoints: { order: 'given' },
      reconnect: { initialDelayMs: 20, failoverBudgetMs: 20_000 },
    });
    session.endpoints.update(first === second ? [first] : [first, second]);
    let outcome = 'answered';
    session.on('recovered', (write: RecoveredWrite) => {
      outcome = write.outcome;
    });
    const crashed = cluster.waitExit(crash, { timeoutMs: 15_000 }).then(
      () => true,
      () => false,
    );
    await cluster.failureTest(crash, crash_command);
    await session.transact([op.insert('Logical_Switch', { name: 'x' })]);
    if (log_grep !== undefined) {
      const log = await readFile(cluster.member(crash).logPath, 'utf8');
      assert.match(log, new RegExp(log_grep));
    } else {
      assert.ok(await crashed, `s${crash_node} crashed at ${crash_command}`);
    }
    assert.equal(await switchesNamed(cluster, 'x'), 1, 'the write is neither lost nor doubled');
    return { outcome };
  } finally {
    await session?.close();
    await cluster.stop();
  }
}

describe('raft failure points of the Open vSwitch cluster tests, through a Session', {
  timeout: 400_000,
}, () => {
  const cases = failureCases();
  test('the scenarios are there', { skip }, () => {
    assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
    assert.equal(cases.length, 17);
  });
  for (const c of cases) {
    test(c.name, { skip, timeout: 40_000 }, async () => {
      const { outcome } = await runCase(c);
      console.log(`${c.name}: ${outcome}`);
    });
  }
});
