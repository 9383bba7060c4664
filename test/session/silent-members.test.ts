/**
 * Members that do not help: one that accepts and never answers (a fake: a real server always
 * answers), a real leader frozen with SIGSTOP (silent: the inactivity probe must notice), and
 * an active-backup backup (answers, but refuses writes).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FailoverBudgetExceededError, InactivityTimeoutError, op, Session } from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer, startRaftCluster } from '../../src/testing/index.js';
import { nextEvent } from '../helpers/next-event.js';

const NB = 'OVN_Northbound';

/**
 * A unix socket that accepts connections and reads everything; it never writes a byte, or,
 * with `garbage`, answers the first request with bytes that are not JSON.
 */
async function startMutePeer(garbage = false): Promise<{ remote: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-mute-'));
  const path = join(dir, 'mute.sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {
      if (garbage) socket.write('\u0000\u00ff}{ not json at all');
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    remote: `unix:${path}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('members that do not help', { timeout: 90_000 }, () => {
  test('a peer that accepts and never answers: the other member is used; alone, a typed give-up', async () => {
    const mute = await startMutePeer();
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    try {
      const started = Date.now();
      const session = await Session.open([mute.remote, server.unix], {
        database: NB,
        endpoints: { order: 'given' },
        reconnect: { roundTimeoutMs: 5000 },
      });
      try {
        assert.equal(session.remote, server.unix);
        // Members are tried at once, so the mute one costs nothing.
        assert.ok(Date.now() - started < 4000);
        await session.transact([op.insert('Logical_Switch', { name: 'past-the-mute-peer' })]);
      } finally {
        await session.close();
      }
      await assert.rejects(
        Session.open(mute.remote, {
          database: NB,
          reconnect: { roundTimeoutMs: 300, failoverBudgetMs: 700 },
        }),
        (error: unknown) =>
          error instanceof FailoverBudgetExceededError &&
          error.attempts.length === 1 &&
          error.attempts[0]?.reason === 'no answer within the round',
      );
    } finally {
      await server.stop();
      await mute.close();
    }
  });

  test('a peer that answers garbage is left for the next member; alone, a typed give-up naming the fault', async () => {
    const garbage = await startMutePeer(true);
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    try {
      const session = await Session.open([garbage.remote, server.unix], {
        database: NB,
        endpoints: { order: 'given' },
      });
      try {
        assert.equal(session.remote, server.unix);
      } finally {
        await session.close();
      }
      await assert.rejects(
        Session.open(garbage.remote, {
          database: NB,
          reconnect: { roundTimeoutMs: 300, failoverBudgetMs: 700 },
        }),
        (error: unknown) =>
          error instanceof FailoverBudgetExceededError &&
          /JSON|frame|UTF-8/i.test(error.attempts[0]?.reason ?? ''),
      );
    } finally {
      await server.stop();
      await garbage.close();
    }
  });

  test('a leader frozen with SIGSTOP: the probe notices, writes move to the new leader, each once', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: true });
    let frozen: number | undefined;
    try {
      const session = await Session.open(cluster.tcpRemotes, {
        database: NB,
        client: { probeIntervalMs: 300 },
        reconnect: { initialDelayMs: 20 },
      });
      try {
        await session.transact([op.insert('Logical_Switch', { name: 'before-freeze' })]);
        const leader = await cluster.leaderIndex();
        assert.equal(session.remote, cluster.member(leader).tcp);
        const disconnected = nextEvent<[{ remote: string; error?: Error }]>(
          session,
          'disconnected',
          () => true,
          10_000,
        );
        frozen = cluster.member(leader).pid;
        process.kill(frozen, 'SIGSTOP');
        const writes = [1, 2, 3].map((n) =>
          session.transact([op.insert('Logical_Switch', { name: `during-${n}` })]),
        );
        const [{ error }] = await disconnected;
        assert.ok(error instanceof InactivityTimeoutError);
        await Promise.all(writes);
        assert.notEqual(session.remote, cluster.member(leader).tcp);
        process.kill(frozen, 'SIGCONT');
        frozen = undefined;
        const newLeader = await cluster.leader();
        const out = await newLeader.client(
          'query',
          newLeader.unix,
          JSON.stringify([NB, { op: 'select', table: 'Logical_Switch', where: [], columns: ['name'] }]),
        );
        const names = (JSON.parse(out) as Array<{ rows: Array<{ name: string }> }>)[0]?.rows
          .map((r) => r.name)
          .sort();
        assert.deepEqual(names, ['before-freeze', 'during-1', 'during-2', 'during-3']);
      } finally {
        await session.close();
      }
    } finally {
      if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
      await cluster.stop();
    }
  });

  test('an active-backup backup is not taken for writes; readable sessions may use it', async () => {
    const active = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const backup = await startOvsdbServer({
      schemas: [ovnSchemaPath('nb')],
      extraArgs: [`--sync-from=${active.unix}`],
    });
    try {
      const writer = await Session.open([backup.unix, active.unix], {
        database: NB,
        endpoints: { order: 'given' },
      });
      try {
        assert.equal(writer.remote, active.unix);
        await writer.transact([op.insert('Logical_Switch', { name: 'on-the-active' })]);
      } finally {
        await writer.close();
      }
      await assert.rejects(
        Session.open(backup.unix, {
          database: NB,
          reconnect: { failoverBudgetMs: 500, roundTimeoutMs: 200 },
        }),
        (error: unknown) =>
          error instanceof FailoverBudgetExceededError && error.attempts[0]?.reason === 'backup',
      );
      const reader = await Session.open(backup.unix, { database: NB, member: 'readable' });
      try {
        assert.equal(reader.memberStatus?.status.readable, true);
      } finally {
        await reader.close();
      }
    } finally {
      await backup.stop();
      await active.stop();
    }
  });
});
