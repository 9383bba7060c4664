/**
 * Metrics hooks against real servers: a transaction's settlement (ok, or the server's error
 * code), update notifications with their table and row counts, a session's reconnect with its
 * downtime; and a hook that throws changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import {
  connect,
  op,
  type ReconnectMetric,
  Replica,
  Session,
  type TransactionMetric,
  type UpdateMetric,
} from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer, startRaftCluster } from '../../src/testing/index.js';

describe('metrics hooks', { timeout: 60_000 }, () => {
  test('transactions are reported with their outcome, updates with their size', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    const transactions: TransactionMetric[] = [];
    const updates: UpdateMetric[] = [];
    const client = await connect(server.unix, {
      metrics: { transaction: (m) => transactions.push(m), update: (m) => updates.push(m) },
    });
    try {
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      await client.transact('OVN_Northbound', [
        op.insert('Address_Set', { name: 'a' }),
        op.insert('Address_Set', { name: 'b' }),
      ]);
      await assert.rejects(client.transact('OVN_Northbound', [op.insert('Address_Set', { name: 'a' })]));
      assert.equal(transactions.length, 2);
      const [ok, failed] = transactions as [TransactionMetric, TransactionMetric];
      assert.deepEqual(
        [ok.database, ok.operations, ok.ok, ok.errorCode],
        ['OVN_Northbound', 2, true, undefined],
      );
      assert.ok(ok.durationMs > 0);
      assert.deepEqual([failed.ok, failed.errorCode], [false, 'OVSDB_CONSTRAINT_VIOLATION']);
      // The replica saw one notification for the two inserts (the refused one sent none).
      assert.equal(updates.length, 1);
      assert.deepEqual({ ...updates[0], method: 'update2|3' }, { method: 'update2|3', tables: 1, rows: 2 });
      assert.match(updates[0]!.method, /^update[23]$/);
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('a hook that throws does not break the client', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    const client = await connect(server.unix, {
      metrics: {
        transaction: () => {
          throw new Error('broken exporter');
        },
      },
    });
    try {
      const [result] = await client.transact('OVN_Northbound', [op.insert('Address_Set', { name: 'x' })]);
      assert.ok((result as { uuid?: unknown }).uuid);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('a session reports its reconnect after the leader is killed, with the downtime', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), electionTimerMs: 500 });
    const reconnects: ReconnectMetric[] = [];
    const session = await Session.open(cluster.tcpRemotes, {
      database: 'OVN_Northbound',
      client: { metrics: { reconnect: (m) => reconnects.push(m) } },
    });
    try {
      const killed = session.remote!;
      const index = cluster.members.findIndex((m) => m.tcp === killed);
      await cluster.kill(index, 'SIGKILL');
      await session.transact([op.insert('Address_Set', { name: 'after' })]);
      assert.equal(reconnects.length, 1);
      const [metric] = reconnects as [ReconnectMetric];
      assert.equal(metric.database, 'OVN_Northbound');
      assert.notEqual(metric.remote, killed);
      assert.ok(metric.downtimeMs > 0 && metric.downtimeMs < 30_000, String(metric.downtimeMs));
    } finally {
      await session.close();
      await cluster.stop();
    }
  });
});
