/**
 * What the IDL conformance runners share: where Open vSwitch's idl cases and schemas are
 * (../shared/conformance, required in CI, skipped with a message elsewhere), run_cases.py's
 * output filters (`uuidfilt`, `LC_ALL=C sort`), the idltest schema written to a file, and our
 * driver run as upstream runs test-ovsdb.py.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import { repoRoot, sharedConformance } from '../conformance/driver/suites.js';
import { envWithoutCoverage } from './child-env.js';

export const casesFile = resolve(sharedConformance, 'cases/v3.1.0/idl.json');
const schemasFile = resolve(sharedConformance, 'cases/v3.1.0/schemas.json');
/** The vectors are there. */
export const present = existsSync(casesFile) && existsSync(schemasFile);
/** The `skip` option of a test that needs them: a message outside CI, never in CI (there they must be present). */
export const skip: string | false =
  !present && process.env.CI !== 'true'
    ? `conformance cases not found at ${sharedConformance}; skipped`
    : false;

/** The cases of `family` from idl.json (none when absent). */
export function idlCases<C extends { family: string }>(family: string): C[] {
  return present
    ? (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: C[] }).cases.filter((c) => c.family === family)
    : [];
}

/**
 * Writes idltest.ovsschema into a temp dir removed after the suite (register from a describe
 * block), and returns its path.
 */
export function idltestSchemaFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'idltest.ovsschema');
  if (present) {
    const schemas = JSON.parse(readFileSync(schemasFile, 'utf8')) as { schemas: Record<string, unknown> };
    writeFileSync(file, JSON.stringify(schemas.schemas['idltest.ovsschema']));
  }
  return file;
}

const UUID_RE = /[0-9a-fA-F]{8}(?<!ffffffff)-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const UUID_SET_RE = /\["set",\[(?:,?\["uuid","<\d+>"\])+\]\]/g;

/** run_cases.py's uuidfilt: UUIDs to `<N>` by first appearance, then UUID sets re-sorted. */
export function uuidfilt(text: string): string {
  const seen = new Map<string, number>();
  const marker = (u: string) => {
    if (!seen.has(u)) seen.set(u, seen.size);
    return `<${seen.get(u)}>`;
  };
  return text
    .split(/(?<=\n)/)
    .map((line) =>
      line.replace(UUID_RE, marker).replace(UUID_SET_RE, (set) => {
        const nums = [...set.matchAll(/<(\d+)>/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
        return `["set",[${nums.map((n) => `["uuid","<${n}>"]`).join(',')}]]`;
      }),
    )
    .join('');
}

/** `LC_ALL=C sort`: byte order. */
export function cSort(text: string): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return lines.map((l) => `${l}\n`).join('');
}

/** One driver run. */
export interface DriverRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs test/conformance/driver/test-ovsdb.ts in a child process, as run_cases.py runs the driver. */
export function runDriver(args: string[], cwd: string, timeoutMs = 30_000): Promise<DriverRun> {
  const argv = [
    '--import',
    import.meta.resolve('tsx'),
    resolve(repoRoot, 'test/conformance/driver/test-ovsdb.ts'),
    ...args,
  ];
  const started = performance.now();
  return new Promise((done) => {
    // Run from another directory, tsx compiles src/ without our tsconfig: no coverage from it.
    execFile(
      process.execPath,
      argv,
      { cwd, timeout: timeoutMs, env: envWithoutCoverage() },
      (error, stdout, stderr) =>
        done({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          ms: performance.now() - started,
        }),
    );
  });
}
