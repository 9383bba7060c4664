/**
 * A big update notification is applied over several turns, and nobody sees half of it: reads
 * answer from the rows as they were until the whole transaction is in, change events and the
 * `batch` event come at the end, and a transaction's reply read after its update waits for
 * the update to be applied (read-your-writes). Against a real ovsdb-server.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { connect, Replica } from '../../src/index.js';
import { isLazyReply } from '../../src/protocol/lazy-reply.js';
import type { MonitorNotice } from '../../src/protocol/monitor-notice.js';
import { DeliveryHold } from '../../src/rpc/delivery-hold.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';

/** Calls `probe` once per loop turn until the returned stop is called. */
function everyTurn(probe: () => void): () => void {
  let on = true;
  const tick = () => {
    if (!on) return;
    probe();
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    on = false;
  };
}

/** A switch with `n` ports whose rows are about 150 bytes each on the wire (ports are not root rows). */
function portInserts(prefix: string, n: number): unknown[] {
  const ops: unknown[] = [];
  const ports: unknown[] = [];
  for (let i = 0; i < n; i++) {
    ports.push(['named-uuid', `p${i}`]);
    ops.push({
      op: 'insert',
      table: 'Logical_Switch_Port',
      'uuid-name': `p${i}`,
      row: {
        name: `${prefix}-${i}`,
        addresses: `00:00:00:00:${((i >> 8) & 255).toString(16)}:${(i & 255).toString(16)} 10.1.${(i >> 8) & 255}.${i & 255}`,
        external_ids: [
          'map',
          [
            ['pod', `${prefix}-pod-with-a-long-name-${i}`],
            ['vendor', 'kube-ovn'],
          ],
        ],
      },
    });
  }
  ops.push({ op: 'insert', table: 'Logical_Switch', row: { name: prefix, ports: ['set', ports] } });
  return ops;
}

describe('big updates applied over several turns', { timeout: 90_000 }, () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-staged-'));
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false, dir });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a 10,000-row insert is seen whole or not at all, and its reply waits for it', {
    timeout: 30_000,
  }, async () => {
    const rows = 10_000;
    const client = await connect(server.unix);
    const replica = await Replica.start(client, nbModel, { tables: { Logical_Switch_Port: true } });
    const seen = new Set<number>();
    let noticeTurns = -1;
    let lazy: boolean | undefined;
    let plainRows = -1;
    let changesAtBatch = -1;
    let changes = 0;
    replica.on('change', () => changes++);
    replica.on('batch', () => {
      changesAtBatch = changes;
    });
    // Registered after the replica's own listener: the apply has started when this runs.
    client.on('monitorNotice', (notice: MonitorNotice) => {
      lazy = isLazyReply(notice.updates);
      assert.equal(replica.count('Logical_Switch_Port'), 0, 'nothing shows before the apply is done');
      noticeTurns = 0;
    });
    // Whoever listens to the public event gets the updates parsed whole.
    client.on('update3', (_id, _txn, updates) => {
      plainRows = Object.keys(updates.Logical_Switch_Port ?? {}).length;
    });
    const stop = everyTurn(() => {
      seen.add(replica.count('Logical_Switch_Port'));
      if (noticeTurns >= 0 && changesAtBatch < 0) noticeTurns++;
    });
    try {
      await client.transact(NB, portInserts('a', rows) as never);
      // Read-your-writes: the reply was held back until the update was applied.
      assert.equal(replica.count('Logical_Switch_Port'), rows);
      assert.equal(lazy, true, 'a notification of over 1 MiB arrives unparsed');
      assert.equal(plainRows, rows);
      assert.equal(changesAtBatch, rows, 'every change event comes before the batch event');
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [0, rows],
        'every turn saw none or all of the rows',
      );
      // 2,000 rows per slice at most: at least 5 slices, each in a turn of its own.
      assert.ok(noticeTurns >= rows / 2000, `${noticeTurns} turns between the notification and the batch`);
    } finally {
      stop();
      await replica.close();
      await client.close();
    }
  });

  test('a reply held back behind a big update settles with the reply, not with its own deadline', {
    timeout: 30_000,
  }, async () => {
    const writer = await connect(server.unix);
    const client = await connect(server.unix);
    const timeoutMs = 40;
    try {
      const replica = await Replica.start(client, nbModel, {
        tables: { Logical_Switch: true, Logical_Switch_Port: true },
      });
      let sent: { started: number; outcome: Promise<unknown> } | undefined;
      // When the big update was all applied (its batch: the first after the transaction was sent).
      let applied = 0;
      replica.on('batch', () => {
        if (sent !== undefined && applied === 0) applied = performance.now();
      });
      let noticed!: () => void;
      const notice = new Promise<void>((resolve) => {
        noticed = resolve;
      });
      // The apply has started: this transaction's reply comes back while the update is being
      // applied (reading paused), and must wait for it, past its deadline.
      client.on('monitorNotice', () => {
        noticed();
        sent ??= {
          started: performance.now(),
          outcome: client.transact(
            NB,
            [{ op: 'insert', table: 'Logical_Switch', row: { name: 'held-reply' } }] as never,
            { timeoutMs },
          ),
        };
      });
      await writer.transact(NB, portInserts('held', 20_000) as never);
      await notice;
      assert.ok(sent !== undefined);
      const results = (await sent.outcome) as { uuid?: unknown }[];
      assert.ok(results[0]?.uuid !== undefined, 'the insert committed and says so');
      assert.ok(
        applied - sent.started > timeoutMs,
        `the apply outlasted the deadline (${(applied - sent.started).toFixed(0)} ms): otherwise this proves nothing`,
      );
      assert.equal(replica.where('Logical_Switch', (row) => row.name === 'held-reply').length, 1);
      await replica.close();
    } finally {
      await writer.close();
      await client.close();
    }
  });

  test('updates and deletes of 1,000 indexed rows: reads, index look-ups and listings stay on the old version', {
    timeout: 30_000,
  }, async () => {
    const writer = await connect(server.unix);
    const client = await connect(server.unix);
    const sets = 1000;
    try {
      const inserts: unknown[] = [];
      for (let i = 0; i < sets; i++)
        inserts.push({ op: 'insert', table: 'Address_Set', row: { name: `as${i}`, addresses: '10.0.0.1' } });
      await writer.transact(NB, inserts as never);
      const replica = await Replica.start(client, nbModel, { tables: { Address_Set: true } });
      const states = new Set<string>();
      const probe = () => {
        // One word per look-up: which version answered.
        const found = new Set<string>();
        for (let i = 0; i < sets; i += 7) {
          const row = replica.findOne('Address_Set', 'name', `as${i}`);
          found.add(row === undefined ? 'gone' : (row.addresses[0] ?? 'empty'));
        }
        const listed = new Set(replica.list('Address_Set').map((r) => r.addresses[0] ?? 'empty'));
        states.add(
          `${replica.count('Address_Set')} rows; look-ups ${[...found].sort().join(',')}; listed ${[...listed].sort().join(',')}`,
        );
      };
      let staged = false;
      client.on('monitorNotice', () => {
        staged = true;
        probe();
      });
      const batch = new Promise((resolve) => replica.once('batch', resolve));
      const stop = everyTurn(probe);
      try {
        // One transaction: 300 deleted, the other 700 changed.
        await writer.transact(NB, [
          { op: 'delete', table: 'Address_Set', where: [['name', 'includes', 'as1']] },
          ...Array.from({ length: 300 }, (_, i) => ({
            op: 'delete',
            table: 'Address_Set',
            where: [['name', '==', `as${i}`]],
          })),
          { op: 'update', table: 'Address_Set', where: [], row: { addresses: '10.0.0.2' } },
        ] as never);
        await batch;
        probe();
      } finally {
        stop();
      }
      assert.ok(staged);
      assert.deepEqual([...states].sort(), [
        '1000 rows; look-ups 10.0.0.1; listed 10.0.0.1',
        '700 rows; look-ups 10.0.0.2,gone; listed 10.0.0.2',
      ]);
      await replica.close();
    } finally {
      await writer.close();
      await client.close();
    }
  });
});

describe('a resync applied over several turns', { timeout: 60_000 }, () => {
  test('reads during a resume see the rows as they were until the whole difference is in', {
    timeout: 30_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-staged-resync-'));
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false, dir });
    const writer = await connect(server.unix);
    let client = await connect(server.unix);
    try {
      const inserts: unknown[] = [];
      for (let i = 0; i < 1000; i++)
        inserts.push({ op: 'insert', table: 'Address_Set', row: { name: `rs${i}`, addresses: '10.0.0.1' } });
      await writer.transact(NB, inserts as never);
      // Small slices: the resync of 1,000 rows takes many turns.
      const replica = await Replica.start(client, nbModel, {
        tables: { Address_Set: true },
        initialSliceRows: 50,
      });
      replica.enableResume();
      const suspended = new Promise((resolve) => replica.once('suspended', resolve));
      await client.close();
      await suspended;
      // While away: 200 deleted, 300 changed, 100 added.
      await writer.transact(NB, [
        ...Array.from({ length: 200 }, (_, i) => ({
          op: 'delete',
          table: 'Address_Set',
          where: [['name', '==', `rs${i}`]],
        })),
        ...Array.from({ length: 300 }, (_, i) => ({
          op: 'update',
          table: 'Address_Set',
          where: [['name', '==', `rs${500 + i}`]],
          row: { addresses: '10.0.0.2' },
        })),
        ...Array.from({ length: 100 }, (_, i) => ({
          op: 'insert',
          table: 'Address_Set',
          row: { name: `new${i}`, addresses: '10.0.0.3' },
        })),
      ] as never);
      const states = new Set<string>();
      const probe = () => {
        const rows = replica.list('Address_Set');
        const two = rows.filter((r) => r.addresses[0] === '10.0.0.2').length;
        const three = replica.findOne('Address_Set', 'name', 'new5') === undefined ? 0 : 1;
        const gone = replica.findOne('Address_Set', 'name', 'rs5') === undefined ? 1 : 0;
        states.add(`${rows.length} rows, ${two} changed, new5 ${three}, rs5 gone ${gone}`);
      };
      let changesAtResumed = -1;
      let changes = 0;
      replica.on('change', () => changes++);
      replica.on('resumed', () => {
        changesAtResumed = changes;
      });
      client = await connect(server.unix);
      const stop = everyTurn(probe);
      let info: { rows: number; found: boolean };
      try {
        info = await replica.resume(client);
        probe();
      } finally {
        stop();
      }
      assert.equal(info.found, false);
      assert.equal(info.rows, 600);
      assert.equal(changesAtResumed, 600, 'the changes are reported before the resume resolves');
      assert.deepEqual([...states].sort(), [
        '1000 rows, 0 changed, new5 0, rs5 gone 0',
        '900 rows, 300 changed, new5 1, rs5 gone 1',
      ]);
      await replica.close();
    } finally {
      await client.close();
      await writer.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DeliveryHold', { timeout: 5_000 }, () => {
  test('holds messages in order, delivers them on a later turn, stops at a new hold', async () => {
    const delivered: unknown[] = [];
    let holdAgainAt: unknown;
    let second: (() => void) | undefined;
    const hold = new DeliveryHold((m) => {
      delivered.push(m);
      if (m === holdAgainAt) second = hold.acquire();
    });
    assert.equal(hold.offer(1), false, 'nothing held: delivered at once');
    const release = hold.acquire();
    for (const m of [2, 3, 4, 5]) assert.equal(hold.offer(m), true);
    holdAgainAt = 3;
    release();
    release();
    assert.deepEqual(delivered, [], 'not in the releasing turn');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(delivered, [2, 3], 'stopped at the message that took a new hold');
    assert.equal(hold.offer(6), true, 'later messages queue behind the waiting ones');
    second?.();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(delivered, [2, 3, 4, 5, 6]);
    assert.equal(hold.offer(7), false);
    const r = hold.acquire();
    hold.offer(8);
    assert.deepEqual(hold.takeAll(), [8]);
    r();
  });
});
