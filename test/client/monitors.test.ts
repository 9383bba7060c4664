import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect, type OvsdbClient, type TableUpdates2, ZERO_TXN_ID } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nextEvent } from '../helpers/next-event.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

function rowsNamed(updates: TableUpdates2 | undefined, table: string): string[] {
  const names: string[] = [];
  for (const change of Object.values(updates?.[table] ?? {})) {
    const row = 'initial' in change ? change.initial : 'insert' in change ? change.insert : undefined;
    if (row && typeof row.name === 'string') names.push(row.name);
  }
  return names.sort();
}

describe('monitors against a real ovsdb-server, changed by ovn-nbctl', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let client: OvsdbClient;
  const nbctl = (...args: string[]) => run('ovn-nbctl', [`--db=${server.unix}`, ...args]);

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    client = await connect(server.unix);
    await nbctl('ls-add', 'ls-initial');
  });
  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test('monitor: initial rows, then update with new image', async () => {
    const initial = await client.monitor(NB, 'm1', { Logical_Switch: { columns: ['name'] } });
    const names = Object.values(initial.Logical_Switch ?? {}).map((u) => u.new?.name);
    assert.deepEqual(names, ['ls-initial']);
    const seen = nextEvent<[unknown, Record<string, Record<string, { new?: { name?: unknown } }>>]>(
      client,
      'update',
      (id) => id === 'm1',
    );
    await nbctl('ls-add', 'ls-m1');
    const [, updates] = await seen;
    assert.deepEqual(
      Object.values(updates.Logical_Switch ?? {}).map((u) => u.new?.name),
      ['ls-m1'],
    );
    await client.monitorCancel('m1');
  });

  test('monitor_cond with a condition, then monitor_cond_change', async () => {
    const initial = await client.monitorCond(NB, 'm2', {
      Logical_Switch: { columns: ['name'], where: [['name', '==', 'ls-initial']] },
    });
    assert.deepEqual(rowsNamed(initial, 'Logical_Switch'), ['ls-initial']);
    // Widening the condition brings the other rows in as inserts.
    const entering = nextEvent<[unknown, TableUpdates2]>(client, 'update2', (id) => id === 'm2');
    await client.monitorCondChange('m2', 'm2', { Logical_Switch: [{ where: [true] }] });
    const [, updates] = await entering;
    assert.ok(rowsNamed(updates, 'Logical_Switch').includes('ls-m1'));
    const deleted = nextEvent<[unknown, TableUpdates2]>(client, 'update2', (id) => id === 'm2');
    await nbctl('ls-del', 'ls-m1');
    const [, gone] = await deleted;
    assert.ok(Object.values(gone.Logical_Switch ?? {}).some((c) => 'delete' in c));
    await client.monitorCancel('m2');
  });

  test('monitor_cond_since: initial dump, update3, then resume from last txn id', async () => {
    const first = await client.monitorCondSince(
      NB,
      'm3',
      { Logical_Switch: { columns: ['name'] } },
      ZERO_TXN_ID,
    );
    assert.equal(first.found, false);
    assert.deepEqual(rowsNamed(first.updates, 'Logical_Switch'), ['ls-initial']);
    const changed = nextEvent<[unknown, string, TableUpdates2]>(client, 'update3', (id) => id === 'm3');
    await nbctl('ls-add', 'ls-m3');
    const [, lastTxnId, updates] = await changed;
    assert.deepEqual(rowsNamed(updates, 'Logical_Switch'), ['ls-m3']);
    await client.monitorCancel('m3');

    // A standalone server keeps no transaction history: resuming gives the whole contents again
    // (found: false). Clustered databases resume with a diff: see monitor-resume.test.ts.
    await nbctl('ls-add', 'ls-while-away');
    const resumed = await client.monitorCondSince(
      NB,
      'm4',
      { Logical_Switch: { columns: ['name'] } },
      lastTxnId,
    );
    assert.equal(resumed.found, false);
    assert.deepEqual(rowsNamed(resumed.updates, 'Logical_Switch'), ['ls-initial', 'ls-m3', 'ls-while-away']);
    await client.monitorCancel('m4');
  });

  test('monitor_cancel of an unknown monitor is a typed server error', async () => {
    await assert.rejects(client.monitorCancel('never-started'), (e: unknown) => {
      return (e as { code?: string }).code?.startsWith('OVSDB_') === true;
    });
  });
});
