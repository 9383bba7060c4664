/**
 * Optimistic transactions on a session through raft leader kills: 8 read-modify-write loops
 * (`runTransaction(session, ...)`, each incrementing a counter) while the leader is killed with
 * SIGKILL again and again. A commit that inserts nothing and whose reply is lost cannot be told
 * apart from another writer's change (a row's `_version` is each member's own), so it fails with
 * WriteOutcomeUnknownError and is never run again. Judged by `ovsdb-client query` on the
 * leader: for every counter, acknowledged <= final <= acknowledged + unknown, and unknown is at
 * most one per kill per writer. A declarative (idempotent) body under the same kills ends with
 * nothing unknown: a lost reply there means "plan again", which is always right.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { whereColumn } from '../../src/model/index.js';
import { Session } from '../../src/session/session.js';
import { WriteOutcomeUnknownError } from '../../src/session/session-errors.js';
import type { RecoveredWrite } from '../../src/session/session-types.js';
import { startRaftCluster } from '../../src/testing/index.js';
import { ovnSchemaPath } from '../../src/testing/schema-path.js';
import { runTransaction } from '../../src/txn/index.js';

const NB = 'OVN_Northbound';
const KILLS = Number(process.env.OVNDB_OPTIMISTIC_KILLS ?? 10);
const OWN = 4; // writers 0-3 each increment a counter of their own
const SHARED = 4; // writers 4-7 increment one counter together (conflicts)
const DECLARATIVE = 2;

interface Tally {
  acknowledged: number;
  unknown: number;
  failures: Error[];
}

describe('runTransaction(session) through raft leader kills', { timeout: 60_000 + KILLS * 20_000 }, () => {
  test(`${KILLS} kills: counters exact within the unknowns; declarative bodies never unknown`, async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: true });
    let session: Session | undefined;
    try {
      session = await Session.open(cluster.tcpRemotes, { database: NB, reconnect: { initialDelayMs: 20 } });
      const live = session;
      const counters = [...Array.from({ length: OWN }, (_, w) => `own-${w}`), 'shared'];
      const declared = Array.from({ length: DECLARATIVE }, (_, w) => `declared-${w}`);
      await live.transact(
        [...counters, ...declared].map((name) => ({
          op: 'insert' as const,
          table: 'Logical_Switch',
          row: { name, external_ids: ['map', [['counter', '0']]] },
        })),
      );
      const recovered: RecoveredWrite[] = [];
      live.on('recovered', (write) => recovered.push(write));

      let stop = false;
      const tallies = new Map<string, Tally>();
      const tallyOf = (name: string): Tally => {
        let tally = tallies.get(name);
        if (tally === undefined) {
          tally = { acknowledged: 0, unknown: 0, failures: [] };
          tallies.set(name, tally);
        }
        return tally;
      };
      const perWriterUnknown: number[] = [];

      const incrementLoop = async (w: number, counter: string): Promise<void> => {
        const tally = tallyOf(counter);
        perWriterUnknown[w] = 0;
        while (!stop) {
          try {
            await runTransaction(
              live,
              nbModel,
              async (txn) => {
                const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', counter)], {
                  verify: ['external_ids'],
                });
                if (ls === undefined) throw new Error(`no counter ${counter}`);
                const next = Number(ls.external_ids.counter) + 1;
                txn.update('Logical_Switch', ls._uuid, {
                  external_ids: { ...ls.external_ids, counter: String(next) },
                });
              },
              { maxAttempts: 200, backoff: { baseMs: 2, maxMs: 50 } },
            );
            tally.acknowledged++;
          } catch (error) {
            if (error instanceof WriteOutcomeUnknownError) {
              tally.unknown++;
              perWriterUnknown[w] = (perWriterUnknown[w] ?? 0) + 1;
            } else tally.failures.push(error as Error);
          }
        }
      };

      // Declarative: "counter is n" for n = 1, 2, ...; idempotent, so a lost reply plans again.
      const declarativeLoop = async (name: string): Promise<void> => {
        const tally = tallyOf(name);
        for (let n = 1; !stop; n++) {
          try {
            await runTransaction(
              live,
              nbModel,
              async (txn) => {
                const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', name)]);
                if (ls === undefined) throw new Error(`no row ${name}`);
                if (ls.external_ids.counter === String(n)) return;
                txn.update('Logical_Switch', ls._uuid, {
                  external_ids: { ...ls.external_ids, counter: String(n) },
                });
              },
              { idempotent: true, maxAttempts: 200, backoff: { baseMs: 2, maxMs: 50 } },
            );
            tally.acknowledged = n;
          } catch (error) {
            if (error instanceof WriteOutcomeUnknownError) tally.unknown++;
            else tally.failures.push(error as Error);
          }
        }
      };

      const loops = [
        ...Array.from({ length: OWN }, (_, w) => incrementLoop(w, `own-${w}`)),
        ...Array.from({ length: SHARED }, (_, w) => incrementLoop(OWN + w, 'shared')),
        ...declared.map((name) => declarativeLoop(name)),
      ];
      try {
        for (let k = 0; k < KILLS; k++) {
          await new Promise((resolve) => setTimeout(resolve, 400));
          const index = await cluster.leaderIndex();
          await cluster.kill(index, 'SIGKILL');
          await cluster.restart(index, { waitForLeader: true });
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        stop = true;
        await Promise.all(loops);
      }

      // The judge: the counters as ovsdb-client reads them from the leader.
      const leader = await cluster.leader();
      const out = await leader.client(
        'query',
        leader.unix,
        JSON.stringify([
          NB,
          { op: 'select', table: 'Logical_Switch', where: [], columns: ['name', 'external_ids'] },
        ]),
      );
      const rows =
        (
          JSON.parse(out) as Array<{
            rows: Array<{ name: string; external_ids: [string, [string, string][]] }>;
          }>
        )[0]?.rows ?? [];
      const final = new Map(
        rows.map((row) => [row.name, Number(new Map(row.external_ids[1]).get('counter'))] as const),
      );
      const summary = Object.fromEntries(
        [...tallies].map(([name, t]) => [
          name,
          { ...t, failures: t.failures.length, final: final.get(name) },
        ]),
      );
      const settled = {
        committed: recovered.filter((r) => r.outcome === 'committed').length,
        notCommitted: recovered.filter((r) => r.outcome === 'not-committed').length,
        unknown: recovered.filter((r) => r.outcome === 'unknown').length,
      };
      console.log(`optimistic failover ${JSON.stringify({ kills: KILLS, settled, counters: summary })}`);

      for (const [name, tally] of tallies) {
        assert.deepEqual(
          tally.failures.map((e) => e.message),
          [],
          `${name}: no failure other than an unknown outcome`,
        );
        const value = final.get(name) as number;
        if (name.startsWith('declared')) {
          assert.equal(tally.unknown, 0, `${name}: a declarative body is never left unknown`);
          assert.ok(value === tally.acknowledged || value === tally.acknowledged + 1, `${name}: ${value}`);
          continue;
        }
        assert.ok(tally.acknowledged > 0, `${name}: the loop made progress`);
        assert.ok(value >= tally.acknowledged, `${name}: nothing acknowledged was lost (${value})`);
        assert.ok(value <= tally.acknowledged + tally.unknown, `${name}: nothing applied twice (${value})`);
      }
      for (const [w, unknown] of perWriterUnknown.entries())
        assert.ok(unknown <= KILLS, `writer ${w}: at most one unknown per kill (${unknown})`);
    } finally {
      await session?.close();
      await cluster.stop();
    }
  });
});
