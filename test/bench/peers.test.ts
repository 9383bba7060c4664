/**
 * The bench peers: each driver, run against a real NB ovsdb-server, writes exactly the routes of
 * its workload into lr0 and reports no failure; a driver that cannot measure is rejected with its
 * reason; and the reference baselines are read, mapped to our client names and compared.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  baselineKey,
  compareToBaseline,
  type PeerName,
  peerAvailability,
  peerNames,
  peerSize,
  runPeer,
  sharedBaselines,
} from '../../bench/peers.js';
import { prefix, type Workload, workloads } from '../../bench/workload.js';
import { connect, op } from '../../src/index.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';

type Uuid = ['uuid', string];

/** The UUIDs of a set column's wire value (a one-element set comes as the bare atom). */
function uuidsOf(value: unknown): string[] {
  const pair = value as ['set', Uuid[]] | Uuid;
  return pair[0] === 'set' ? (pair[1] as Uuid[]).map((u) => u[1]) : [pair[1] as string];
}

/** A fresh NB server with an empty router lr0; runs `body` with its unix remote, then stops it. */
async function withNb(body: (remote: string) => Promise<void>): Promise<void> {
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
  try {
    const setup = await connect(server.unix);
    try {
      await setup.transact('OVN_Northbound', [op.insert('Logical_Router', { name: 'lr0' })]);
    } finally {
      await setup.close();
    }
    await body(server.unix);
  } finally {
    await server.stop();
  }
}

/** Checks, over a fresh connection, that lr0 holds exactly the routes of `workload`. */
async function assertRoutes(remote: string, workload: Workload): Promise<void> {
  const client = await connect(remote);
  try {
    const [routes, routers] = (await client.transact('OVN_Northbound', [
      op.select('Logical_Router_Static_Route', [], ['_uuid', 'ip_prefix', 'nexthop']),
      op.select('Logical_Router', [['name', '==', 'lr0']], ['static_routes']),
    ])) as [{ rows: Record<string, unknown>[] }, { rows: Record<string, unknown>[] }];
    const count = workload.rows * workload.txns;
    assert.equal(routes.rows.length, count, 'one row per route');
    // ovn-nbctl writes a host route without its /32; the others write the prefix as given.
    const host = (p: string) => p.replace(/\/32$/, '');
    const expected = Array.from({ length: count }, (_, i) => host(prefix(i))).sort();
    assert.deepEqual(routes.rows.map((r) => host(r.ip_prefix as string)).sort(), expected);
    assert.ok(routes.rows.every((r) => r.nexthop === '192.168.0.1'));
    assert.equal(routers.rows.length, 1);
    const inRouter = uuidsOf(routers.rows[0]!.static_routes).sort();
    assert.deepEqual(inRouter, routes.rows.map((r) => (r._uuid as Uuid)[1]).sort(), 'all in lr0');
  } finally {
    await client.close();
  }
}

const target = (workload: Workload, window: number) => ({
  transport: 'unix',
  workload,
  window,
  router: '',
  warmRouter: '',
});

const tiny: [Workload, number][] = [
  [{ name: 'W1', rows: 1, txns: 20 }, 1],
  [{ name: 'W2', rows: 100, txns: 2 }, 1],
];
// The Python IDL alone can keep several commits in flight: cover that path too.
const cases: Record<PeerName, [Workload, number][]> = {
  'py-idl': [...tiny, [{ name: 'W1', rows: 1, txns: 40 }, 8]],
  ovsdbapp: tiny,
  'nbctl-daemon': tiny,
};

describe('bench peers', () => {
  const available = peerAvailability();

  for (const peer of peerNames) {
    test(`${peer}: writes exactly its workload's routes into lr0`, { timeout: 120_000 }, async (t) => {
      const { ok, why } = available[peer];
      if (!ok) {
        t.skip(why);
        return;
      }
      for (const [workload, window] of cases[peer]) {
        await withNb(async (remote) => {
          const r = await runPeer(peer, remote, target(workload, window), { timeoutMs: 60_000 });
          assert.equal(r.failed, 0, `${workload.name} window ${window}`);
          assert.equal(r.client, peer);
          assert.equal(r.txns, workload.txns);
          assert.equal(r.window, window);
          assert.ok(r.seconds > 0 && r.txn_per_s > 0);
          await assertRoutes(remote, workload);
        });
      }
    });
  }

  test('a driver that cannot measure is rejected with its reason', { timeout: 60_000 }, async (t) => {
    if (!available['py-idl'].ok) {
      t.skip(available['py-idl'].why);
      return;
    }
    await withNb(async (remote) => {
      await assert.rejects(
        runPeer('py-idl', remote, target(tiny[0]![0], 1), { routerName: 'nope', timeoutMs: 30_000 }),
        /py-idl: exited with 2: .*no Logical_Router named 'nope'/s,
      );
    });
    await assert.rejects(runPeer('ovsdbapp', 'unix:/nonexistent', target(tiny[0]![0], 16)), RangeError);
  });

  test('nbctl-daemon: a run that cannot finish times out and leaves no daemon', {
    timeout: 60_000,
  }, async (t) => {
    if (!available['nbctl-daemon'].ok) {
      t.skip(available['nbctl-daemon'].why);
      return;
    }
    const remote = `unix:${join(tmpdir(), `ovndb-no-server-${process.pid}.sock`)}`;
    await assert.rejects(
      runPeer('nbctl-daemon', remote, target(tiny[0]![0], 1), { timeoutMs: 3_000 }),
      /nbctl-daemon: exited with \d: .*timed out after 3 s/s,
    );
    const left: string[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(remote)) left.push(`${entry}: ${cmdline.replaceAll('\0', ' ')}`);
    }
    assert.deepEqual(left, [], 'the daemon was stopped');
  });

  test('peer sizes are those of the reference baselines', { timeout: 5_000 }, () => {
    assert.deepEqual(peerSize('py-idl', workloads.W1), { name: 'W1', rows: 1, txns: 5000 });
    assert.deepEqual(peerSize('py-idl', workloads.W2), { name: 'W2', rows: 100, txns: 50 });
    assert.deepEqual(peerSize('ovsdbapp', workloads.W1), { name: 'W1', rows: 1, txns: 2000 });
    assert.deepEqual(peerSize('nbctl-daemon', workloads.W2), { name: 'W2', rows: 100, txns: 20 });
  });

  test('baselines: medians under our client names; failed runs and junk skipped', {
    timeout: 5_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-baselines-'));
    try {
      const path = join(dir, 'throughput.jsonl');
      const run = (client: string, name: string, window: number, rate: number, extra = {}) =>
        JSON.stringify({
          client,
          name,
          transport: 'unix',
          workload: 'W1',
          window,
          txn_per_s: rate,
          ...extra,
        });
      await writeFile(
        path,
        [
          run('py-idl w1', 'py-idl', 1, 100),
          run('py-idl w1', 'py-idl', 1, 300),
          run('py-idl w1', 'py-idl', 1, 200),
          run('py-idl w1', 'py-idl', 1, 9999, { failed: 3 }),
          run('py-idl w16', 'py-idl-w16', 16, 50),
          run('raw', 'raw-w128', 128, 1000),
          run('ovsdbapp', 'ovsdbapp', 1, 10),
          run('nbctl-daemon', 'nbctl-daemon', 1, 20, { error: 'boom' }),
          'not json',
          '',
        ].join('\n'),
      );
      const baselines = sharedBaselines(path)!;
      assert.equal(baselines.get(baselineKey('py-idl', 'unix', 'W1', 1)), 200);
      assert.equal(baselines.get('py-idl|unix|W1|16'), 50);
      assert.equal(baselines.get('shared-raw|unix|W1|128'), 1000);
      assert.equal(baselines.get('ovsdbapp|unix|W1|1'), 10);
      assert.equal(baselines.has('nbctl-daemon|unix|W1|1'), false, 'a failed run is no baseline');
      assert.equal(baselines.size, 4);
      assert.equal(sharedBaselines(join(dir, 'absent.jsonl')), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('compareToBaseline: suspect beyond 35 % either way, never without a baseline', {
    timeout: 5_000,
  }, () => {
    const baselines = new Map([['ovsdbapp|unix|W1|1', 100]]);
    const near = compareToBaseline('ovsdbapp', 'unix', 'W1', 1, 130, baselines);
    assert.equal(near.baseline, 100);
    assert.ok(Math.abs(near.deviation! - 0.3) < 1e-9);
    assert.equal(near.suspect, false);
    assert.equal(compareToBaseline('ovsdbapp', 'unix', 'W1', 1, 140, baselines).suspect, true);
    assert.equal(compareToBaseline('ovsdbapp', 'unix', 'W1', 1, 60, baselines).suspect, true);
    assert.equal(compareToBaseline('ovsdbapp', 'unix', 'W1', 1, 70, baselines).suspect, false);
    assert.deepEqual(compareToBaseline('ovsdbapp', 'tcp', 'W1', 1, 1, baselines), { suspect: false });
    assert.deepEqual(compareToBaseline('py-idl', 'unix', 'W1', 1, 1, new Map()), { suspect: false });
    // The default reads ../shared/perf when present; either way it answers.
    assert.equal(typeof compareToBaseline('py-idl', 'unix', 'W1', 1, 1).suspect, 'boolean');
  });
});
