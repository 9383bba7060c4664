import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ColumnType } from '../../src/protocol/column-type.js';
import { parseIdlArgs, parseRegistration } from './driver/idl-args.js';
import { pythonValue, rowString } from './driver/idl-print.js';
import { IdlView } from './driver/idl-view.js';
import { idlSuite, repoRoot, runCasesScript, sharedConformance } from './driver/suites.js';

// Open vSwitch's IDL cases, run through our driver's `idl` command by the shared runner, each
// against its own ovsdb-server. Outside CI their absence skips the test with a message; in CI
// (CI=true) it fails it.
const present = existsSync(runCasesScript);
const skip =
  !present && process.env.CI !== 'true'
    ? `conformance cases not found at ${sharedConformance}; skipped`
    : false;

/** Runs run_cases.py on the cases whose names `names` holds; returns its summary counts. */
function runShard(
  args: string[],
  names: string[],
): Promise<{ passed: number; failed: number; output: string }> {
  // The runner selects by a regex on the case name: one alternative per exact name.
  const escapeRegex = (n: string) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = `^(?:${names.map(escapeRegex).join('|')})$`;
  return new Promise((done) => {
    execFile(
      'python3',
      [runCasesScript, ...args, '--name', regex],
      { cwd: repoRoot, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        const output = stdout + stderr;
        const summary = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
        done({ passed: Number(summary?.[1] ?? 0), failed: summary ? Number(summary[2]) : 1, output });
      },
    );
  });
}

describe('idl conformance with Open vSwitch test vectors (v3.1.0)', { timeout: 120_000 }, () => {
  const suite = idlSuite();
  test(`idl: ${suite.expectedPassed} cases pass, as with Python's own driver`, { skip }, async () => {
    assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
    const casesFile = suite.args[suite.args.indexOf('--cases') + 1] as string;
    const names = [
      ...new Set(
        (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: { name: string }[] }).cases.map(
          (c) => c.name,
        ),
      ),
    ];
    // Each case has its own server: three runners in parallel keep the suite short.
    const shards = [0, 1, 2].map((k) => names.filter((_, i) => i % 3 === k));
    const results = await Promise.all(shards.map((shard) => runShard([suite.kind, ...suite.args], shard)));
    const output = results.map((r) => r.output).join('\n');
    const failures = output.split('\n').filter((l) => l.startsWith('FAIL'));
    const failed = results.reduce((n, r) => n + r.failed, 0);
    assert.equal(failed, 0, `failed cases:\n${failures.join('\n')}\n${output.slice(-4000)}`);
    assert.equal(
      results.reduce((n, r) => n + r.passed, 0),
      suite.expectedPassed,
    );
  });
});

describe('idl driver pieces', { timeout: 20_000 }, () => {
  const view = new IdlView(new Map());
  const t = (json: Partial<ColumnType> & Pick<ColumnType, 'key'>): ColumnType => ({
    min: 1,
    max: 1,
    ...json,
  });

  test('values print as test-ovsdb.py prints them (Python text, then its scrubbing)', () => {
    const types: Record<string, ColumnType> = {
      r: t({ key: { type: 'real' } }),
      b: t({ key: { type: 'boolean' } }),
      s: t({ key: { type: 'string' } }),
      ra: t({ key: { type: 'real' }, min: 0, max: Number.POSITIVE_INFINITY }),
      sa: t({ key: { type: 'string' }, min: 0, max: Number.POSITIVE_INFINITY }),
      ba: t({ key: { type: 'boolean' }, min: 0, max: 1 }),
      ua: t({ key: { type: 'uuid' }, min: 0, max: Number.POSITIVE_INFINITY }),
      imap: t({ key: { type: 'integer' }, value: { type: 'string' }, min: 0, max: Number.POSITIVE_INFINITY }),
    };
    const row: Record<string, unknown> = {
      r: 2,
      b: true,
      s: 'a,b',
      ra: [1.5, -0.5, 1e20],
      sa: ['def', "it's", 'abc'],
      ba: undefined,
      ua: ['bbbbbbbb-0000-0000-0000-000000000000', 'aaaaaaaa-0000-0000-0000-000000000000'],
      imap: new Map([
        [3, 'x'],
        [1, 'y'],
      ]),
    };
    const lookup = (column: string) =>
      column in types ? { type: types[column]!, value: row[column] } : undefined;
    assert.equal(
      rowString(view, 'u0', lookup, [...Object.keys(types), 'nope', 'uuid']),
      'r=2 b=true s=ab ra=[-0.5 1.5 1e+20] sa=[abc def "its"] ba=[] ' +
        'ua=[aaaaaaaa-0000-0000-0000-000000000000 bbbbbbbb-0000-0000-0000-000000000000] ' +
        'imap=[(1 y) (3 x)] uuid=u0',
    );
    assert.equal(pythonValue(view, types.ra!, [0.1]), '[0.1]');
  });

  test('references to rows the view lacks are left out', () => {
    const ref = t({ key: { type: 'uuid', refTable: 'link1' }, min: 0, max: Number.POSITIVE_INFINITY });
    assert.equal(pythonValue(view, ref, ['aaaaaaaa-0000-0000-0000-000000000000']), '[]');
  });

  test('arguments: track-notify, registration with read-only columns, commands', () => {
    const args = parseIdlArgs(['schema', 'unix:socket', 'track-notify', '?simple:i,r!?link1:k', 'reconnect']);
    assert.equal(args.trackNotify, true);
    assert.deepEqual(args.commands, ['reconnect']);
    assert.deepEqual(args.register?.get('simple'), { columns: ['i', 'r'], readonly: ['r'] });
    assert.deepEqual(parseRegistration('?link1:k').get('link1'), { columns: ['k'], readonly: [] });
    assert.throws(() => parseIdlArgs(['schema']));
  });
});
