import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoRoot, sharedConformance } from '../../src/conformance/suites.js';
import { startOvsdbServer } from '../../src/testing/ovsdb-server.js';

// The change-tracking cases of Open vSwitch's IDL tests (`-c`, family c-only-track): upstream
// runs them with the C driver only, and the shared runner skips them, so this small runner
// does what run_cases.py does for an idl case (fresh ovsdb-server, pre-transactions, driver,
// `LC_ALL=C sort`, uuidfilt, byte comparison) with `-c` added to the driver's options.
const casesFile = resolve(sharedConformance, 'cases/v3.1.0/idl.json');
const schemasFile = resolve(sharedConformance, 'cases/v3.1.0/schemas.json');
const present = existsSync(casesFile) && existsSync(schemasFile);
const skip =
  !present && process.env.CI !== 'true'
    ? `conformance cases not found at ${sharedConformance}; skipped`
    : false;

interface IdlCase {
  name: string;
  family: string;
  c_flags: string[] | null;
  pre_txns: string[];
  commands: string[];
  expected_output: string;
  sort?: boolean;
  uuidfilt?: boolean;
  filters: string[];
}

const UUID_RE = /[0-9a-fA-F]{8}(?<!ffffffff)-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const UUID_SET_RE = /\["set",\[(?:,?\["uuid","<\d+>"\])+\]\]/g;

/** run_cases.py's uuidfilt: UUIDs to `<N>` by first appearance, then UUID sets re-sorted. */
function uuidfilt(text: string): string {
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
function cSort(text: string): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return lines.map((l) => `${l}\n`).join('');
}

function runDriver(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = [
    '--import',
    import.meta.resolve('tsx'),
    resolve(repoRoot, 'src/conformance/test-ovsdb.ts'),
    ...args,
  ];
  return new Promise((done) => {
    execFile(process.execPath, argv, { cwd, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function runCase(c: IdlCase, schemaFile: string): Promise<void> {
  const server = await startOvsdbServer({ schemas: [schemaFile], tcp: false });
  try {
    for (const txn of c.pre_txns) await server.client('transact', server.unix, txn);
    const args = [...(c.c_flags ?? []), '-t10', 'idl', schemaFile, server.unix, ...c.commands];
    const r = await runDriver(args, server.dir);
    assert.equal(r.code, 0, `driver failed: ${r.stderr.slice(-500)}`);
    let got = c.sort === false ? r.stdout : cSort(r.stdout);
    if (c.uuidfilt !== false) got = uuidfilt(got);
    assert.deepEqual(c.filters, [], 'this runner applies no output filters');
    assert.equal(got, c.expected_output);
  } finally {
    await server.stop();
  }
}

describe('idl change tracking (-c) with Open vSwitch test vectors (v3.1.0)', {
  timeout: 60_000,
  concurrency: 4,
}, () => {
  const cases: IdlCase[] = present
    ? (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: IdlCase[] }).cases.filter(
        (c) => c.family === 'c-only-track',
      )
    : [];
  const dir = mkdtempSync(join(tmpdir(), 'ovndb-idl-track-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const schemaFile = join(dir, 'idltest.ovsschema');
  if (present) {
    const schemas = JSON.parse(readFileSync(schemasFile, 'utf8')) as { schemas: Record<string, unknown> };
    writeFileSync(schemaFile, JSON.stringify(schemas.schemas['idltest.ovsschema']));
  }

  test('the cases are there', { skip }, () => {
    assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
    assert.equal(cases.length, 12);
  });

  // The cases run concurrently (each has its own server) to keep the suite short.
  for (const c of cases) {
    test(c.name, { skip, timeout: 30_000 }, () => runCase(c, schemaFile));
  }
});
