/**
 * Reading backpressure against a real ovsdb-server over tcp, whose passive remote probes an
 * idle session after 5 s and drops it 5 s later. Each test runs its own server; they run
 * side by side so the file takes about as long as its longest test.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import {
  connect,
  type Operation,
  type OvsdbClient,
  type TableUpdates2,
  type WireMap,
} from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const DROPPED = /no response to inactivity probe/;
/** Longer than the 10 s after which the server drops a session that shows no activity. */
const LONG_PAUSE_MS = 13_000;

/** Polls `check` until it returns true; fails naming `what` after `timeoutMs`. */
async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverDroppedSomeone(server: RunningServer): Promise<boolean> {
  return DROPPED.test(await readFile(server.logPath, 'utf8'));
}

/** A started server and clients, all stopped by `finish` whatever happened. */
async function withServer(
  body: (server: RunningServer, opened: OvsdbClient[]) => Promise<void>,
): Promise<void> {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true });
  const opened: OvsdbClient[] = [];
  try {
    await body(server, opened);
  } finally {
    await Promise.all(opened.map((client) => client.close()));
    await server.stop();
  }
}

function switchRow(index: number, externalIds: [string, string][]): Operation {
  const map: WireMap = ['map', externalIds];
  return {
    op: 'insert',
    table: 'Logical_Switch',
    row: { name: `ls-${String(index).padStart(5, '0')}`, external_ids: map },
  };
}

describe('pauseReading against a real ovsdb-server over tcp', { concurrency: 3, timeout: 45_000 }, () => {
  test('a long pause under a heavy update stream keeps the session; every update arrives in order', {
    timeout: 40_000,
  }, async () => {
    await withServer(async (server, opened) => {
      let bytesIn = 0;
      const watcher = await connect(server.tcp!, {
        trace: (direction, frame) => {
          if (direction === 'in') bytesIn += frame.length;
        },
      });
      opened.push(watcher);
      const writer = await connect(server.unix);
      opened.push(writer);
      const states: string[] = [];
      watcher.on('state', (state) => states.push(state.status));

      // Index of every replicated row, and the inserted indexes of each update, in arrival order.
      const replica = new Map<string, number>();
      const batches: number[][] = [];
      watcher.on('update2', (monitorId, updates: TableUpdates2) => {
        if (monitorId !== 'switches') return;
        const batch: number[] = [];
        for (const [uuid, change] of Object.entries(updates.Logical_Switch ?? {})) {
          assert.ok('insert' in change, `only inserts happen, got ${JSON.stringify(change)}`);
          const index = Number(String(change.insert.name).slice(3));
          replica.set(uuid, index);
          batch.push(index);
        }
        batches.push(batch.sort((a, b) => a - b));
      });
      await watcher.monitorCond(NB, 'switches', { Logical_Switch: {} });

      // 3000 rows of ~2.3 kB: several MB, far more than the socket buffers hold, so the
      // server keeps a backlog toward the paused watcher.
      const count = 3000;
      const externalIds: [string, string][] = [];
      for (let k = 0; k < 20; k++) externalIds.push([`key-${k}`, 'x'.repeat(100)]);
      const release = watcher.pauseReading();
      const pausedAt = Date.now();
      assert.equal(watcher.readingPaused, true);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) writes.push(writer.transact(NB, [switchRow(i, externalIds)]));
      await Promise.all(writes);
      await delay(pausedAt + 14_000 - Date.now());
      const seenWhilePaused = replica.size;
      const bytesWhilePaused = bytesIn;
      release();
      assert.equal(watcher.readingPaused, false);

      await waitFor(`${count} replicated rows (have ${replica.size})`, () => replica.size === count, 15_000);
      // The trickle read some, the pause held back most, and what was read is bounded by
      // one 64 KiB chunk per one-second tick plus stream buffers.
      assert.ok(seenWhilePaused > 0, 'the trickle delivered updates while paused');
      assert.ok(seenWhilePaused < count / 2, `the pause held updates back (${seenWhilePaused} arrived)`);
      assert.ok(bytesWhilePaused <= (14 + 4) * 64 * 1024, `read ${bytesWhilePaused} bytes while paused`);

      assert.deepEqual(states, [], 'no state change: the session never closed');
      assert.equal(watcher.state.status, 'open');
      assert.deepEqual(await watcher.echo(['still-there'], { timeoutMs: 5000 }), ['still-there']);
      // In order: each update's rows come after every row of the updates before it, none twice.
      assert.deepEqual(
        batches.flat(),
        Array.from({ length: count }, (_, i) => i),
      );
      const [selected] = await writer.transact(NB, [
        { op: 'select', table: 'Logical_Switch', where: [], columns: ['_uuid'] },
      ]);
      const serverUuids = (selected as { rows: { _uuid: [string, string] }[] }).rows.map((r) => r._uuid[1]);
      assert.equal(replica.size, serverUuids.length);
      assert.deepEqual([...replica.keys()].sort(), serverUuids.sort());
      assert.equal(await serverDroppedSomeone(server), false);
    });
  });

  test('a long pause on a quiet session keeps it: keep-alive echoes answer the probe', {
    timeout: 30_000,
  }, async () => {
    await withServer(async (server, opened) => {
      const watcher = await connect(server.tcp!);
      opened.push(watcher);
      const writer = await connect(server.unix);
      opened.push(writer);
      const states: string[] = [];
      watcher.on('state', (state) => states.push(state.status));
      const names: string[] = [];
      watcher.on('update2', (_id, updates: TableUpdates2) => {
        for (const change of Object.values(updates.Logical_Switch ?? {})) {
          if ('insert' in change) names.push(String(change.insert.name));
        }
      });
      await watcher.monitorCond(NB, 'switches', { Logical_Switch: { columns: ['name'] } });
      const release = watcher.pauseReading();
      const pausedAt = Date.now();
      await writer.transact(NB, [switchRow(1, [])]);
      await delay(pausedAt + LONG_PAUSE_MS - Date.now());
      assert.equal(await serverDroppedSomeone(server), false);
      release();
      await waitFor('the update made while paused', () => names.length === 1, 5000);
      assert.deepEqual(names, ['ls-00001']);
      assert.deepEqual(await watcher.echo(['alive'], { timeoutMs: 5000 }), ['alive']);
      assert.deepEqual(states, []);
      assert.equal(await serverDroppedSomeone(server), false);
    });
  });

  test('control: with trickle and echo disabled the server drops a paused quiet session', {
    timeout: 30_000,
  }, async () => {
    await withServer(async (server, opened) => {
      const watcher = await connect(server.tcp!, { pausedTrickleIntervalMs: 0, pausedEchoIntervalMs: 0 });
      opened.push(watcher);
      await watcher.monitorCond(NB, 'switches', { Logical_Switch: { columns: ['name'] } });
      const release = watcher.pauseReading();
      // The server logs the drop about 10 s after the last activity.
      await waitFor('the server to drop the paused session', () => serverDroppedSomeone(server), 20_000);
      // A paused socket does not notice; once reading resumes, the close comes through.
      release();
      await waitFor('the client to see the close', () => watcher.state.status === 'closed', 5000);
    });
  });
});
