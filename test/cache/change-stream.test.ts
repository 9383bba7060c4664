import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AddressSetTable, model as nbModel, type Tables } from '../../src/generated/nb/index.js';
import { type Change, connect, insertRow, Replica } from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';

/** Inserts `txns` transactions of `perTxn` Address_Set rows named `as-<txn>-<i>`. */
async function writeRows(remote: string, txns: number, perTxn: number, prefix = 'as'): Promise<void> {
  const writer = await connect(remote);
  try {
    const pending: Promise<unknown>[] = [];
    for (let t = 0; t < txns; t++) {
      const ops = [];
      for (let i = 0; i < perTxn; i++)
        ops.push(insertRow(AddressSetTable, { name: `${prefix}-${t}-${i}` }).operation);
      pending.push(writer.transact(NB, ops));
      if (pending.length >= 16) await pending.shift();
    }
    await Promise.all(pending);
  } finally {
    await writer.close();
  }
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Spin: a consumer that takes the CPU, the harshest kind for the connection.
  }
}

describe('change streams', { timeout: 30_000 }, () => {
  test('every change arrives once, in order; events and streams see the same sequence', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      const fromEvents: string[] = [];
      replica.on('change', (c) => fromEvents.push(`${c.kind}:${c.uuid}`));
      const stream = replica.changes({ highWaterMark: 50 });
      const slow = replica.changes({ highWaterMark: 10 });
      await writeRows(client.remote, 20, 25);
      // Both consumers run at once: a stream nobody reads would hold reading for everyone.
      const seen: string[] = [];
      const slowSeen: string[] = [];
      await Promise.all([
        (async () => {
          for await (const c of stream) {
            seen.push(`${c.kind}:${c.uuid}`);
            if (seen.length === 500) break;
          }
        })(),
        (async () => {
          for await (const c of slow) {
            slowSeen.push(`${c.kind}:${c.uuid}`);
            await new Promise((resolve) => setImmediate(resolve));
            if (slowSeen.length === 500) break;
          }
        })(),
      ]);
      assert.equal(seen.length, 500);
      assert.deepEqual(seen, fromEvents.slice(0, 500));
      assert.deepEqual(slowSeen, seen);
      assert.equal(replica.count('Address_Set'), 500);
      // Ending both streams released their holds on reading.
      assert.equal(client.readingPaused, false);
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('closing the replica ends its streams; an aborted stream just finishes', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      const controller = new AbortController();
      const aborted = replica.changes({ signal: controller.signal });
      const ended = replica.changes();
      const next = aborted.next();
      controller.abort();
      assert.deepEqual(await next, { value: undefined, done: true });
      // A stream whose signal already fired is closed from the start.
      const born = replica.changes({ signal: AbortSignal.abort() });
      assert.equal(born.closed, true);
      assert.deepEqual(await born.next(), { value: undefined, done: true });
      const pending = ended.next();
      await replica.close();
      assert.deepEqual(await pending, { value: undefined, done: true });
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('a failed connection fails the stream after the queued changes', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const client = await connect(server.unix);
    try {
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      const stream = replica.changes();
      await client.transact(NB, [insertRow(AddressSetTable, { name: 'one' }).operation]);
      await server.stop();
      const first = await stream.next();
      assert.equal(first.done, false);
      await assert.rejects(stream.next(), { code: 'OVNDB_CHANGE_STREAM_CLOSED' });
      assert.deepEqual(await stream.next(), { value: undefined, done: true });
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

// 200,000 changes to a consumer that spins 1 ms on each: at least 200 s of lag, over tcp where
// ovsdb-server drops a session whose 5 s inactivity probe goes unanswered.
const SOAK_EVENTS = 200_000;
const SOAK_PER_TXN = 1000;
const SOAK_HIGH_WATER = 5000;

describe('change streams: slow consumer', { timeout: 600_000 }, () => {
  test(`${SOAK_EVENTS} changes, 1 ms each, over tcp with the 5 s probe: all in order, session alive, memory bounded`, async (t) => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true });
    const remote = server.tcp;
    assert.ok(remote);
    const client = await connect(remote);
    try {
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      let closedState = false;
      client.on('state', (s) => {
        if (s.status === 'closed') closedState = true;
      });
      // The reference order: the order in which the replica applied the changes.
      const applied: string[] = [];
      replica.on('change', (c) => applied.push(c.uuid));
      let biggestMessage = 0;
      replica.on('batch', (b) => {
        biggestMessage = Math.max(biggestMessage, b.rows);
      });
      const stream = replica.changes({ highWaterMark: SOAK_HIGH_WATER });
      const writing = writeRows(remote, SOAK_EVENTS / SOAK_PER_TXN, SOAK_PER_TXN, 'soak');
      const names = new Set<string>();
      let count = 0;
      let maxPending = 0;
      let pausedSeen = 0;
      for await (const c of stream as AsyncIterable<Change<Tables>>) {
        assert.equal(c.kind, 'insert');
        assert.equal(c.uuid, applied[count], `change ${count} out of order`);
        names.add((c as { new: { name: string } }).new.name);
        busyWait(1);
        maxPending = Math.max(maxPending, stream.pending);
        if (client.readingPaused) pausedSeen++;
        if (++count === SOAK_EVENTS) break;
      }
      await writing;
      assert.equal(count, SOAK_EVENTS);
      assert.equal(names.size, SOAK_EVENTS, 'every row arrived exactly once');
      assert.equal(closedState, false, 'the session survived');
      assert.equal(client.state.status, 'open');
      assert.ok(pausedSeen > 0, 'reading was paused while the consumer lagged');
      // Bounded: the high-water mark plus the one message being applied when it was crossed.
      // (While reading is held, ovsdb-server merges pending changes, so one message holds at
      // most one change per row of the monitored tables.)
      assert.ok(
        maxPending <= SOAK_HIGH_WATER + biggestMessage,
        `queue peaked at ${maxPending}, biggest message ${biggestMessage} rows`,
      );
      t.diagnostic(`queue peaked at ${maxPending} changes; biggest server message ${biggestMessage} rows`);
      assert.equal(replica.count('Address_Set'), SOAK_EVENTS);
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
