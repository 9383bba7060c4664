/**
 * `ovndb monitor`: the initial rows, then live changes, filtered by --where, in each format;
 * and on a 3-member raft cluster it goes on printing after the member it monitors is killed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect, op } from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer, startRaftCluster } from '../../src/testing/index.js';
import { startOvndb } from '../helpers/run-cli.js';

type ChangeLine = {
  kind: string;
  initial?: boolean;
  new?: { name: string };
  old?: { name: string };
  columns?: string[];
};

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ChangeLine);

describe('ovndb monitor', { timeout: 120_000 }, () => {
  test('prints the initial rows and every matching change as ndjson, then exits after --max-changes', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    const client = await connect(server.unix);
    try {
      await client.transact('OVN_Northbound', [
        op.insert('Logical_Switch', { name: 'ls-a', other_config: ['map', [['team', 'a']]] }),
        op.insert('Logical_Switch', { name: 'ls-b' }),
      ]);
      const monitor = startOvndb([
        'monitor',
        server.unix,
        'OVN_Northbound',
        'Logical_Switch',
        'name',
        '--where',
        'other_config includes {"team":"a"}',
        '--max-changes',
        '3',
      ]);
      try {
        await monitor.waitFor(/"ls-a"/);
        await client.transact('OVN_Northbound', [
          op.insert('Logical_Switch', { name: 'ls-c', other_config: ['map', [['team', 'a']]] }),
          op.insert('Logical_Switch', { name: 'ls-d' }),
        ]);
        await client.transact('OVN_Northbound', [
          op.update('Logical_Switch', [['name', '==', 'ls-c']], { name: 'ls-c2' }),
        ]);
        await client.transact('OVN_Northbound', [op.delete('Logical_Switch', [['name', '==', 'ls-a']])]);
        assert.equal(await monitor.exited(), 0, monitor.stderr());
      } finally {
        monitor.child.kill('SIGKILL');
      }
      const printed = lines(monitor.stdout());
      assert.deepEqual(
        printed.map((c) => [c.kind, c.initial ?? null, (c.new ?? c.old)!.name]),
        [
          ['insert', true, 'ls-a'],
          ['insert', false, 'ls-c'],
          ['update', null, 'ls-c2'],
          ['delete', null, 'ls-a'],
        ],
      );
      assert.deepEqual(printed[2]!.columns, ['name']);
      assert.equal(printed[2]!.old!.name, 'ls-c');
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('the table format prints one table per change, old and new lines for updates', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    const client = await connect(server.unix);
    try {
      await client.transact('OVN_Northbound', [
        op.insert('Address_Set', { name: 'as1', addresses: ['set', ['10.0.0.1']] }),
      ]);
      const monitor = startOvndb([
        'monitor',
        server.unix,
        'OVN_Northbound',
        'Address_Set',
        '-f',
        'table',
        '--max-changes',
        '1',
      ]);
      try {
        await monitor.waitFor(/initial/);
        await client.transact('OVN_Northbound', [
          op.mutate('Address_Set', [['name', '==', 'as1']], [['addresses', 'insert', '10.0.0.2']]),
        ]);
        assert.equal(await monitor.exited(), 0, monitor.stderr());
      } finally {
        monitor.child.kill('SIGKILL');
      }
      const out = monitor.stdout();
      // Columns in schema order; an update's old line shows only the columns that changed.
      assert.match(out, /^row\s+action\s+name\s+addresses\s+external_ids$/m);
      assert.match(out, /\sinitial\s+as1\s+\[10\.0\.0\.1\]\s+\{\}$/m);
      assert.match(out, /\sold\s+\[10\.0\.0\.1\]$/m);
      assert.match(out, /\snew\s+as1\s+\[10\.0\.0\.1, 10\.0\.0\.2\]\s+\{\}$/m);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('on a raft cluster it survives the kill -9 of the member it monitors', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), electionTimerMs: 500 });
    try {
      const monitor = startOvndb([
        'monitor',
        cluster.tcpRemotes,
        'OVN_Northbound',
        'Logical_Router',
        'name',
        '--max-changes',
        '2',
      ]);
      try {
        const deadline = Date.now() + 15_000;
        while (
          !/monitoring OVN_Northbound Logical_Router on (\S+)/.test(monitor.stderr()) &&
          Date.now() < deadline
        ) {
          await new Promise((r) => setTimeout(r, 25));
        }
        const remote = /monitoring OVN_Northbound Logical_Router on (\S+)/.exec(monitor.stderr())?.[1];
        assert.ok(remote, monitor.stderr());
        const before = await connect(cluster.tcpRemotes);
        await before.transact('OVN_Northbound', [op.insert('Logical_Router', { name: 'before-kill' })]);
        await before.close();
        await monitor.waitFor(/before-kill/);
        const index = cluster.members.findIndex((m) => m.tcp === remote);
        assert.ok(index >= 0, `${remote} is not one of ${cluster.tcpRemotes}`);
        await cluster.kill(index, 'SIGKILL');
        // Written through the members still up (the session finds the leader).
        const writer = await connect(cluster.tcpRemotes);
        try {
          await writer.transact('OVN_Northbound', [op.insert('Logical_Router', { name: 'after-kill' })]);
        } finally {
          await writer.close();
        }
        assert.equal(await monitor.exited(30_000), 0, monitor.stderr());
        assert.match(monitor.stderr(), /lost .*; reconnecting/);
        assert.match(monitor.stderr(), /monitoring again on/);
        const names = lines(monitor.stdout()).map((c) => c.new?.name);
        assert.deepEqual(names, ['before-kill', 'after-kill']);
      } finally {
        monitor.child.kill('SIGKILL');
      }
    } finally {
      await cluster.stop();
    }
  });
});
