/**
 * Opening a session is bounded: an AbortSignal stops it within a few milliseconds and an
 * `openTimeoutMs` gives up in time, each with a typed error naming what was awaited and what
 * every member answered, and nothing is left running (the process exits by itself). Measured
 * before: an open aborted at 1 s rejected after the 60 s failover budget.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Session, SessionWaitTimeoutError, WaitAbortedError } from '../../src/index.js';
import { ovnSchemaPath, startRaftCluster } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const fixture = resolve(import.meta.dirname, 'fixtures/open-unreachable.ts');

/** A tcp port on 127.0.0.1 that accepts connections and never answers (a member that hangs). */
async function startMutePeer(): Promise<{ remote: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    remote: `tcp:127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * `ms` is about `expected`: timers count from the event loop's cached clock, so under load
 * they may fire a little before `performance.now()` says; `slack` is how late is still fine.
 */
function about(ms: number, expected: number, slack: number): void {
  assert.ok(ms > expected - 30 && ms < expected + slack, `${ms} ms where about ${expected} was expected`);
}

interface ChildOutcome {
  readonly result: {
    name: string;
    code: string;
    what: string;
    phase: string;
    attempts: Array<{ remote: string; reason: string }>;
    elapsedMs: number;
    at: number;
  };
  /** From the rejection to the process's own exit, in ms. */
  readonly exitAfterMs: number;
  readonly exitCode: number | null;
}

/** Runs the fixture in a child process; kills it (by its PID) if it does not exit by itself. */
function openInChild(remotes: string[], how: 'abort' | 'timeout', afterMs: number): Promise<ChildOutcome> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, remotes.join(','), how, String(afterMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  return new Promise((done, fail) => {
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the child did not exit by itself; it printed: ${out}`));
    }, 20_000);
    child.once('exit', (exitCode) => {
      clearTimeout(killer);
      const exitedAt = Date.now();
      try {
        const result = JSON.parse(out.trim()) as ChildOutcome['result'];
        done({ result, exitAfterMs: exitedAt - result.at, exitCode });
      } catch {
        fail(new Error(`unexpected output: ${out}`));
      }
    });
  });
}

describe('Session.open within a deadline', { timeout: 120_000 }, () => {
  test('unreachable members, aborted at 1 s: WaitAbortedError within ~1.2 s, every member named, the process exits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-open-abort-'));
    const mute = await startMutePeer();
    try {
      const missing = `unix:${dir}/nothing.sock`;
      const { result, exitAfterMs, exitCode } = await openInChild([missing, mute.remote], 'abort', 1000);
      assert.equal(result.name, 'WaitAbortedError', JSON.stringify(result));
      assert.equal(result.code, 'OVNDB_WAIT_ABORTED');
      assert.equal(result.phase, 'connecting');
      about(result.elapsedMs, 1000, 200);
      assert.match(result.what, /^a leader of OVN_Northbound among /);
      assert.ok(result.what.includes(missing) && result.what.includes(mute.remote), result.what);
      // Both members were tried: the missing socket refused, the mute one never answered.
      assert.deepEqual(result.attempts.map((a) => a.remote).sort(), [missing, mute.remote].sort());
      assert.equal(result.attempts.find((a) => a.remote === mute.remote)?.reason, 'no answer yet');
      assert.match(result.attempts.find((a) => a.remote === missing)?.reason ?? '', /ENOENT|no such file/i);
      // Nothing kept the child alive: no socket to the mute peer, no round timer, no sleep.
      assert.equal(exitCode, 0);
      assert.ok(exitAfterMs < 1000, `the child exited ${exitAfterMs} ms after the rejection`);
    } finally {
      await mute.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the same with openTimeoutMs: 1000: SessionWaitTimeoutError in time, and the process exits', async () => {
    const mute = await startMutePeer();
    try {
      const { result, exitAfterMs, exitCode } = await openInChild([mute.remote], 'timeout', 1000);
      assert.equal(result.name, 'SessionWaitTimeoutError', JSON.stringify(result));
      assert.equal(result.code, 'OVNDB_SESSION_WAIT_TIMEOUT');
      about(result.elapsedMs, 1000, 200);
      assert.deepEqual(result.attempts, [{ remote: mute.remote, reason: 'no answer yet' }]);
      assert.equal(exitCode, 0);
      assert.ok(exitAfterMs < 1000, `the child exited ${exitAfterMs} ms after the rejection`);
    } finally {
      await mute.close();
    }
  });

  test('a signal already aborted rejects at once and tries nothing', async () => {
    const started = performance.now();
    await assert.rejects(
      Session.open('unix:/nonexistent/ovnnb_db.sock', { database: NB, signal: AbortSignal.abort() }),
      (error: unknown) => error instanceof WaitAbortedError && error.attempts.length === 0,
    );
    assert.ok(performance.now() - started < 100);
  });

  test('a raft cluster with no leader (the leader and a follower stopped): the timeout names what each member answered', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb') });
    try {
      // The leader and one follower go: the survivor can never win an election alone.
      const leader = await cluster.leaderIndex();
      const gone = [leader, (leader + 1) % 3];
      const alive = (leader + 2) % 3;
      for (const i of gone) await cluster.kill(i);
      const all = cluster.remotes.split(',');
      const remotes = [all[alive]!, ...gone.map((i) => all[i]!)];
      const started = performance.now();
      const error = await Session.open(remotes, {
        database: NB,
        openTimeoutMs: 4000,
        endpoints: { order: 'given' },
      }).then(
        () => assert.fail('opened without a leader'),
        (failure: unknown) => failure,
      );
      const elapsed = performance.now() - started;
      assert.ok(error instanceof SessionWaitTimeoutError, String(error));
      about(elapsed, 4000, 500);
      assert.equal(error.timeoutMs, 4000);
      assert.equal(error.phase, 'connecting');
      assert.match(error.what, /^a leader of OVN_Northbound among /);
      for (const remote of remotes) assert.ok(error.what.includes(remote), error.what);
      // The survivor answers, but it is not (or no longer) a connected leader; the others refuse.
      const survivor = error.attempts.find((a) => a.remote === remotes[0]);
      assert.ok(survivor !== undefined, JSON.stringify(error.attempts));
      assert.match(survivor.reason, /^(follower|disconnected|no answer yet|no answer within the round)$/);
      for (const stopped of remotes.slice(1)) {
        const attempt = error.attempts.find((a) => a.remote === stopped);
        assert.match(attempt?.reason ?? '', /ECONNREFUSED|ENOENT|connect/i, JSON.stringify(error.attempts));
      }
      assert.match(error.message, /gave up after 4000 ms waiting for a leader of OVN_Northbound among /);
    } finally {
      await cluster.stop();
    }
  });
});
