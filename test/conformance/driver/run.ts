#!/usr/bin/env node
/**
 * `npm run conformance`: runs Open vSwitch's data-type and IDL cases through the test-ovsdb
 * driver and its execution cases through the transact client, with
 * ../shared/conformance/run_cases.py.
 * Exits non-zero on any failure, or when the cases are absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { conformanceSuites, idlSuite, repoRoot, runCasesScript, sharedConformance } from './suites.js';

if (!existsSync(runCasesScript)) {
  process.stderr.write(`conformance: ${sharedConformance} is absent; nothing was run\n`);
  process.exit(1);
}
let failed = false;
for (const suite of [...conformanceSuites(), idlSuite()]) {
  process.stdout.write(`== ${suite.name}\n`);
  const r = spawnSync('python3', [runCasesScript, suite.kind, ...suite.args], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
