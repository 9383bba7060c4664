/**
 * The API reference (`npm run docs`) builds from the TSDoc without a single warning: every
 * exported symbol a public signature mentions is documented, and every `{@link}` resolves.
 * typedoc.json turns warnings into errors, so a warning fails this run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const typedoc = 'node_modules/typedoc/bin/typedoc';

describe('API reference', { timeout: 120_000 }, () => {
  test('typedoc builds every entry point with no warnings', async () => {
    const { stdout, stderr } = await run(process.execPath, [typedoc, '--emit', 'none'], { timeout: 110_000 });
    const output = `${stdout}${stderr}`;
    assert.doesNotMatch(output, /\[warning\]|\[error\]/, output);
  });
});
