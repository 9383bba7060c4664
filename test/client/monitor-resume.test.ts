import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect, type OvsdbClient, type TableUpdates2 } from '../../src/index.js';
import { ovnSchemaPath, type RaftCluster, startRaftCluster } from '../../src/testing/index.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

function names(updates: TableUpdates2, table: string): string[] {
  return Object.values(updates[table] ?? {})
    .map((c) => ('initial' in c ? c.initial : 'insert' in c ? c.insert : undefined)?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
}

describe('monitor_cond_since resumes with a diff on a clustered database', { timeout: 60_000 }, () => {
  let cluster: RaftCluster;
  let client: OvsdbClient;

  before(async () => {
    cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 3 });
    const leader = await cluster.leader();
    client = await connect(leader.unix);
  });
  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  test('found: true and only the changes made while away', async () => {
    const leader = await cluster.leader();
    const nbctl = (...args: string[]) => run('ovn-nbctl', [`--db=${leader.unix}`, ...args]);
    await nbctl('ls-add', 'before');
    const first = await client.monitorCondSince(NB, 'a', { Logical_Switch: { columns: ['name'] } });
    assert.equal(first.found, false);
    assert.deepEqual(names(first.updates, 'Logical_Switch'), ['before']);
    await client.monitorCancel('a');

    await nbctl('ls-add', 'while-away');
    const resumed = await client.monitorCondSince(
      NB,
      'b',
      { Logical_Switch: { columns: ['name'] } },
      first.lastTxnId,
    );
    assert.equal(resumed.found, true);
    assert.deepEqual(names(resumed.updates, 'Logical_Switch'), ['while-away']);
    assert.notEqual(resumed.lastTxnId, first.lastTxnId);
  });
});
