/**
 * The classification of a server from its `_Server.Database` row and the seen state: pure
 * cases, including a stale member, which a real cluster rarely shows on demand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  classifyMember,
  type MemberStatus,
  NOTHING_SEEN,
  type SeenState,
  type ServerDatabaseRow,
  updateSeen,
} from '../../src/cluster/member-status.js';

const CID = '11111111-1111-1111-1111-111111111111';
const OTHER_CID = '22222222-2222-2222-2222-222222222222';

function clustered(
  leader: boolean,
  index: number,
  extra: Partial<ServerDatabaseRow> = {},
): ServerDatabaseRow {
  return { name: 'OVN_Northbound', model: 'clustered', connected: true, leader, cid: CID, index, ...extra };
}
const standalone: ServerDatabaseRow = {
  name: 'OVN_Northbound',
  model: 'standalone',
  connected: true,
  leader: true,
};
const relay: ServerDatabaseRow = { name: 'OVN_Northbound', model: 'relay', connected: true, leader: false };

type Expected = Omit<MemberStatus, 'reason'> & { reason: MemberStatus['reason'] };
const yes = (reason: MemberStatus['reason']): Expected => ({
  writable: true,
  acceptsWrites: true,
  readable: true,
  stale: false,
  wrongCluster: false,
  reason,
});
const readOnly = (reason: MemberStatus['reason'], acceptsWrites: boolean): Expected => ({
  writable: false,
  acceptsWrites,
  readable: true,
  stale: false,
  wrongCluster: false,
  reason,
});
const unusable = (reason: MemberStatus['reason'], flags: Partial<Expected> = {}): Expected => ({
  writable: false,
  acceptsWrites: false,
  readable: false,
  stale: false,
  wrongCluster: false,
  reason,
  ...flags,
});

const cases: Array<{
  name: string;
  row: ServerDatabaseRow | undefined;
  seen?: SeenState;
  readOnlyServer?: boolean;
  expected: Expected;
}> = [
  { name: 'clustered leader', row: clustered(true, 5), expected: yes('leader') },
  { name: 'clustered follower', row: clustered(false, 5), expected: readOnly('follower', true) },
  {
    name: 'leader without a raft majority',
    row: clustered(true, 5, { connected: false }),
    expected: unusable('disconnected'),
  },
  {
    name: 'follower not yet joined (no cid, no index)',
    row: { name: 'OVN_Northbound', model: 'clustered', connected: false, leader: false },
    expected: unusable('disconnected'),
  },
  {
    name: 'same index as seen',
    row: clustered(false, 7),
    seen: { cid: CID, index: 7 },
    expected: readOnly('follower', true),
  },
  { name: 'newer than seen', row: clustered(true, 9), seen: { cid: CID, index: 7 }, expected: yes('leader') },
  {
    name: 'stale follower',
    row: clustered(false, 6),
    seen: { cid: CID, index: 7 },
    expected: unusable('stale', { stale: true }),
  },
  {
    name: 'stale leader is not writable either',
    row: clustered(true, 6),
    seen: { cid: CID, index: 7 },
    expected: unusable('stale', { stale: true }),
  },
  {
    name: 'stale and disconnected: disconnected wins, stale still flagged',
    row: clustered(false, 3, { connected: false }),
    seen: { cid: CID, index: 7 },
    expected: unusable('disconnected', { stale: true }),
  },
  {
    name: 'another cluster (indexes not compared)',
    row: clustered(true, 1, { cid: OTHER_CID }),
    seen: { cid: CID, index: 7 },
    expected: unusable('wrong-cluster', { wrongCluster: true }),
  },
  { name: 'standalone', row: standalone, expected: yes('standalone') },
  {
    name: 'standalone ignores a seen cluster state',
    row: standalone,
    seen: { cid: CID, index: 7 },
    expected: yes('standalone'),
  },
  {
    name: 'active-backup backup',
    row: standalone,
    readOnlyServer: true,
    expected: readOnly('backup', false),
  },
  { name: 'relay forwards writes', row: relay, expected: readOnly('relay', true) },
  {
    name: 'relay has no index: never stale',
    row: relay,
    seen: { cid: CID, index: 7 },
    expected: readOnly('relay', true),
  },
  {
    name: 'relay without its source',
    row: { ...relay, connected: false },
    expected: unusable('disconnected'),
  },
  { name: 'database not served', row: undefined, expected: unusable('not-served') },
];

describe('classifyMember', { timeout: 20000 }, () => {
  for (const c of cases) {
    test(c.name, () => {
      const options = c.readOnlyServer === undefined ? {} : { readOnly: c.readOnlyServer };
      assert.deepEqual(classifyMember(c.row, c.seen ?? NOTHING_SEEN, options), c.expected);
    });
  }

  test('writable implies acceptsWrites and readable in every case', () => {
    for (const c of cases) {
      const s = classifyMember(c.row, c.seen, c.readOnlyServer ? { readOnly: true } : {});
      if (s.writable) assert.ok(s.acceptsWrites && s.readable, c.name);
    }
  });
});

describe('updateSeen', { timeout: 20000 }, () => {
  const updates: Array<{
    name: string;
    seen: SeenState;
    row: ServerDatabaseRow | undefined;
    expected: SeenState;
  }> = [
    {
      name: 'first clustered row adopts cid and index',
      seen: NOTHING_SEEN,
      row: clustered(false, 4),
      expected: { cid: CID, index: 4 },
    },
    {
      name: 'higher index raises',
      seen: { cid: CID, index: 4 },
      row: clustered(true, 9),
      expected: { cid: CID, index: 9 },
    },
    {
      name: 'lower index never lowers',
      seen: { cid: CID, index: 9 },
      row: clustered(true, 2),
      expected: { cid: CID, index: 9 },
    },
    {
      name: 'another cluster is ignored',
      seen: { cid: CID, index: 9 },
      row: clustered(true, 20, { cid: OTHER_CID }),
      expected: { cid: CID, index: 9 },
    },
    {
      name: 'a disconnected member is ignored',
      seen: { cid: CID, index: 4 },
      row: clustered(false, 8, { connected: false }),
      expected: { cid: CID, index: 4 },
    },
    {
      name: 'standalone leaves it',
      seen: { cid: CID, index: 4 },
      row: standalone,
      expected: { cid: CID, index: 4 },
    },
    { name: 'relay leaves it', seen: NOTHING_SEEN, row: relay, expected: NOTHING_SEEN },
    {
      name: 'no row leaves it',
      seen: { cid: CID, index: 4 },
      row: undefined,
      expected: { cid: CID, index: 4 },
    },
  ];
  for (const u of updates) {
    test(u.name, () => assert.deepEqual(updateSeen(u.seen, u.row), u.expected));
  }

  test('returns the same object when nothing changes', () => {
    const seen: SeenState = { cid: CID, index: 9 };
    assert.equal(updateSeen(seen, clustered(true, 9)), seen);
    assert.equal(updateSeen(seen, clustered(true, 3)), seen);
    assert.equal(updateSeen(seen, standalone), seen);
  });

  test('a member classified after a newer one was seen is stale', () => {
    // Read from the leader at index 10, then switch to a follower still at 8.
    const seen = updateSeen(NOTHING_SEEN, clustered(true, 10));
    const status = classifyMember(clustered(false, 8), seen);
    assert.equal(status.stale, true);
    assert.equal(status.readable, false);
    // Once it catches up it is readable again.
    assert.equal(classifyMember(clustered(false, 10), seen).readable, true);
  });
});
