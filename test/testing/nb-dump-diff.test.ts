import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { assertSameDatabase, diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

async function nbctl(server: RunningServer, ...args: string[]): Promise<void> {
  await run('ovn-nbctl', [`--db=${server.unix}`, ...args]);
}

/** The same small topology on a server, built by ovn-nbctl. */
async function build(server: RunningServer, routeVia: string): Promise<void> {
  await nbctl(server, 'lr-add', 'r1');
  await nbctl(server, 'lr-add', 'r2');
  await nbctl(server, 'lrp-add', 'r1', 'r1-p', '00:00:00:00:00:01', '10.0.0.1/24');
  await nbctl(server, 'lr-route-add', routeVia, '10.1.0.0/16', '10.0.0.254');
  await nbctl(server, 'ls-add', 's1');
}

describe('whole-database comparison', { timeout: 30_000 }, () => {
  test('equal builds compare equal; a column and a reference difference are each reported', async () => {
    const a = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    const b = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    try {
      await build(a, 'r1');
      await build(b, 'r1');
      const left = await dumpDatabase(a.unix, NB);
      assert.ok((left.tables.get('Logical_Router') ?? []).length === 2);
      assert.deepEqual(diffDumps(left, await dumpDatabase(b.unix, NB)), []);
      assertSameDatabase(left, await dumpDatabase(b.unix, NB));

      await nbctl(b, 'set', 'Logical_Switch', 's1', 'other_config:subnet=10.9.0.0/24');
      const changed = diffDumps(left, await dumpDatabase(b.unix, NB));
      assert.equal(changed.length, 2);
      assert.match(changed[0] as string, /^Logical_Switch: only (left|right): /);
      assert.ok(changed.some((line) => line.includes('subnet')));
      // Ignoring the column makes them equal again.
      assert.deepEqual(
        diffDumps(left, await dumpDatabase(b.unix, NB), { ignore: { Logical_Switch: ['other_config'] } }),
        [],
      );
      assert.throws(() => assertSameDatabase(left, { database: NB, tables: new Map() }), /differ/);

      // The same route attached to the other router: the routers differ by what they refer to.
      const c = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
      try {
        await build(c, 'r2');
        const moved = diffDumps(left, await dumpDatabase(c.unix, NB));
        assert.ok(moved.length > 0);
        assert.ok(moved.every((line) => line.startsWith('Logical_Router: ')));
        assert.ok(moved.some((line) => line.includes('Logical_Router_Static_Route{')));
      } finally {
        await c.stop();
      }
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
