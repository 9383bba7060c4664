import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

// Open vSwitch's own test vectors (../shared/conformance), run through our drivers by the
// shared runner. Outside CI their absence skips these tests with a message; in CI it fails them.
const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/conformance');
const present = existsSync(resolve(shared, 'run_cases.py'));
const skip =
  !present && process.env.CI !== 'true' ? `conformance cases not found at ${shared}; skipped` : false;

/** A shell command running one of our TypeScript entry points from any working directory. */
function tsxCommand(script: string): string {
  const loader = import.meta.resolve('tsx');
  return [process.execPath, '--import', loader, resolve(root, script)]
    .map((s) => `'${s.replace(/'/g, `'\\''`)}'`)
    .join(' ');
}

async function runCases(
  args: string[],
): Promise<{ passed: number; failed: number; code: number; output: string }> {
  assert.ok(present, `conformance cases missing at ${shared} (required when CI=true)`);
  const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
    execFile(
      'python3',
      [resolve(shared, 'run_cases.py'), ...args],
      { cwd: root, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  const summary = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
  assert.ok(summary, `no summary from run_cases.py:\n${output.slice(-3000)}`);
  const failures = output.split('\n').filter((l) => l.startsWith('FAIL'));
  assert.equal(Number(summary[2]), 0, `failed cases:\n${failures.join('\n')}`);
  return { passed: Number(summary[1]), failed: Number(summary[2]), code, output };
}

describe('conformance with Open vSwitch test vectors (v3.1.0)', { timeout: 300_000 }, () => {
  test('data types: 126/126 of the cases Python runs', { skip }, async () => {
    const r = await runCases([
      'data',
      '--cases',
      resolve(shared, 'cases/v3.1.0/data-types.json'),
      '--driver',
      tsxCommand('src/conformance/test-ovsdb.ts'),
    ]);
    assert.equal(r.passed, 126);
    assert.equal(r.code, 0);
  });

  test('execution: 26/26 transactions against a real server', { skip }, async () => {
    const r = await runCases([
      'exec',
      '--cases',
      resolve(shared, 'cases/v3.1.0/execution.json'),
      '--schemas',
      resolve(shared, 'cases/v3.1.0/schemas.json'),
      '--client',
      tsxCommand('src/conformance/transact-client.ts'),
    ]);
    assert.equal(r.passed, 26);
    assert.equal(r.code, 0);
  });
});
