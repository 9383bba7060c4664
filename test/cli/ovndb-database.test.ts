/**
 * `ovndb list-dbs | get-schema | transact | query` against a real ovsdb-server, with OVN's own
 * ovn-nbctl as the judge of what was written, and the exit codes of docs/cli.md.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { ovndb } from '../helpers/run-cli.js';

const run = promisify(execFile);

describe('ovndb database commands', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let unix: string;
  const nbctl = async (...args: string[]) =>
    (await run('ovn-nbctl', [`--db=${unix}`, ...args])).stdout.trim();

  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true });
    unix = server.unix;
  });
  after(async () => {
    await server?.stop();
  });

  test('list-dbs prints each database on its own line', async () => {
    const r = await ovndb(['list-dbs', server.tcp!]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['OVN_Northbound', '_Server']);
  });

  test('get-schema prints the schema the server runs; the database may be left out when there is one', async () => {
    const file = JSON.parse(await readFile(ovnSchemaPath('nb'), 'utf8')) as {
      version: string;
      tables: object;
    };
    for (const args of [
      ['get-schema', unix, 'OVN_Northbound'],
      ['get-schema', unix],
    ]) {
      const r = await ovndb(args);
      assert.equal(r.code, 0, r.stderr);
      const printed = JSON.parse(r.stdout) as { name: string; version: string; tables: object };
      assert.equal(printed.name, 'OVN_Northbound');
      assert.equal(printed.version, file.version);
      assert.deepEqual(Object.keys(printed.tables).sort(), Object.keys(file.tables).sort());
    }
    const missing = await ovndb(['get-schema', unix, 'Open_vSwitch']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no database Open_vSwitch \(it has .*OVN_Northbound/);
  });

  test('transact writes, prints the results, and ovn-nbctl sees the rows', async () => {
    const txn = JSON.stringify([
      'OVN_Northbound',
      {
        op: 'insert',
        table: 'Logical_Router',
        row: { name: 'cli-r1', external_ids: ['map', [['vpc', 'v1']]] },
      },
    ]);
    const r = await ovndb(['transact', unix, txn]);
    assert.equal(r.code, 0, r.stderr);
    const [result] = JSON.parse(r.stdout) as [{ uuid: [string, string] }];
    assert.equal(result.uuid[0], 'uuid');
    assert.equal(await nbctl('get', 'Logical_Router', 'cli-r1', '_uuid'), result.uuid[1]);
    assert.equal(await nbctl('get', 'Logical_Router', 'cli-r1', 'external_ids:vpc'), 'v1');
    // The same from standard input.
    const fromStdin = await ovndb(['transact', unix, '-'], {
      input: JSON.stringify([
        'OVN_Northbound',
        { op: 'insert', table: 'Logical_Router', row: { name: 'cli-r2' } },
      ]),
    });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal(await nbctl('get', 'Logical_Router', 'cli-r2', 'name'), 'cli-r2');
  });

  test('a transaction naming a column the table lacks exits 1, names table and column, and writes nothing', async () => {
    const before = await nbctl('--bare', '--columns=name', 'list', 'Logical_Router');
    const txn = JSON.stringify([
      'OVN_Northbound',
      { op: 'insert', table: 'Logical_Router', row: { name: 'ok' } },
      { op: 'insert', table: 'Logical_Router', row: { nmae: 'typo' } },
    ]);
    const r = await ovndb(['transact', unix, txn]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /table Logical_Router has no column nmae/);
    assert.match(r.stderr, /OVNDB_INVALID_OPERATION/);
    assert.equal(await nbctl('--bare', '--columns=name', 'list', 'Logical_Router'), before);
  });

  test('a constraint the server refuses exits 1 with its error', async () => {
    const insert = { op: 'insert', table: 'Address_Set', row: { name: 'as1' } };
    const r = await ovndb(['transact', unix, JSON.stringify(['OVN_Northbound', insert, insert])]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /constraint violation/i);
    assert.match(r.stderr, /Address_Set/);
    assert.equal(await nbctl('--bare', '--columns=name', 'list', 'Address_Set'), '');
  });

  test('a malformed transaction is a usage error (exit 2)', async () => {
    for (const bad of ['{not json', '[{"op":"insert"}]']) {
      const r = await ovndb(['transact', unix, bad]);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /TRANSACTION:/);
    }
  });

  test('query prints rows as a table, as ndjson and as json, filtered by --where', async () => {
    const table = await ovndb(['query', unix, 'OVN_Northbound', 'Logical_Router', 'name', 'external_ids']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^_uuid\s+name\s+external_ids$/);
    assert.match(table.stdout, /cli-r1\s+\{vpc=v1\}/);
    const nd = await ovndb([
      'query',
      unix,
      'OVN_Northbound',
      'Logical_Router',
      'name',
      '-w',
      'name==cli-r1',
      '-f',
      'ndjson',
    ]);
    assert.equal(nd.code, 0, nd.stderr);
    const rows = nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; _uuid: string });
    assert.deepEqual(
      rows.map((r) => r.name),
      ['cli-r1'],
    );
    assert.equal(rows[0]!._uuid, await nbctl('get', 'Logical_Router', 'cli-r1', '_uuid'));
    const json = await ovndb([
      'query',
      unix,
      'OVN_Northbound',
      'Logical_Router',
      '--where',
      'external_ids includes {"vpc":"v1"}',
      '--format',
      'json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { name: string; external_ids: Record<string, string> }[];
    assert.deepEqual(
      parsed.map((r) => [r.name, r.external_ids]),
      [['cli-r1', { vpc: 'v1' }]],
    );
  });

  test('query refuses an unknown table, column or clause with exit 2, naming it', async () => {
    const cases: [string[], RegExp][] = [
      [['query', unix, 'OVN_Northbound', 'Logical_Routr'], /no table Logical_Routr/],
      [['query', unix, 'OVN_Northbound', 'Logical_Router', 'nam'], /table Logical_Router has no column nam/],
      [['query', unix, 'OVN_Northbound', 'Logical_Router', '-w', 'name~lr'], /not COLUMN OP VALUE/],
      [['query', unix, 'OVN_Northbound', 'Logical_Router', '-f', 'xml'], /argument 'xml' is invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await ovndb(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });

  test('an unreachable server exits 3', async () => {
    const r = await ovndb(['list-dbs', `unix:${server.dir}/nothing.sock`]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /OVNDB_CONNECT_FAILED/);
  });

  test('every command has --help (exit 0), unknown ones exit 2', async () => {
    const commands = [
      [],
      ['list-dbs'],
      ['get-schema'],
      ['transact'],
      ['query'],
      ['monitor'],
      ['lab'],
      ['lab', 'up'],
      ['lab', 'down'],
      ['lab', 'env'],
      ['vpc'],
      ['vpc', 'apply'],
      ['ic'],
      ['ic', 'status'],
    ];
    const results = await Promise.all(commands.map((c) => ovndb([...c, '--help'])));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 0, `${commands[i]!.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: ovndb ${commands[i]!.join(' ')}`), commands[i]!.join(' '));
    }
    const gen = await ovndb(['gen', '--help']);
    assert.equal(gen.code, 0);
    assert.match(gen.stdout, /usage: gen/);
    const unknown = await ovndb(['list-dbs', unix, '--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--frobnicate'/);
  });
});
