import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ovndb as run } from '../helpers/run-cli.js';

const root = resolve(import.meta.dirname, '../..');
const ovndb = (...args: string[]) => run(args);

describe('the ovndb command', { timeout: 60_000 }, () => {
  test('ovndb gen writes models for a user schema, and --check then agrees', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-gen-'));
    try {
      const schema = resolve(root, 'schemas/ovn-ic-nb.ovsschema');
      const written = await ovndb('gen', schema, '-o', dir);
      assert.equal(written.code, 0, written.stderr);
      const files = (await readdir(dir)).sort();
      assert.ok(files.includes('index.ts') && files.includes('rows.ts'), files.join(' '));
      assert.match(await readFile(join(dir, 'rows.ts'), 'utf8'), /export interface TransitSwitch \{/);
      assert.match(await readFile(join(dir, 'rows.ts'), 'utf8'), /npx ovndb gen/);
      const checked = await ovndb('gen', schema, '-o', dir, '--check');
      assert.equal(checked.code, 0, checked.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an unknown command exits 2 with usage', async () => {
    const r = await ovndb('frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});
