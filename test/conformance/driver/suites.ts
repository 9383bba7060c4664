/**
 * The conformance suites: which cases of ../shared/conformance run through which of our
 * drivers, as arguments of its run_cases.py. Shared by `npm run conformance` and the tests.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../../..');
/** Where the Open vSwitch test vectors and their runner are expected: beside the repository. */
export const sharedConformance = resolve(repoRoot, '../shared/conformance');
/** The runner script. */
export const runCasesScript = resolve(sharedConformance, 'run_cases.py');

/** One suite: the runner's sub-command, its arguments, and how many cases must pass. */
export interface ConformanceSuite {
  /** A short name for reports and test titles. */
  name: string;
  kind: 'data' | 'exec' | 'idl';
  args: string[];
  expectedPassed: number;
}

/** A shell command that runs one of our TypeScript entry points from any working directory. */
function tsxCommand(script: string): string {
  // An absolute loader URL: the runner starts drivers from its own temporary directories.
  const words = [process.execPath, '--import', import.meta.resolve('tsx'), resolve(repoRoot, script)];
  return words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

/**
 * Six cases of cond-mutation.json expect a first output line `dnl`: an m4 comment of OVS's
 * .at files that the extraction kept and that OVS's test program never prints. This reads the
 * cases, drops such leading `dnl` lines from the expected output, and returns the path of the
 * copy (in the temporary directory); everything else is unchanged. When the cases file is
 * absent the path is returned as is, for the caller to report.
 */
function withoutM4Comments(casesFile: string): string {
  if (!existsSync(casesFile)) return casesFile;
  const doc = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: { expected_stdout?: string }[] };
  for (const c of doc.cases) {
    if (c.expected_stdout !== undefined) c.expected_stdout = c.expected_stdout.replace(/^(dnl\n)+/, '');
  }
  const dir = mkdtempSync(join(tmpdir(), 'ovndb-cases-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, basename(casesFile));
  writeFileSync(copy, JSON.stringify(doc));
  return copy;
}

/** The suites, against the OVS 3.1.0 cases (the ovsdb-server Debian ships). */
export function conformanceSuites(): ConformanceSuite[] {
  const cases = resolve(sharedConformance, 'cases/v3.1.0');
  return [
    {
      name: 'data-types',
      kind: 'data',
      args: [
        '--cases',
        resolve(cases, 'data-types.json'),
        '--driver',
        tsxCommand('test/conformance/driver/test-ovsdb.ts'),
      ],
      expectedPassed: 126,
    },
    {
      // Upstream runs these only against its C driver, hence --all-impls.
      name: 'cond-mutation',
      kind: 'data',
      args: [
        '--all-impls',
        '--cases',
        withoutM4Comments(resolve(cases, 'cond-mutation.json')),
        '--driver',
        tsxCommand('test/conformance/driver/test-ovsdb.ts'),
      ],
      expectedPassed: 39,
    },
    {
      name: 'execution',
      kind: 'exec',
      args: [
        '--cases',
        resolve(cases, 'execution.json'),
        '--schemas',
        resolve(cases, 'schemas.json'),
        '--client',
        tsxCommand('test/conformance/driver/transact-client.ts'),
      ],
      expectedPassed: 26,
    },
  ];
}

/**
 * The IDL suite: Open vSwitch's `idl` cases (tests/ovsdb-idl.at) through our driver's `idl`
 * command, each against its own real ovsdb-server. The runner skips what Python's driver does
 * not run upstream (C-only, cluster and hand-written cases, and the change-tracking cases that
 * need `-c`; those run in test/conformance/idl-track.test.ts). Kept apart from
 * {@link conformanceSuites} so that its own test file runs it.
 */
export function idlSuite(): ConformanceSuite {
  return {
    name: 'idl',
    kind: 'idl',
    args: [
      '--cases',
      resolve(sharedConformance, 'cases/v3.1.0/idl.json'),
      '--driver',
      tsxCommand('test/conformance/driver/test-ovsdb.ts'),
    ],
    expectedPassed: 35,
  };
}
