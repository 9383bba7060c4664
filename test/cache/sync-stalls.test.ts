/**
 * A big initial sync, resync and apply never hold the event loop for long: the apply yields
 * by rows, bytes and time (src/cache/slice-budget.ts), and a connection scans a bounded
 * number of bytes per turn (src/rpc/turn-read-cap.ts). Asserted by structure (slice sizes,
 * turns given), not by timing the machine.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { applyUpdates2Sliced, listRows } from '../../src/cache/apply-updates.js';
import { SLICE_MS } from '../../src/cache/slice-budget.js';
import { TableStore } from '../../src/cache/table-store.js';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { schemaJson } from '../../src/generated/nb/schema.js';
import { connect, type OvsdbClient, Replica } from '../../src/index.js';
import { parseTableSchema } from '../../src/protocol/schema.js';
import type { TableUpdates2 } from '../../src/protocol/updates.js';
import { TURN_READ_BYTES, TurnReadCap } from '../../src/rpc/turn-read-cap.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const SWITCHES = 1100;
const PORTS = 26;
/** 1,100 switches and 28,600 ports: 29,700 rows, a reply of about 8 MB. */
const ROWS = SWITCHES * (PORTS + 1);
const DEFAULT_SLICE_ROWS = 2000;

/** Counts loop turns: an immediate that schedules the next runs once per iteration. */
function countTurns(): () => number {
  let turns = 0;
  let on = true;
  const tick = () => {
    turns++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    on = false;
    return turns;
  };
}

async function load(client: OvsdbClient): Promise<void> {
  for (let s0 = 0; s0 < SWITCHES; s0 += 275) {
    const ops: unknown[] = [];
    for (let s = s0; s < s0 + 275; s++) {
      const ports: unknown[] = [];
      for (let p = 0; p < PORTS; p++) {
        ops.push({
          op: 'insert',
          table: 'Logical_Switch_Port',
          'uuid-name': `p${s}_${p}`,
          row: {
            name: `pod-${s}-${p}`,
            addresses: `00:00:00:00:${(s & 255).toString(16)}:${p.toString(16)} 10.${s >> 8}.${s & 255}.${p}`,
            external_ids: ['map', [['pod', `pod-${s}-${p}`]]],
          },
        });
        ports.push(['named-uuid', `p${s}_${p}`]);
      }
      ops.push({ op: 'insert', table: 'Logical_Switch', row: { name: `ls${s}`, ports: ['set', ports] } });
    }
    await client.transact(NB, ops as never);
  }
}

describe('no long event-loop turns while a big replica syncs', { timeout: 60_000 }, () => {
  let dir: string;
  let server: RunningServer;
  let loader: OvsdbClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-sync-stalls-'));
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false, dir });
    loader = await connect(server.unix, { validate: false });
    await load(loader);
  });

  after(async () => {
    await loader?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the initial sync and a resync apply every row in bounded slices', { timeout: 30_000 }, async () => {
    const client = await connect(server.unix);
    const progress: number[] = [];
    const turns = countTurns();
    const replica = await Replica.start(client, nbModel, {
      tables: { Logical_Switch: true, Logical_Switch_Port: true },
      onProgress: (p) => progress.push(p.rows),
    });
    const syncTurns = turns();
    try {
      // Complete and consistent: every row, every switch's ports present.
      assert.equal(replica.count('Logical_Switch'), SWITCHES);
      assert.equal(replica.count('Logical_Switch_Port'), SWITCHES * PORTS);
      for (const ls of replica.rows('Logical_Switch')) {
        assert.equal(ls.ports.length, PORTS);
        for (const port of ls.ports)
          assert.ok(replica.get('Logical_Switch_Port', port), `${ls.name}: ${port}`);
      }
      // No slice applied more than the slice's rows; the loop ran between slices.
      assert.equal(progress.at(-1), ROWS);
      assert.ok(progress.length > ROWS / DEFAULT_SLICE_ROWS, `${progress.length} slices`);
      for (let i = 1; i < progress.length - 1; i++) {
        const step = (progress[i] as number) - (progress[i - 1] as number);
        assert.ok(step > 0 && step <= DEFAULT_SLICE_ROWS, `slice ${i}: ${step} rows`);
      }
      assert.ok(syncTurns >= progress.length, `${syncTurns} turns for ${progress.length} slices`);

      // A resync after a connection loss compares every row, a slice at a time.
      replica.enableResume();
      const suspended = new Promise((resolve) => replica.once('suspended', resolve));
      await client.close();
      await suspended;
      const again = await connect(server.unix);
      try {
        const resyncTurns = countTurns();
        const info = await replica.resume(again);
        const n = resyncTurns();
        assert.equal(info.found, false);
        assert.equal(info.rows, 0, 'nothing changed');
        assert.equal(replica.count('Logical_Switch_Port'), SWITCHES * PORTS);
        // Rows compared, then rows kept checked: each pass yields every DEFAULT_SLICE_ROWS.
        assert.ok(n >= (2 * ROWS) / DEFAULT_SLICE_ROWS, `${n} turns during the resync`);
      } finally {
        await again.close();
      }
    } finally {
      await replica.close();
      await client.close();
    }
  });

  test('a slice ends after SLICE_MS whatever its rows cost', { timeout: 10_000 }, async () => {
    const store = new TableStore(
      parseTableSchema(
        'Logical_Switch',
        (schemaJson as { tables: Record<string, unknown> }).tables.Logical_Switch,
      ),
    );
    const rows: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      rows[`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] = { initial: { name: `ls${i}` } };
    }
    const updates = { Logical_Switch: rows } as TableUpdates2;
    const stores = new Map([['Logical_Switch', store]]);
    const perSlice: number[] = [];
    let inSlice = 0;
    // Each row costs 1 ms (a slow change listener): slices must end by time, not by rows.
    const sink = () => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      inSlice++;
    };
    const n = await applyUpdates2Sliced(stores, listRows(stores, updates), sink, 10_000, async () => {
      perSlice.push(inSlice);
      inSlice = 0;
      await new Promise((resolve) => setImmediate(resolve));
    });
    perSlice.push(inSlice);
    assert.equal(n, 200);
    assert.equal(store.size, 200);
    // A slice checks the clock before each row: at most SLICE_MS rows of 1 ms, plus the one
    // that crossed the limit.
    const most = Math.max(...perSlice);
    assert.ok(most <= SLICE_MS + 1, `a slice applied ${most} rows of 1 ms (budget ${SLICE_MS} ms)`);
    assert.ok(perSlice.length >= 200 / (SLICE_MS + 1), `${perSlice.length} slices`);
  });

  test('a connection scans at most TURN_READ_BYTES (plus one chunk) per turn', {
    timeout: 5_000,
  }, async () => {
    const calls: string[] = [];
    let held = false;
    const cap = new TurnReadCap(
      () => calls.push('pause'),
      () => calls.push('resume'),
      () => !held,
    );
    const chunk = 64 * 1024;
    for (let i = 0; i < TURN_READ_BYTES / chunk; i++) cap.received(chunk);
    assert.deepEqual(calls, ['pause']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['pause', 'resume'], 'reading resumes on the next turn');
    // Flow control holding reading: the cap does not undo it.
    for (let i = 0; i < TURN_READ_BYTES / chunk; i++) cap.received(chunk);
    held = true;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['pause', 'resume', 'pause']);
    // A small turn never pauses.
    cap.received(chunk);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['pause', 'resume', 'pause']);
  });
});
