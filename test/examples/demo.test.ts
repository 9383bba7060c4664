import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', { timeout: 60_000 }, () => {
  test('runs to the end: replica, change stream, transactions, ovn-nbctl shows the three routes', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      timeout: 50_000,
    });
    assert.match(stdout, /replica sees vpc-demo with 2 routes right after the commit/);
    assert.match(stdout, /optimistic transaction: 3 routes after 1 attempt/);
    assert.match(stdout, /change: update Logical_Router/);
    for (const prefix of ['10.0.1.0/24', '192.168.0.0/16', '0.0.0.0/0']) {
      assert.match(
        stdout,
        new RegExp(`^\\s+${prefix.replace(/\./g, '\\.')}\\s`, 'm'),
        `ovn-nbctl lists ${prefix}`,
      );
    }
    assert.match(stdout, /sandbox stopped/);
  });
});
