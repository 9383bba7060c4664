/**
 * OVN-IC's databases (3-member raft clusters, as ovn-ic-db runs them; Kube-OVN passes their
 * members as an `ic-db-host` list) under a write load through a Session while the leader is
 * killed and restarted a few times: every acknowledged write is there once, as OVN's own
 * `ovn-ic-nbctl` / `ovn-ic-sbctl` see it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { op, Session } from '../../src/index.js';
import { ovnSchemaPath, startRaftCluster } from '../../src/testing/index.js';

const run = promisify(execFile);
const KILLS = 3;

const cases = [
  { db: 'ic-nb' as const, tool: 'ovn-ic-nbctl', table: 'Transit_Switch' },
  { db: 'ic-sb' as const, tool: 'ovn-ic-sbctl', table: 'Availability_Zone' },
];

describe('OVN-IC failover under load', { timeout: 120_000 }, () => {
  for (const c of cases) {
    test(`${c.db}: ${KILLS} leader kills, nothing lost or doubled`, async () => {
      const cluster = await startRaftCluster({ schema: ovnSchemaPath(c.db), tcp: true });
      let session: Session | undefined;
      try {
        session = await Session.open(cluster.tcpRemotes, {
          database: cluster.database,
          reconnect: { initialDelayMs: 20 },
        });
        const live = session;
        const acknowledged: string[] = [];
        const failures: Error[] = [];
        let stop = false;
        const writer = async (w: number): Promise<void> => {
          for (let n = 0; !stop; n++) {
            const name = `${c.db}-${w}-${n}`;
            try {
              await live.transact([op.insert(c.table, { name })]);
              acknowledged.push(name);
            } catch (error) {
              failures.push(error as Error);
            }
          }
        };
        const writers = [0, 1, 2, 3].map(writer);
        for (let k = 0; k < KILLS; k++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          const leader = await cluster.leaderIndex();
          await cluster.kill(leader);
          await new Promise<void>((resolve) => live.once('ready', () => resolve()));
          await cluster.restart(leader, { waitForLeader: true });
        }
        stop = true;
        await Promise.all(writers);
        assert.deepEqual(failures, []);

        // OVN's own tool is the judge.
        const leader = await cluster.leader();
        const { stdout } = await run(c.tool, [
          `--db=${leader.unix}`,
          '--columns=name',
          '--bare',
          'list',
          c.table,
        ]);
        const names = stdout.split('\n').filter((line) => line.trim() !== '');
        const counts = new Map<string, number>();
        for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
        assert.equal(
          acknowledged.filter((name) => !counts.has(name)).length,
          0,
          'acknowledged writes missing',
        );
        assert.equal([...counts.values()].filter((n) => n > 1).length, 0, 'writes applied twice');
        assert.equal(names.length, acknowledged.length);
        console.log(`${c.db}: ${KILLS} kills, ${acknowledged.length} writes acknowledged, all present once`);
      } finally {
        await session?.close();
        await cluster.stop();
      }
    });
  }
});
