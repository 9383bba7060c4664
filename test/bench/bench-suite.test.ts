/**
 * `npm run bench` end to end on a real server (a tiny plan: JSON lines and tables, peers
 * beside their references, a per-run time cap), and its parts: the plan's interleaving and
 * which windows the peers run at, ratios within a repetition, and the reference comparison
 * that refuses to compare runs of different sizes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { peerAvailability } from '../../bench/peers.js';
import { peerChecks, peerChecksTable } from '../../bench/report/peer-baselines.js';
import { markdownTable, summarize } from '../../bench/summary.js';
import { planThroughput } from '../../bench/throughput-suite.js';
import { type RunResult, workloads } from '../../bench/workload.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** Runs `npm run bench` with a one-repetition W1 plan on unix, window 1, throughput only, and more options. */
async function bench(...more: string[]): Promise<string> {
  const base = [
    '--reps',
    '1',
    '--transports',
    'unix',
    '--workloads',
    'W1',
    '--windows',
    '1',
    '--only',
    'throughput',
  ];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/all.ts', ...base, ...more], {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 1 << 20,
  });
  return stdout;
}

const line = (client: string, rep: number, txnPerS: number, txns = 5000): RunResult => ({
  client,
  transport: 'unix',
  workload: 'W1',
  window: 1,
  rows: 1,
  txns,
  seconds: txns / txnPerS,
  txn_per_s: txnPerS,
  rows_per_s: txnPerS,
  failed: 0,
  rep,
});

describe('npm run bench', { timeout: 180_000 }, () => {
  test('the plan interleaves clients and runs peers only at the windows they support', () => {
    const runs = planThroughput({
      reps: 2,
      transports: ['unix'],
      workloads: [workloads.W1],
      windows: [1, 16, 128],
      clients: ['raw', 'ovndb-typed', 'py-idl', 'ovsdbapp'],
    });
    const at = (rep: number, window: number) =>
      runs.filter((r) => r.rep === rep && r.window === window).map((r) => r.client);
    assert.deepEqual(at(0, 1), ['raw', 'ovndb-typed', 'py-idl', 'ovsdbapp']);
    assert.deepEqual(at(1, 1), ['ovsdbapp', 'py-idl', 'ovndb-typed', 'raw']);
    assert.deepEqual(at(0, 16), ['raw', 'ovndb-typed', 'py-idl']);
    assert.deepEqual(at(0, 128), ['raw', 'ovndb-typed']);
  });

  test('ratios are medians of per-repetition ratios; the table shows only what ran', () => {
    const rows = summarize([
      line('raw', 0, 1000),
      line('ovndb-typed', 0, 900),
      line('raw', 1, 2000),
      line('ovndb-typed', 1, 1000),
    ]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.ratios['ovndb-typed/raw'], (0.9 + 0.5) / 2);
    assert.deepEqual(rows[0]!.clients.raw, { median: 1500, min: 1000, max: 2000, txns: 5000 });
    const table = markdownTable(rows);
    assert.match(table, /\| raw \| ovndb-typed \| ovndb-typed\/raw \|/);
    assert.doesNotMatch(table, /py-idl/);
  });

  test('peers are compared with the reference only at its size; 35 % off is suspect', () => {
    const baselines = new Map([
      ['py-idl|unix|W1|1', 2000],
      ['ovsdbapp|unix|W1|1', 100],
    ]);
    const sizes = new Map([
      ['py-idl|unix|W1|1', 5000],
      ['ovsdbapp|unix|W1|1', 2000],
    ]);
    const rows = summarize([line('py-idl', 0, 1000), line('ovsdbapp', 0, 110, 500)]);
    const checks = peerChecks(rows, baselines, sizes);
    const py = checks.find((c) => c.client === 'py-idl')!;
    assert.deepEqual([py.suspect, py.deviation], [true, -0.5]);
    const app = checks.find((c) => c.client === 'ovsdbapp')!;
    assert.deepEqual([app.suspect, app.otherSize], [false, { here: 500, reference: 2000 }]);
    const table = peerChecksTable(checks);
    assert.match(table, /\| py-idl \| unix \| W1 \| 1 \| 1000 \| 2000 \| -50 % \| \*\*suspect\*\* \|/);
    assert.match(table, /not compared: 500 transactions here, 2000 in the reference/);
  });

  test('one command runs the clients on fresh servers and prints JSON lines and the tables', async (t) => {
    const clients = ['raw', 'ovndb-typed', 'ovndb-cache'];
    if (peerAvailability()['py-idl'].ok) clients.push('py-idl');
    else t.diagnostic('python3-openvswitch is not installed: running without the Python IDL');
    const stdout = await bench('--txns', '40', '--clients', clients.join(','));
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as RunResult & { bench: string });
    assert.deepEqual(lines.map((l) => l.client).sort(), [...clients].sort());
    for (const l of lines) {
      assert.equal(l.bench, 'throughput');
      assert.equal(l.failed, 0, l.client);
      assert.equal(l.txns, 40, l.client);
      assert.ok(l.txn_per_s > 0);
    }
    assert.match(stdout, /## throughput/);
    assert.match(stdout, /ovndb-typed\/raw/);
    assert.match(stdout, /## peers/);
  });

  test('--duration stops each run after its time and rates what was done', async () => {
    const stdout = await bench(
      '--txns',
      '1000000',
      '--duration',
      '0.3',
      '--clients',
      'ovndb-typed',
      '--json',
    );
    const [result] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunResult);
    assert.ok(result!.txns > 0 && result!.txns < 1_000_000, String(result!.txns));
    assert.ok(result!.seconds >= 0.3 && result!.seconds < 5, String(result!.seconds));
    assert.doesNotMatch(stdout, /##/, '--json prints JSON lines only');
  });
});
