import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { envWithoutCoverage } from '../helpers/child-env.js';
import {
  type ConformanceSuite,
  conformanceSuites,
  repoRoot,
  runCasesScript,
  sharedConformance,
} from './driver/suites.js';

// Open vSwitch's own test vectors, run through our drivers by the shared runner. Outside CI
// their absence skips these tests with a message; in CI (CI=true) it fails them.
const present = existsSync(runCasesScript);
const skip =
  !present && process.env.CI !== 'true'
    ? `conformance cases not found at ${sharedConformance}; skipped`
    : false;

async function runSuite(suite: ConformanceSuite): Promise<void> {
  assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
  const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
    execFile(
      'python3',
      [runCasesScript, suite.kind, ...suite.args],
      // Each case starts our driver as a process of its own: about 3 minutes for all on an idle
      // 2-core machine, more while other test files run beside it.
      // The driver runs from the cases' own directories: no coverage from it (child-env.ts).
      { cwd: repoRoot, timeout: 600_000, maxBuffer: 16 * 1024 * 1024, env: envWithoutCoverage() },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
  const summary = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
  assert.ok(summary, `no summary from run_cases.py:\n${output.slice(-3000)}`);
  const failures = output.split('\n').filter((l) => l.startsWith('FAIL'));
  assert.equal(Number(summary[2]), 0, `failed cases:\n${failures.join('\n')}`);
  assert.equal(Number(summary[1]), suite.expectedPassed);
  assert.equal(code, 0);
}

describe('conformance with Open vSwitch test vectors (v3.1.0)', { timeout: 900_000 }, () => {
  for (const suite of conformanceSuites()) {
    test(`${suite.name} (${suite.kind}): ${suite.expectedPassed} pass`, { skip, timeout: 610_000 }, () =>
      runSuite(suite),
    );
  }
});
