import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { builtinJob } from '../../src/codegen/builtin.js';
import { runGen } from '../../src/codegen/cli.js';
import { type GenerateJob, generate, renderJob } from '../../src/codegen/generate.js';
import { SchemaError } from '../../src/protocol/validation-errors.js';

const SMALL_SCHEMA = {
  name: 'Small',
  version: '1.0.0',
  tables: { Thing: { columns: { name: { type: 'string' } }, isRoot: true } },
};

function captured(): {
  out: string[];
  err: string[];
  io: { out: (l: string) => void; err: (l: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('generate check mode', { timeout: 20000 }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-codegen-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reports every changed, missing and extra file, and write repairs them', async () => {
    const builtin = await builtinJob();
    const job: GenerateJob = { ...builtin, outDir: join(dir, 'generated') };
    const written = await generate(job, 'write');
    assert.equal(written.missing.length, 20);
    assert.equal((await generate(job, 'check')).upToDate, true);

    const rows = join(job.outDir, 'nb/rows.ts');
    await writeFile(rows, `${await readFile(rows, 'utf8')}// hand edit\n`);
    await rm(join(job.outDir, 'sb/index.ts'));
    await writeFile(join(job.outDir, 'nb/stale.ts'), 'export {};\n');

    const report = await generate(job, 'check');
    assert.equal(report.upToDate, false);
    assert.deepEqual(report.changed, ['nb/rows.ts']);
    assert.deepEqual(report.missing, ['sb/index.ts']);
    assert.deepEqual(report.extra, ['nb/stale.ts']);
    // Checking changes nothing on disk.
    assert.equal(await exists(join(job.outDir, 'nb/stale.ts')), true);
    assert.equal(await exists(join(job.outDir, 'sb/index.ts')), false);

    await generate(job, 'write');
    assert.equal(await exists(join(job.outDir, 'nb/stale.ts')), false);
    assert.equal((await generate(job, 'check')).upToDate, true);
  });

  test('a user schema: write, check passes, then fails after an edit; extra files are left alone', async () => {
    const schemaPath = join(dir, 'small.ovsschema');
    await writeFile(schemaPath, JSON.stringify(SMALL_SCHEMA));
    const out = join(dir, 'small');
    const c = captured();
    assert.equal(await runGen([schemaPath, '-o', out], { ...c.io, cwd: dir }), 0);
    const index = await readFile(join(out, 'index.ts'), 'utf8');
    assert.ok(index.includes('small.ovsschema'));
    assert.ok(!index.includes(dir), 'headers carry no absolute path');
    assert.equal(await runGen([schemaPath, '-o', out, '--check'], { ...c.io, cwd: dir }), 0);

    await writeFile(join(out, 'unrelated.ts'), 'export {};\n');
    assert.equal(await runGen([schemaPath, '-o', out, '--check'], { ...c.io, cwd: dir }), 0);

    await writeFile(join(out, 'model.ts'), 'edited\n');
    await rm(join(out, 'rows.ts'));
    const failed = captured();
    assert.equal(await runGen([schemaPath, '-o', out, '--check'], { ...failed.io, cwd: dir }), 1);
    assert.ok(failed.err.some((l) => l.includes('model.ts')));
    assert.ok(failed.err.some((l) => l.includes('rows.ts')));
    assert.equal(await readFile(join(out, 'model.ts'), 'utf8'), 'edited\n');
  });

  test('a bad schema fails with SchemaError, and the CLI exits 1 naming its code', async () => {
    const bad = {
      name: 'Bad',
      tables: { T: { columns: { r: { type: { key: { type: 'uuid', refTable: 'Nope' } } } } } },
    };
    assert.throws(
      () =>
        renderJob({
          outDir: dir,
          ownsOutDir: false,
          databases: [{ schemaJson: bad, folder: '', source: 'bad', command: 'x', modelImport: 'ovndb' }],
        }),
      (e: unknown) => e instanceof SchemaError && e.code === 'OVNDB_SCHEMA_INVALID',
    );
    const path = join(dir, 'bad.ovsschema');
    await writeFile(path, JSON.stringify(bad));
    const c = captured();
    assert.equal(await runGen([path, '-o', join(dir, 'bad')], { ...c.io, cwd: dir }), 1);
    assert.ok(c.err.some((l) => l.includes('OVNDB_SCHEMA_INVALID')));
    assert.equal(await exists(join(dir, 'bad')), false);

    await writeFile(path, '{ not json');
    const notJson = captured();
    assert.equal(await runGen([path, '-o', join(dir, 'bad')], { ...notJson.io, cwd: dir }), 1);
    assert.ok(notJson.err.some((l) => l.includes('OVNDB_CODEGEN_FAILED')));
  });

  test('bad arguments exit 2', async () => {
    for (const argv of [['--bogus'], ['x.ovsschema'], ['-o', 'dir'], ['a', 'b', '-o', 'd'], ['x', '-o']]) {
      const c = captured();
      assert.equal(await runGen(argv, { ...c.io, cwd: dir }), 2, argv.join(' '));
      assert.ok(c.err.length > 0);
    }
  });
});
