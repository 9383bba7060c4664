/**
 * OVN-IC's two databases as 3-member raft clusters, as ovn-ic-db runs them: one leader per
 * cluster, writes through it seen by `ovn-ic-nbctl` / `ovn-ic-sbctl`, and a new leader (and
 * new writes) after the leader is killed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { watchServerDatabase } from '../../src/cluster/server-database-watch.js';
import { connect, type OvsdbClient } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startRaftCluster } from '../../src/testing/index.js';

const run = promisify(execFile);
const CHANGE_MS = 10_000;

const cases = [
  {
    db: 'ic-nb' as const,
    tool: 'ovn-ic-nbctl',
    row: (name: string) => ({ op: 'insert' as const, table: 'Transit_Switch', row: { name } }),
    list: ['ts-list'],
  },
  {
    db: 'ic-sb' as const,
    tool: 'ovn-ic-sbctl',
    row: (name: string) => ({ op: 'insert' as const, table: 'Availability_Zone', row: { name } }),
    list: ['list', 'Availability_Zone'],
  },
];

describe('OVN-IC databases as raft clusters', { timeout: 90_000 }, () => {
  for (const c of cases) {
    test(`${c.db}: one leader, writes through it, a new leader after it is killed`, async () => {
      const cluster = await startRaftCluster({ schema: ovnSchemaPath(c.db), members: 3 });
      const clients: OvsdbClient[] = [];
      const open = async (member: RunningServer) => {
        const client = await connect(member.unix);
        clients.push(client);
        return client;
      };
      try {
        const database = cluster.database;
        const leader = await cluster.leader();
        const statuses = await Promise.all(
          cluster.members.map(async (m) => {
            const watch = await watchServerDatabase(await open(m), database);
            const status = watch.current().status;
            await watch.close();
            return { pid: m.pid, writable: status.writable, readable: status.readable };
          }),
        );
        assert.deepEqual(
          statuses.filter((s) => s.writable).map((s) => s.pid),
          [leader.pid],
        );
        assert.ok(statuses.every((s) => s.readable));
        const writer = await open(leader);
        await writer.transact(database, [c.row('first')]);
        const listed = await run(c.tool, [`--db=${cluster.remotes}`, ...c.list]);
        assert.match(listed.stdout, /first/);

        // The leader dies; a survivor becomes leader and takes writes.
        leader.kill('SIGKILL');
        const survivors = cluster.members.filter((m) => m.pid !== leader.pid);
        const watches = await Promise.all(
          survivors.map(async (m) => watchServerDatabase(await open(m), database)),
        );
        const elected = await Promise.any(
          watches.map((w, i) =>
            w.until((s) => s.status.writable, CHANGE_MS).then(() => survivors[i] as RunningServer),
          ),
        );
        await Promise.all(watches.map((w) => w.close()));
        const next = await open(elected);
        await next.transact(database, [c.row('second')]);
        const remotes = survivors.map((m) => m.unix).join(',');
        const after = await run(c.tool, [`--db=${remotes}`, ...c.list]);
        assert.match(after.stdout, /first/);
        assert.match(after.stdout, /second/);
      } finally {
        await Promise.allSettled(clients.map((client) => client.close()));
        await cluster.stop();
      }
    });
  }
});
