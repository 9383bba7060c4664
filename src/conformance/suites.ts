/**
 * The conformance suites: which cases of ../shared/conformance run through which of our
 * drivers, as arguments of its run_cases.py. Shared by `npm run conformance` and the tests.
 */
import { resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');
/** Where the Open vSwitch test vectors and their runner are expected: beside the repository. */
export const sharedConformance = resolve(repoRoot, '../shared/conformance');
/** The runner script. */
export const runCasesScript = resolve(sharedConformance, 'run_cases.py');

/** One suite: the runner's sub-command, its arguments, and how many cases must pass. */
export interface ConformanceSuite {
  kind: 'data' | 'exec';
  args: string[];
  expectedPassed: number;
}

/** A shell command that runs one of our TypeScript entry points from any working directory. */
function tsxCommand(script: string): string {
  // An absolute loader URL: the runner starts drivers from its own temporary directories.
  const words = [process.execPath, '--import', import.meta.resolve('tsx'), resolve(repoRoot, script)];
  return words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

/** The suites, against the OVS 3.1.0 cases (the ovsdb-server Debian ships). */
export function conformanceSuites(): ConformanceSuite[] {
  const cases = resolve(sharedConformance, 'cases/v3.1.0');
  return [
    {
      kind: 'data',
      args: [
        '--cases',
        resolve(cases, 'data-types.json'),
        '--driver',
        tsxCommand('src/conformance/test-ovsdb.ts'),
      ],
      expectedPassed: 126,
    },
    {
      kind: 'exec',
      args: [
        '--cases',
        resolve(cases, 'execution.json'),
        '--schemas',
        resolve(cases, 'schemas.json'),
        '--client',
        tsxCommand('src/conformance/transact-client.ts'),
      ],
      expectedPassed: 26,
    },
  ];
}
