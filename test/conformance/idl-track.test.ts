import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startOvsdbServer } from '../../src/testing/ovsdb-server.js';
import {
  cSort,
  idlCases,
  idltestSchemaFile,
  present,
  runDriver,
  skip,
  uuidfilt,
} from '../helpers/idl-cases.js';
import { sharedConformance } from './driver/suites.js';

// The change-tracking cases of Open vSwitch's IDL tests (`-c`, family c-only-track): upstream
// runs them with the C driver only, and the shared runner skips them, so this small runner
// does what run_cases.py does for an idl case (fresh ovsdb-server, pre-transactions, driver,
// `LC_ALL=C sort`, uuidfilt, byte comparison) with `-c` added to the driver's options.
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
  const cases = idlCases<IdlCase>('c-only-track');
  const schemaFile = idltestSchemaFile('ovndb-idl-track-');

  test('the cases are there', { skip }, () => {
    assert.ok(present, `conformance cases missing at ${sharedConformance} (required when CI=true)`);
    assert.equal(cases.length, 12);
  });

  // The cases run concurrently (each has its own server) to keep the suite short.
  for (const c of cases) {
    test(c.name, { skip, timeout: 30_000 }, () => runCase(c, schemaFile));
  }
});
