import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  FailoverBudgetExceededError,
  InvalidOperationError,
  InvalidValueError,
  LockNotHeldError,
  op,
  type RecoveredWrite,
  Session,
  SessionClosedError,
  type SessionState,
  WriteOutcomeUnknownError,
} from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

/** Rows of `table` named `name`, read by the server's own client: the independent judge. */
async function countNamed(server: RunningServer, table: string, name: string): Promise<number> {
  const out = await server.client(
    'query',
    server.unix,
    JSON.stringify([NB, { op: 'select', table, where: [['name', '==', name]], columns: ['name'] }]),
  );
  return (JSON.parse(out) as Array<{ rows: unknown[] }>)[0]?.rows.length ?? -1;
}

function phases(session: Session): string[] {
  const seen: string[] = [];
  session.on('state', (state: SessionState) => seen.push(state.phase));
  return seen;
}

describe('Session on a standalone server, with faults injected by a proxy', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let proxy: FaultProxy;
  let session: Session;

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    proxy = await startFaultProxy(server.unix.slice('unix:'.length));
    session = await Session.open(proxy.remote, {
      database: NB,
      reconnect: { initialDelayMs: 10, failoverBudgetMs: 10_000 },
    });
  });
  after(async () => {
    await session?.close();
    await proxy?.close();
    await server?.stop();
  });

  test('opens on the member, writes, and answers state', async () => {
    assert.equal(session.state.phase, 'ready');
    assert.equal(session.remote, proxy.remote);
    const [result] = await session.transact([op.insert('Logical_Switch', { name: 'plain' })]);
    assert.match((result as { uuid: [string, string] }).uuid[1], /^[0-9a-f-]{36}$/);
    assert.equal(await countNamed(server, 'Logical_Switch', 'plain'), 1);
  });

  test('bad input rejects before sending, naming table and column, and nothing is written', async () => {
    await assert.rejects(
      session.transact([op.insert('Logical_Switch', { name: 'bad', nope: 1 } as never)]),
      (error: unknown) => error instanceof InvalidOperationError && /nope/.test(error.message),
    );
    await assert.rejects(
      session.transact([op.insert('Logical_Switch', { name: 42 } as never)]),
      (error: unknown) => error instanceof InvalidValueError && /Logical_Switch/.test(error.message),
    );
    assert.equal(await countNamed(server, 'Logical_Switch', 'bad'), 0);
    assert.deepEqual(session.backlog, { queued: 0, sent: 0, inDoubt: 0 });
  });

  test('a reply lost after commit: found by its uuid, resolved once, not applied again', async () => {
    const recovered = nextEvent<[RecoveredWrite]>(session, 'recovered');
    proxy.arm('drop-reply', 'lost-reply');
    const [result] = await session.transact([op.insert('Logical_Switch', { name: 'lost-reply' })]);
    const [write] = await recovered;
    assert.equal(write.outcome, 'committed');
    assert.equal(write.resent, false);
    assert.equal((result as { uuid: [string, string] }).uuid[1], write.mark?.uuid);
    assert.equal(await countNamed(server, 'Logical_Switch', 'lost-reply'), 1);
    assert.equal(session.state.phase, 'ready');
  });

  test('a request lost before the server saw it: not committed, sent again, applied once', async () => {
    const recovered = nextEvent<[RecoveredWrite]>(session, 'recovered');
    proxy.arm('drop-request', 'lost-request');
    const [result] = await session.transact([op.insert('Logical_Switch', { name: 'lost-request' })]);
    const [write] = await recovered;
    assert.equal(write.outcome, 'not-committed');
    assert.equal(write.resent, true);
    assert.equal((result as { uuid: [string, string] }).uuid[1], write.mark?.uuid);
    assert.equal(await countNamed(server, 'Logical_Switch', 'lost-request'), 1);
  });

  test('a transaction the server answers `canceled` is settled on the same connection', async () => {
    const recovered = nextEvent<[RecoveredWrite]>(session, 'recovered');
    let disconnected = false;
    const onDisconnected = (): void => {
      disconnected = true;
    };
    session.on('disconnected', onDisconnected);
    proxy.arm('cancel-reply', 'canceled-but-committed');
    const later = session.transact([op.insert('Logical_Switch', { name: 'after-canceled' })]);
    const [result] = await session.transact([
      op.insert('Logical_Switch', { name: 'canceled-but-committed' }),
    ]);
    await later;
    session.off('disconnected', onDisconnected);
    const [write] = await recovered;
    assert.equal(write.outcome, 'committed');
    assert.equal((result as { uuid: [string, string] }).uuid[1], write.mark?.uuid);
    assert.equal(disconnected, false);
    assert.equal(await countNamed(server, 'Logical_Switch', 'canceled-but-committed'), 1);
    assert.equal(await countNamed(server, 'Logical_Switch', 'after-canceled'), 1);
  });

  test('a lost reply of a write without an insert is unknown: rejected, never resent', async () => {
    await session.transact([op.insert('Logical_Switch', { name: 'to-update' })]);
    proxy.arm('drop-reply', 'updated-once');
    const update = op.update('Logical_Switch', [['name', '==', 'to-update']], {
      other_config: ['map', [['note', 'updated-once']]],
    } as never);
    await assert.rejects(session.transact([update]), (error: unknown) => {
      assert.ok(error instanceof WriteOutcomeUnknownError);
      assert.equal(error.endpoint, proxy.remote);
      return true;
    });
    // The server did apply it (the proxy dropped only the reply).
    const out = await server.client(
      'query',
      server.unix,
      JSON.stringify([NB, { op: 'select', table: 'Logical_Switch', where: [['name', '==', 'to-update']] }]),
    );
    assert.match(out, /updated-once/);
  });

  test('an idempotent write whose reply was lost is sent again and resolves', async () => {
    proxy.arm('drop-reply', 'idempotent-note');
    const update = op.update('Logical_Switch', [['name', '==', 'to-update']], {
      other_config: ['map', [['note', 'idempotent-note']]],
    } as never);
    const [result] = await session.transact([update], { idempotent: true });
    assert.deepEqual(result, { count: 1 });
  });

  test('writes issued while reconnecting wait unwritten and go out in order', async () => {
    const seen = phases(session);
    const reconnected = nextEvent(session, 'ready');
    proxy.dropConnections();
    await nextEvent(session, 'disconnected');
    const writes = [1, 2, 3].map((n) =>
      session.transact([op.insert('Logical_Switch', { name: `queued-${n}` })]),
    );
    assert.equal(session.backlog.queued, 3);
    await reconnected;
    await Promise.all(writes);
    for (const n of [1, 2, 3]) assert.equal(await countNamed(server, 'Logical_Switch', `queued-${n}`), 1);
    assert.deepEqual(seen.slice(0, 2), ['reconnecting', 'ready']);
  });

  test('a lock is taken again after a reconnect; writes asking for it carry an assert', async () => {
    await session.lock('controller');
    assert.ok(session.holds('controller'));
    const lost = nextEvent<[string]>(session, 'lockLost');
    const regained = nextEvent<[string]>(session, 'locked');
    proxy.dropConnections();
    assert.deepEqual(await lost, ['controller']);
    assert.deepEqual(await regained, ['controller']);
    await session.transact([op.insert('Logical_Switch', { name: 'with-lock' })], { lock: 'controller' });
    assert.equal(await countNamed(server, 'Logical_Switch', 'with-lock'), 1);
    await assert.rejects(
      session.transact([op.insert('Logical_Switch', { name: 'without-lock' })], { lock: 'other' }),
      LockNotHeldError,
    );
    assert.equal(await countNamed(server, 'Logical_Switch', 'without-lock'), 0);
  });

  test('a stolen lock is an event, and the session asks for it again', async () => {
    const thief = await Session.open(server.unix, { database: NB });
    try {
      const stolen = nextEvent<[string]>(session, 'stolen');
      await thief.client?.steal('controller');
      assert.deepEqual(await stolen, ['controller']);
      assert.equal(session.holds('controller'), false);
      const back = nextEvent<[string]>(session, 'locked');
      await thief.client?.unlock('controller');
      assert.deepEqual(await back, ['controller']);
    } finally {
      await thief.close();
    }
  });
});

describe('Session giving up', { timeout: 30_000 }, () => {
  test('no member within the budget: a typed error and events, no unhandled rejection', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const session = await Session.open(server.unix, {
      database: NB,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, failoverBudgetMs: 800, connectTimeoutMs: 200 },
    });
    try {
      const gaveUp = nextEvent<[FailoverBudgetExceededError]>(session, 'gaveUp');
      const closed = nextEvent<[Error | undefined]>(session, 'closed');
      await server.stop();
      const [error] = await gaveUp;
      assert.ok(error instanceof FailoverBudgetExceededError);
      assert.equal(error.database, NB);
      assert.ok(error.rounds >= 2);
      assert.equal(error.attempts[0]?.remote, server.unix);
      assert.ok((await closed)[0] instanceof FailoverBudgetExceededError);
      await assert.rejects(
        session.transact([op.insert('Logical_Switch', { name: 'late' })]),
        SessionClosedError,
      );
    } finally {
      await session.close();
      await server.stop();
    }
  });

  test('open rejects with the typed error when nothing answers', async () => {
    await assert.rejects(
      Session.open('unix:/nonexistent/ovndb.sock', {
        database: NB,
        reconnect: { failoverBudgetMs: 300, initialDelayMs: 20 },
      }),
      (error: unknown) => error instanceof FailoverBudgetExceededError && error.attempts.length === 1,
    );
  });
});
