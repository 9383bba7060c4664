/**
 * Reading backpressure over a websocket (websockify in front of a real ovsdb-server): the
 * transport holds frames the ws library parsed after pause, hands them over one per trickle
 * read, and loses none of them on resume.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, type OvsdbClient, type TableUpdates2 } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('pauseReading over ws', { timeout: 30_000 }, () => {
  test('holds updates back while paused, then delivers all of them in order', async () => {
    let server: RunningServer | undefined;
    const opened: OvsdbClient[] = [];
    try {
      server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], ws: true });
      const watcher = await connect(server.ws!, { pausedTrickleIntervalMs: 1000 });
      opened.push(watcher);
      const writer = await connect(server.unix);
      opened.push(writer);
      const arrived: number[] = [];
      watcher.on('update2', (_id, updates: TableUpdates2) => {
        const batch: number[] = [];
        for (const change of Object.values(updates.Logical_Switch ?? {})) {
          if ('insert' in change) batch.push(Number(String(change.insert.name).slice(3)));
        }
        arrived.push(...batch.sort((a, b) => a - b));
      });
      await watcher.monitorCond(NB, 'switches', { Logical_Switch: {} });

      const count = 400;
      const externalIds: [string, string][] = [];
      for (let k = 0; k < 20; k++) externalIds.push([`key-${k}`, 'x'.repeat(100)]);
      const release = watcher.pauseReading();
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        writes.push(
          writer.transact(NB, [
            {
              op: 'insert',
              table: 'Logical_Switch',
              row: { name: `ls-${String(i).padStart(5, '0')}`, external_ids: ['map', externalIds] },
            },
          ]),
        );
      }
      await Promise.all(writes);
      // ~1 MB is waiting; at one chunk per second, most of it must still be held back.
      await waitFor('a trickle read', () => arrived.length > 0, 5000);
      assert.ok(arrived.length < count / 2, `the pause held updates back (${arrived.length} arrived)`);
      release();
      await waitFor(`${count} updates`, () => arrived.length >= count, 10_000);
      assert.deepEqual(
        arrived,
        Array.from({ length: count }, (_, i) => i),
      );
      assert.equal(watcher.state.status, 'open');
      assert.deepEqual(await watcher.echo(['ws'], { timeoutMs: 5000 }), ['ws']);
    } finally {
      await Promise.all(opened.map((client) => client.close()));
      await server?.stop();
    }
  });
});
