/**
 * kill -9 of the raft leader under a write load (inserts with client-chosen uuids) with a
 * replica open, many times over (`runFailoverDrill` from ovndb/testing). Every acknowledged
 * write must be in the database once, nothing twice, no outcome left unknown; the database is
 * read by ovsdb-client, and the replica must end equal to it. Timings are printed (figures in
 * docs/benchmarks.md, `npm run bench:failover`), not asserted. `OVNDB_FAILOVER_KILLS` sets
 * the number of kills (default 20).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failoverTimings, runFailoverDrill } from '../../src/testing/index.js';

const KILLS = Number(process.env.OVNDB_FAILOVER_KILLS ?? 20);

describe('kill -9 of the leader under write load, with a replica open', {
  timeout: 30_000 + KILLS * 15_000,
}, () => {
  test(`${KILLS} kills: nothing lost, nothing doubled, nothing unknown`, async () => {
    const result = await runFailoverDrill({ kills: KILLS, writers: 8 });
    const { kills, ...counts } = result;
    console.log(
      `failover summary ${JSON.stringify({ kills: kills.length, ...counts, ...failoverTimings(kills) })}`,
    );
    assert.equal(kills.length, KILLS);
    assert.ok(result.acknowledged > KILLS, 'the writers wrote throughout');
    assert.equal(result.lost, 0, 'acknowledged writes missing');
    assert.equal(result.doubled, 0, 'writes applied twice');
    assert.equal(result.unknown, 0, 'outcomes left unknown or failed writes');
    assert.equal(result.rows, result.acknowledged, 'rows nobody acknowledged');
    assert.equal(
      result.marksConfirmed,
      result.recovered,
      'every settled write is in the database under its uuid',
    );
    assert.equal(result.replicaMatches, true, 'the replica equals the database');
  });
});
