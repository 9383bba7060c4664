#!/usr/bin/env node
/**
 * `npm run conformance`: runs Open vSwitch's data-type cases through the test-ovsdb driver and
 * its execution cases through the transact client, with ../shared/conformance/run_cases.py.
 * Exits non-zero on any failure, or when the cases are absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const shared = resolve(root, '../shared/conformance');
const runner = resolve(shared, 'run_cases.py');
if (!existsSync(runner)) {
  process.stderr.write(`conformance: ${shared} is absent; nothing was run\n`);
  process.exit(1);
}
// An absolute loader URL: the runner starts our entry points from its own temp directories.
const node = `${process.execPath} --import ${import.meta.resolve('tsx')}`;
const suites: [string, string[]][] = [
  [
    'data',
    [
      '--cases',
      resolve(shared, 'cases/v3.1.0/data-types.json'),
      '--driver',
      `${node} ${resolve(root, 'src/conformance/test-ovsdb.ts')}`,
    ],
  ],
  [
    'exec',
    [
      '--cases',
      resolve(shared, 'cases/v3.1.0/execution.json'),
      '--schemas',
      resolve(shared, 'cases/v3.1.0/schemas.json'),
      '--client',
      `${node} ${resolve(root, 'src/conformance/transact-client.ts')}`,
    ],
  ],
];
let failed = false;
for (const [kind, args] of suites) {
  process.stdout.write(`== ${kind}\n`);
  const r = spawnSync('python3', [runner, kind, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
