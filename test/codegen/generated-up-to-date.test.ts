import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { builtinJob } from '../../src/codegen/builtin.js';
import { generate, renderJob } from '../../src/codegen/generate.js';

async function filesUnder(root: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await filesUnder(root, path)));
    else found.push(path);
  }
  return found.sort();
}

describe('src/generated', { timeout: 20000 }, () => {
  test('matches a fresh in-memory rendering of schemas/, file by file', async () => {
    const job = await builtinJob();
    const rendered = renderJob(job);
    // Compared here directly (not only through generate) so a failure names the file.
    assert.deepEqual(
      await filesUnder(job.outDir),
      rendered.map((f) => f.path),
    );
    for (const file of rendered) {
      const onDisk = await readFile(join(job.outDir, file.path), 'utf8');
      assert.equal(onDisk, file.text, `${file.path} is stale: run npm run gen`);
    }
  });

  test('check mode agrees: nothing changed, missing or extra', async () => {
    const report = await generate(await builtinJob(), 'check');
    assert.deepEqual(
      { changed: report.changed, missing: report.missing, extra: report.extra },
      { changed: [], missing: [], extra: [] },
    );
    assert.equal(report.upToDate, true);
    assert.equal(report.files.length, 20);
  });

  test('rendering is deterministic', async () => {
    const job = await builtinJob();
    assert.deepEqual(renderJob(job), renderJob(job));
  });
});
