import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect } from '../../src/index.js';
import {
  assertSameDatabase,
  DatabasesDifferError,
  diffDumps,
  dumpDatabase,
  ovnSchemaPath,
  type RunningServer,
  startOvsdbServer,
} from '../../src/testing/index.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

async function nbctl(server: RunningServer, ...args: string[]): Promise<void> {
  await run('ovn-nbctl', [`--db=${server.unix}`, ...args]);
}

/** The same small topology, built by ovn-nbctl; the static route goes on `routeVia`. */
async function build(server: RunningServer, routeVia = 'r1'): Promise<void> {
  await nbctl(server, 'init');
  await nbctl(server, 'lr-add', 'r1');
  await nbctl(server, 'lr-add', 'r2');
  await nbctl(server, 'lrp-add', 'r1', 'r1-s1', '00:00:00:00:01:01', '10.0.0.1/24');
  await nbctl(server, 'ls-add', 's1');
  await nbctl(server, 'lsp-add', 's1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '00:00:00:00:00:01 10.0.0.2');
  await nbctl(server, 'lsp-add', 's1', 's1-r1', '--', 'lsp-set-type', 's1-r1', 'router');
  await nbctl(server, 'lr-route-add', routeVia, '10.1.0.0/16', '10.0.0.254');
  await nbctl(server, 'lr-route-add', 'r1', '10.2.0.0/16', '10.0.0.253');
  await nbctl(server, 'lr-policy-add', 'r1', '100', 'ip4.dst == 10.3.0.0/16', 'drop');
  await nbctl(server, 'acl-add', 's1', 'to-lport', '1000', 'ip4.src == 10.0.0.9', 'drop');
}

describe('whole-database comparison', { timeout: 30_000 }, () => {
  const servers: RunningServer[] = [];
  const fresh = async (): Promise<RunningServer> => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    servers.push(server);
    return server;
  };
  let a: RunningServer;
  let b: RunningServer;
  before(async () => {
    a = await fresh();
    b = await fresh();
    await build(a);
    await build(b);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  test('two servers built with the same commands compare equal in every table', async () => {
    const left = await dumpDatabase(a.unix, NB);
    const client = await connect(b.unix);
    try {
      const right = await dumpDatabase(client, NB);
      assert.equal(left.tables.get('Logical_Router')?.length, 2);
      assert.equal(left.tables.get('Logical_Router_Static_Route')?.length, 2);
      // Every table of the schema is in the dump, empty ones too.
      const schema = await client.getSchema(NB);
      assert.deepEqual([...left.tables.keys()].sort(), [...schema.tables.keys()].sort());
      // References read as the row they point to, never as a UUID.
      const r1 = left.tables.get('Logical_Router')?.find((row) => row.name === '"r1"');
      assert.equal(r1?.ports, 'Logical_Router_Port{name="r1-s1"}');
      assert.match(r1?.static_routes ?? '', /Logical_Router_Static_Route\{.*ip_prefix="10.1.0.0\/16"/);
      assert.doesNotMatch(JSON.stringify([...left.tables]), /[0-9a-f]{8}-[0-9a-f]{4}-/);
      assert.deepEqual(diffDumps(left, right), []);
      assertSameDatabase(left, right);
    } finally {
      await client.close();
    }
  });

  test('one changed column is exactly one difference naming the row, column and both values', async () => {
    const c = await fresh();
    await build(c);
    await nbctl(c, 'set', 'Logical_Switch', 's1', 'other_config:subnet=10.9.0.0/24');
    const left = await dumpDatabase(a.unix, NB);
    const right = await dumpDatabase(c.unix, NB);
    assert.deepEqual(diffDumps(left, right), [
      'Logical_Switch{name="s1"}: other_config: only right ["subnet"="10.9.0.0/24"]',
    ]);
    assert.deepEqual(diffDumps(left, right, { ignore: { Logical_Switch: ['other_config'] } }), []);
    assert.throws(
      () => assertSameDatabase(left, right),
      (error: unknown) => {
        assert.ok(error instanceof DatabasesDifferError);
        assert.equal(error.code, 'OVNDB_DATABASES_DIFFER');
        assert.equal(error.differences.length, 1);
        return true;
      },
    );

    // A referenced row with a name is compared once, in its own table, not again in each referrer.
    await nbctl(c, 'set', 'Logical_Router_Port', 'r1-s1', 'mac="00:00:00:00:01:99"');
    const changed = diffDumps(left, await dumpDatabase(c.unix, NB), {
      ignore: { Logical_Switch: ['other_config'] },
    });
    assert.deepEqual(changed, [
      'Logical_Router_Port{name="r1-s1"}: mac: left "00:00:00:00:01:01" | right "00:00:00:00:01:99"',
    ]);
  });

  test('a row without a name is paired by likeness; the changed column is reported', async () => {
    const c = await fresh();
    await build(c);
    // A route has no name: find it by prefix and change it by UUID.
    const uuid = (
      await run('ovn-nbctl', [
        `--db=${c.unix}`,
        '--bare',
        '--columns=_uuid',
        'find',
        'Logical_Router_Static_Route',
        'ip_prefix="10.2.0.0/16"',
      ])
    ).stdout.trim();
    await nbctl(c, 'set', 'Logical_Router_Static_Route', uuid, 'nexthop="10.0.0.252"');
    const lines = diffDumps(await dumpDatabase(a.unix, NB), await dumpDatabase(c.unix, NB));
    assert.ok(
      lines.includes(
        'Logical_Router_Static_Route{ip_prefix="10.2.0.0/16"}: nexthop: left "10.0.0.253" | right "10.0.0.252"',
      ),
      lines.join('\n'),
    );
    // The router holding it refers to it by content, so it differs too; nothing else does.
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(
      lines.find((l) => l.startsWith('Logical_Router{')) ?? '',
      /^Logical_Router\{name="r1"\}: static_routes: /,
    );
  });

  test('a route attached to the other router is reported on both routers', async () => {
    const c = await fresh();
    await build(c, 'r2');
    const lines = diffDumps(await dumpDatabase(a.unix, NB), await dumpDatabase(c.unix, NB));
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(
      lines[0] as string,
      /^Logical_Router\{name="r1"\}: static_routes: only left \[Logical_Router_Static_Route\{.*ip_prefix="10\.1\.0\.0\/16".*\}\]$/,
    );
    assert.match(
      lines[1] as string,
      /^Logical_Router\{name="r2"\}: static_routes: only right \[Logical_Router_Static_Route\{.*ip_prefix="10\.1\.0\.0\/16".*\}\]$/,
    );
  });

  test('a row only one side has is reported as such, in any table', async () => {
    const c = await fresh();
    await build(c);
    await nbctl(c, 'create', 'Address_Set', 'name=as1', 'addresses="10.0.0.5"');
    const left = await dumpDatabase(a.unix, NB);
    const right = await dumpDatabase(c.unix, NB);
    assert.deepEqual(diffDumps(left, right), [
      'Address_Set: only right: addresses="10.0.0.5", external_ids={}, name="as1"',
    ]);
    assert.deepEqual(diffDumps(right, left), [
      'Address_Set: only left: addresses="10.0.0.5", external_ids={}, name="as1"',
    ]);
    // A hand-made dump (no raw rows kept) is still compared, by its texts.
    assert.ok(diffDumps(left, { database: NB, tables: new Map() }).length > 0);
  });
});
