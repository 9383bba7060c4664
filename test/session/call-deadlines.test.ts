/**
 * The waits of an open session take a signal and a timeout: `whenReady` while no member is
 * in use, `waitForIndex` on a raft index that is not there yet, `lock` on a lock another
 * client holds, and `replica`, bounded by progress (a stalled dump gives up, a slow one that
 * keeps coming does not). Each gives up with a typed error naming what it waited for, and
 * the session goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import {
  InvalidRemoteError,
  op,
  Session,
  SessionWaitTimeoutError,
  SplitSession,
  WaitAbortedError,
} from '../../src/index.js';
import {
  ovnSchemaPath,
  type RaftCluster,
  type RunningServer,
  startOvsdbServer,
  startRaftCluster,
} from '../../src/testing/index.js';
import { nextEvent } from '../helpers/next-event.js';
import { startStallProxy } from './stall-proxy.js';

const NB = 'OVN_Northbound';

/**
 * `ms` is about `expected`: timers count from the event loop's cached clock, so under load
 * they may fire a little before `performance.now()` says; `slack` is how late is still fine.
 */
function about(ms: number, expected: number, slack: number): void {
  assert.ok(ms > expected - 30 && ms < expected + slack, `${ms} ms where about ${expected} was expected`);
}

/** A signal that fires after `ms`, from a timer of the test's own. */
function abortAfter(ms: number): AbortSignal & { turnPassed: boolean } {
  const controller = new AbortController();
  const signal = Object.assign(controller.signal, { turnPassed: false });
  setTimeout(() => {
    controller.abort(new Error('test stops it'));
    // The next turn of the event loop: a rejection seen before it needed no I/O and no timer.
    setImmediate(() => {
      signal.turnPassed = true;
    });
  }, ms);
  return signal;
}

/**
 * Rejects like `promise`, and says how long that took; with `stop`, also whether the
 * rejection came in the same turn of the event loop as the abort (within microseconds,
 * however loaded the machine is).
 */
async function timedRejection(
  promise: Promise<unknown>,
  stop?: { turnPassed: boolean },
): Promise<{ error: unknown; ms: number; sameTurn: boolean }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started, sameTurn: stop?.turnPassed === false };
  }
  assert.fail('resolved instead of rejecting');
}

describe('session waits with a signal and a timeout', { timeout: 120_000 }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
  });
  after(async () => {
    await server?.stop();
  });

  test('lock held by another client: timeoutMs and signal give up in time; the lock stays wanted', async () => {
    const holder = await Session.open(server.unix, { database: NB });
    const standby = await Session.open(server.unix, { database: NB });
    try {
      await holder.lock('controller');
      const timedOut = await timedRejection(standby.lock('controller', { timeoutMs: 300 }));
      assert.ok(timedOut.error instanceof SessionWaitTimeoutError, String(timedOut.error));
      assert.equal(timedOut.error.what, `lock controller on ${NB}`);
      assert.equal(timedOut.error.phase, 'ready');
      assert.deepEqual(timedOut.error.attempts, []);
      about(timedOut.ms, 300, 150);

      const stop = abortAfter(200);
      const aborted = await timedRejection(standby.lock('controller', { signal: stop }), stop);
      assert.ok(aborted.error instanceof WaitAbortedError, String(aborted.error));
      assert.equal(aborted.error.what, `lock controller on ${NB}`);
      assert.ok(aborted.sameTurn, 'rejected at once');
      assert.equal(standby.holds('controller'), false);

      // Still wanted: once the holder lets go, the standby gets it.
      const locked = nextEvent<[string]>(standby, 'locked');
      await holder.unlock('controller');
      assert.deepEqual(await locked, ['controller']);
      assert.equal(standby.holds('controller'), true);
      await standby.lock('controller', { timeoutMs: 100 });
    } finally {
      await holder.close();
      await standby.close();
    }
  });

  test('whenReady while no member is in use: timeoutMs and signal name the member awaited and what each answered', async () => {
    const alone = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const session = await Session.open(alone.unix, {
      database: NB,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, failoverBudgetMs: 30_000 },
    });
    try {
      assert.ok((await session.whenReady({ timeoutMs: 100 })) === session.client);
      const reconnecting = nextEvent(session, 'disconnected');
      await alone.stop();
      await reconnecting;
      // A reconnect attempt made while the server was still stopping may wait a while for an
      // answer (reported as "no answer yet"); the report is checked once one has failed.
      let timedOut = await timedRejection(session.whenReady({ timeoutMs: 400 }));
      const firstReason = (wait: { error: unknown }) =>
        (wait.error as SessionWaitTimeoutError).attempts?.[0]?.reason ?? '';
      for (let i = 0; i < 10 && /no answer yet/.test(firstReason(timedOut)); i++) {
        timedOut = await timedRejection(session.whenReady({ timeoutMs: 400 }));
      }
      assert.ok(timedOut.error instanceof SessionWaitTimeoutError, String(timedOut.error));
      assert.equal(timedOut.error.phase, 'reconnecting');
      assert.equal(timedOut.error.what, `a leader of ${NB} among ${alone.unix}`);
      assert.equal(timedOut.error.attempts[0]?.remote, alone.unix);
      assert.match(timedOut.error.attempts[0]?.reason ?? '', /ENOENT|ECONNREFUSED|no such file/i);
      about(timedOut.ms, 400, 150);

      const stop = abortAfter(150);
      const aborted = await timedRejection(session.whenReady({ signal: stop }), stop);
      assert.ok(aborted.error instanceof WaitAbortedError, String(aborted.error));
      assert.equal(aborted.error.phase, 'reconnecting');
      assert.equal((aborted.error.cause as Error).message, 'test stops it');
      assert.ok(aborted.sameTurn, 'rejected at once');
      // Only the calls gave up: the session still tries.
      assert.equal(session.state.phase, 'reconnecting');
    } finally {
      await session.close();
    }
  });

  test('replica creation is bounded by progress: a stalled dump gives up, a slow one that keeps coming completes', async () => {
    const seed = await Session.open(server.unix, { database: NB });
    try {
      // About 60 KB of initial contents, to trickle through the proxy.
      await seed.transact(
        Array.from({ length: 300 }, (_, i) =>
          op.insert('Logical_Router', {
            name: `router-${i}`,
            external_ids: ['map', [['filler', 'x'.repeat(120)]]],
          }),
        ),
      );
    } finally {
      await seed.close();
    }

    const frozen = await startStallProxy(server.unix.slice('unix:'.length), NB, { kind: 'freeze' });
    const stalled = await Session.open(frozen.remote, { database: NB });
    try {
      const { error, ms } = await timedRejection(stalled.replica(nbModel, { stallTimeoutMs: 500 }));
      assert.ok(frozen.triggered);
      assert.ok(error instanceof SessionWaitTimeoutError, String(error));
      assert.equal(error.what, `the initial contents of ${NB} from ${frozen.remote}`);
      assert.equal(error.phase, 'ready');
      about(ms, 500, 300);
      // The session itself is untouched.
      assert.equal(stalled.state.phase, 'ready');
    } finally {
      await stalled.close();
      await frozen.close();
    }

    // 4 KB every 100 ms: the dump takes over a second, and never stops for 500 ms.
    const slow = await startStallProxy(server.unix.slice('unix:'.length), NB, {
      kind: 'drip',
      bytes: 4096,
      everyMs: 100,
    });
    const dripping = await Session.open(slow.remote, { database: NB });
    try {
      const started = performance.now();
      const replica = await dripping.replica(nbModel, {
        tables: { Logical_Router: true },
        stallTimeoutMs: 500,
      });
      const took = performance.now() - started;
      assert.ok(took > 1000, `the dump took only ${took} ms: the test proves nothing`);
      assert.equal(replica.where('Logical_Router', (r) => r.name.startsWith('router-')).length, 300);
    } finally {
      await dripping.close();
      await slow.close();
    }

    const aborting = await startStallProxy(server.unix.slice('unix:'.length), NB, { kind: 'freeze' });
    const session = await Session.open(aborting.remote, { database: NB });
    try {
      const stop = abortAfter(200);
      const aborted = await timedRejection(session.replica(nbModel, { signal: stop }), stop);
      assert.ok(aborted.error instanceof WaitAbortedError, String(aborted.error));
      assert.equal(aborted.error.what, `the initial contents of ${NB} from ${aborting.remote}`);
      assert.ok(aborted.sameTurn, 'rejected at once');
    } finally {
      await session.close();
      await aborting.close();
    }
  });
});

describe('waitForIndex and split sessions with a signal and a timeout', { timeout: 120_000 }, () => {
  let cluster: RaftCluster;

  before(async () => {
    cluster = await startRaftCluster({ schema: ovnSchemaPath('nb') });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('waitForIndex on an index not reached: timeoutMs and signal give up in time, naming the index', async () => {
    const session = await Session.open(cluster.remotes, { database: NB });
    try {
      const index = (session.memberStatus?.row?.index ?? 0) + 1_000_000;
      const timedOut = await timedRejection(session.waitForIndex(index, { timeoutMs: 300 }));
      assert.ok(timedOut.error instanceof SessionWaitTimeoutError, String(timedOut.error));
      assert.equal(timedOut.error.what, `raft index ${index} of ${NB} on ${session.remote}`);
      about(timedOut.ms, 300, 150);

      const stop = abortAfter(150);
      const aborted = await timedRejection(session.waitForIndex(index, { signal: stop }), stop);
      assert.ok(aborted.error instanceof WaitAbortedError, String(aborted.error));
      assert.ok(aborted.sameTurn, 'rejected at once');

      // An index already there resolves as before.
      await session.waitForIndex(1, { timeoutMs: 5000 });
    } finally {
      await session.close();
    }
  });

  test('SplitSession: open, whenReady, lock take the same bounds; an open that cannot finish stops the other half', async () => {
    const split = await SplitSession.open(cluster.remotes, { database: NB, openTimeoutMs: 10_000 });
    const other = await Session.open(cluster.remotes, { database: NB });
    try {
      await split.whenReady({ timeoutMs: 1000 });
      await other.lock('split_lock');
      const { error } = await timedRejection(split.lock('split_lock', { timeoutMs: 200 }));
      assert.ok(error instanceof SessionWaitTimeoutError);
    } finally {
      await other.close();
      await split.close();
    }
    // No readable member among the read remotes: the reader times out, the writer is closed.
    const { error, ms } = await timedRejection(
      SplitSession.open(cluster.remotes, {
        database: NB,
        readRemotes: 'unix:/nonexistent/ovnnb_db.sock',
        openTimeoutMs: 800,
      }),
    );
    assert.ok(error instanceof SessionWaitTimeoutError, String(error));
    assert.match(
      error.what,
      /^a follower \(or another readable member\) of OVN_Northbound among unix:\/nonexistent/,
    );
    about(ms, 800, 300);
    // A half that fails at once stops the other at once (here a writer that would retry for 5 s),
    // and the failure reported is its own, not the other's abort.
    const fast = await timedRejection(
      SplitSession.open('unix:/nonexistent/ovnnb_db.sock', {
        database: NB,
        readRemotes: 'nonsense:remote',
        openTimeoutMs: 5000,
      }),
    );
    assert.ok(fast.error instanceof InvalidRemoteError, String(fast.error));
    assert.ok(fast.ms < 200, `${fast.ms} ms`);
  });
});
