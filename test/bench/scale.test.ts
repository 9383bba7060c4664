/**
 * `npm run bench:scale` end to end at a tiny size (1 % of the Kube-OVN-sized Northbound, one
 * round, no peers): every measure is reported as JSON lines, the no-op reconcile sends
 * nothing, the burst's changes all arrive, and the markdown table ends the output.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { MEASURES } from '../../bench/scale/report.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/** The JSON lines of a bench's output. */
const jsonLines = <T>(stdout: string): T[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);

test('npm run bench:scale reports every measure at a tiny scale', { timeout: 60_000 }, async () => {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/scale.ts',
      '--scale',
      '0.01',
      '--rounds',
      '1',
      '--reps',
      '1',
      '--noop-passes',
      '1',
      '--change-reps',
      '2',
      '--plan-reps',
      '10',
      '--np-pods',
      '100',
      '--skip-peers',
    ],
    { cwd: root, timeout: 55_000, maxBuffer: 16 << 20 },
  );
  const lines = jsonLines<Record<string, unknown>>(stdout);
  assert.deepEqual(
    lines.filter((l) => l.error !== undefined),
    [],
  );
  const database = lines.find((l) => l.measure === 'database')!;
  assert.equal(database.rows, 1530);
  for (const measure of MEASURES)
    assert.ok(
      lines.some((l) => l.measure === measure),
      `no ${measure} line`,
    );
  const of = (measure: string, client = 'ovndb') =>
    lines.filter((l) => l.measure === measure && (l.client ?? 'ovndb') === client);
  assert.deepEqual(
    of('sync', 'replica')
      .concat(of('sync', 'raw'))
      .map((l) => l.rows),
    [database.rows, database.rows],
  );
  for (const l of of('sync', 'replica')) {
    assert.ok(Number(l.total_s) > 0 && Number(l.peak_rss_mb) > 0 && Number(l.rss_per_row_bytes) > 0);
    assert.equal(typeof l.longest_block_ms, 'number');
    assert.equal(typeof l.longest_block_cpu_ms, 'number');
  }
  for (const l of of('noop-reconcile')) assert.equal(l.operations_sent, 0);
  for (const l of of('yaml')) assert.equal(l.operations_sent, 0);
  const burst = of('burst', 'replica')[0]!;
  assert.equal(burst.changes, burst.expected_changes);
  assert.equal(typeof burst.lag_ms, 'number');
  assert.ok(of('vpc-change', 'raw').length > 0 && of('vpc-change').length > 0);
  // The raw client sends ovndb's own transaction (verify waits and body), the other its body alone.
  const timedOvndb = of('vpc-change').filter((l) => l.variant === undefined);
  assert.equal(timedOvndb.length, 2);
  assert.deepEqual(
    of('vpc-change').map((l) => l.variant),
    ['first change', undefined, undefined],
  );
  assert.deepEqual(
    of('vpc-change', 'raw').map((l) => l.operations_sent),
    timedOvndb.map((l) => l.operations_sent),
  );
  for (const l of of('vpc-change', 'raw-body'))
    assert.ok(Number(l.operations_sent) < Number(timedOvndb[0]!.operations_sent));
  assert.equal(of('vpc-change', 'ovndb minus raw').length, timedOvndb.length);
  assert.deepEqual([...new Set(of('vpc-plan').map((l) => l.nb))].sort(), ['big', 'empty']);
  for (const l of of('vpc-plan')) assert.ok(Number(l.plans) > 0 && Number(l.first_ms) > 0);
  assert.deepEqual(
    of('noop-reconcile').map((l) => l.variant),
    ['first pass', undefined],
  );
  assert.ok(of('np-change').every((l) => Number(l.plan_ms) > 0 && Number(l.apply_ms) > 0));
  assert.match(stdout, /## Kube-OVN-sized Northbound \(1,530 rows\)/);
  assert.match(stdout, /\| sync \| replica \| total_s /);
});

test('npm run bench:change-costs times every stage after a pause and hot', { timeout: 60_000 }, async () => {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/scale/change-costs.ts',
      '--scale',
      '0.01',
      '--reps',
      '2',
      '--hot-reps',
      '5',
      '--pause-ms',
      '1',
    ],
    { cwd: root, timeout: 55_000, maxBuffer: 4 << 20 },
  );
  const lines = jsonLines<{ stage: string; after_pause_us: number; hot_us: number }>(stdout);
  assert.deepEqual(
    lines.map((l) => l.stage),
    ['parse', 'plan', 'plan in transaction', 'schema check', 'encode', 'change', 'raw'],
  );
  for (const line of lines) assert.ok(line.after_pause_us >= 0 && line.hot_us >= 0, JSON.stringify(line));
  assert.match(stdout, /\| stage \| after a pause \| hot \| ratio \|/);
});
