import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  ConnectionClosedError,
  connect,
  InvalidOperationError,
  InvalidValueError,
  op,
  RequestTimeoutError,
  UnknownDatabaseError,
} from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

async function nbctl(server: RunningServer, ...args: string[]): Promise<string> {
  return (await run('ovn-nbctl', [`--db=${server.unix}`, ...args])).stdout;
}

describe('client basics against a real ovsdb-server', { timeout: 60_000 }, () => {
  const nb = nbFixture();

  test('listDbs matches ovsdb-client list-dbs', async () => {
    const dbs = await nb.client.listDbs();
    const expected = (await nb.server.client('list-dbs', nb.server.unix)).trim().split('\n');
    assert.deepEqual([...dbs].sort(), [...expected].sort());
    assert.ok(dbs.includes(NB) && dbs.includes('_Server'));
  });

  test('getSchema returns the schema ovsdb-client get-schema prints', async () => {
    const schema = await nb.client.getSchema(NB);
    const expected = JSON.parse(await nb.server.client('get-schema', nb.server.unix, NB));
    assert.deepEqual(schema.json, expected);
    assert.equal(schema.name, NB);
    assert.ok(schema.tables.get('Logical_Router')?.columns.has('static_routes'));
  });

  test('transact inserts a router and routes that ovn-nbctl sees', async () => {
    const results = await nb.client.transact(NB, [
      op.insert(
        'Logical_Router_Static_Route',
        { ip_prefix: '10.1.0.0/16', nexthop: '172.18.0.1' },
        { uuidName: 'r' },
      ),
      op.insert(
        'Logical_Router',
        { name: 'lr-basic', static_routes: ['named-uuid', 'r'] },
        { uuidName: 'lr' },
      ),
    ]);
    assert.equal(results.length, 2);
    const routes = await nbctl(nb.server, 'lr-route-list', 'lr-basic');
    assert.match(routes, /10\.1\.0\.0\/16\s+172\.18\.0\.1/);
  });

  test('insert with a client-chosen uuid keeps that uuid', async () => {
    const uuid = '2b0d8f6e-7c5a-4a3e-9a57-0d1c2b3a4f50';
    const [result] = await nb.client.transact(NB, [
      op.insert('Logical_Switch', { name: 'ls-uuid' }, { uuid }),
    ]);
    assert.deepEqual(result, { uuid: ['uuid', uuid] });
    assert.equal((await nbctl(nb.server, 'get', 'Logical_Switch', 'ls-uuid', '_uuid')).trim(), uuid);
  });

  test('update, mutate, select and delete round trip', async () => {
    await nb.client.transact(NB, [op.insert('Logical_Switch', { name: 'ls-rt' })]);
    const [updated] = await nb.client.transact(NB, [
      op.update('Logical_Switch', [['name', '==', 'ls-rt']], {
        other_config: ['map', [['subnet', '10.9.0.0/24']]],
      }),
    ]);
    assert.deepEqual(updated, { count: 1 });
    await nb.client.transact(NB, [
      op.mutate(
        'Logical_Switch',
        [['name', '==', 'ls-rt']],
        [['external_ids', 'insert', ['map', [['vendor', 'kube-ovn']]]]],
      ),
    ]);
    assert.equal(
      (await nbctl(nb.server, 'get', 'Logical_Switch', 'ls-rt', 'external_ids:vendor')).trim(),
      'kube-ovn',
    );
    assert.equal(
      (await nbctl(nb.server, 'get', 'Logical_Switch', 'ls-rt', 'other_config:subnet')).trim(),
      '"10.9.0.0/24"',
    );
    const [selected] = await nb.client.transact(NB, [
      op.select('Logical_Switch', [['name', '==', 'ls-rt']], ['name']),
    ]);
    assert.deepEqual(selected, { rows: [{ name: 'ls-rt' }] });
    const [deleted] = await nb.client.transact(NB, [op.delete('Logical_Switch', [['name', '==', 'ls-rt']])]);
    assert.deepEqual(deleted, { count: 1 });
    assert.doesNotMatch(await nbctl(nb.server, 'ls-list'), /ls-rt/);
  });

  test('bad input fails before sending and writes nothing', async () => {
    const before = await nbctl(nb.server, 'lr-list');
    await assert.rejects(nb.client.transact(NB, [op.insert('No_Such_Table', {})]), (e: unknown) => {
      assert.ok(e instanceof InvalidOperationError);
      assert.equal(e.reason, 'unknown-table');
      assert.equal(e.table, 'No_Such_Table');
      return true;
    });
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Logical_Router', { name: 'x', no_such_column: 1 })]),
      (e: unknown) => e instanceof InvalidOperationError && e.column === 'no_such_column',
    );
    await assert.rejects(
      nb.client.transact(NB, [
        op.insert('Logical_Router', { name: 'lr-bad' }),
        op.insert('Logical_Router_Static_Route', {
          ip_prefix: '1.0.0.0/8',
          nexthop: '1.1.1.1',
          policy: 'sideways',
        }),
      ]),
      (e: unknown) => {
        assert.ok(e instanceof InvalidValueError);
        assert.equal(e.table, 'Logical_Router_Static_Route');
        assert.equal(e.column, 'policy');
        assert.equal(e.value, 'sideways');
        return true;
      },
    );
    await assert.rejects(
      nb.client.transact(NB, [op.insert('Logical_Router', { name: 42 })]),
      (e: unknown) => e instanceof InvalidValueError && e.column === 'name',
    );
    assert.equal(await nbctl(nb.server, 'lr-list'), before);
  });

  test('a request to an unknown database fails with UnknownDatabaseError', async () => {
    await assert.rejects(nb.client.transact('No_Such_Db', [], { validate: false }), UnknownDatabaseError);
    await assert.rejects(nb.client.getSchema('No_Such_Db'), UnknownDatabaseError);
  });

  test('echo returns its params; get_server_id is a stable uuid', async () => {
    assert.deepEqual(await nb.client.echo(['ping', 1, { a: [true] }]), ['ping', 1, { a: [true] }]);
    const id = await nb.client.getServerId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const other = await connect(nb.server.unix);
    try {
      assert.equal(await other.getServerId(), id);
    } finally {
      await other.close();
    }
  });

  test('a per-call timeout rejects with RequestTimeoutError; abort sends cancel', async () => {
    // A wait with no timeout for a row that never appears blocks on the nb.server.
    const blocking = [
      op.wait('Logical_Router', [['name', '==', 'never']], ['name'], '==', [{ name: 'never' }]),
    ];
    await assert.rejects(nb.client.transact(NB, blocking, { timeoutMs: 150 }), RequestTimeoutError);
    const controller = new AbortController();
    const pending = nb.client.transact(NB, blocking, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e: unknown) => (e as { code?: string }).code === 'OVNDB_ABORTED');
    // The connection is still usable afterwards.
    assert.deepEqual(await nb.client.echo(['still here']), ['still here']);
  });

  test('close rejects pending requests with ConnectionClosedError and reports state', async () => {
    const other = await connect(nb.server.unix);
    const states: string[] = [];
    other.on('state', (s) => states.push(s.status));
    const pending = other.transact(
      NB,
      [op.wait('Logical_Router', [['name', '==', 'never']], ['name'], '==', [{ name: 'never' }])],
      { validate: false },
    );
    await other.echo();
    await other.close();
    await assert.rejects(pending, ConnectionClosedError);
    assert.equal(other.state.status, 'closed');
    assert.deepEqual(states, ['closing', 'closed']);
    await other.close();
  });
});

describe('wire trace and logger', { timeout: 20_000 }, () => {
  test('trace sees every frame in and out; the logger hears about the connection', async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    const frames: [string, string][] = [];
    const lines: string[] = [];
    const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
    try {
      const client = await connect(server.unix, {
        trace: (direction, frame) => frames.push([direction, frame]),
        logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      });
      await client.echo(['traced']);
      await client.close();
      const out = frames.filter(([d]) => d === 'out').map(([, f]) => JSON.parse(f));
      const inbound = frames.filter(([d]) => d === 'in').map(([, f]) => JSON.parse(f));
      assert.deepEqual(out[0].method, 'echo');
      assert.deepEqual(out[0].params, ['traced']);
      assert.equal(out[0].jsonrpc, undefined);
      assert.deepEqual(inbound[0].result, ['traced']);
      assert.ok(lines.some((l) => l.startsWith('info connected')));
    } finally {
      await server.stop();
    }
  });
});

describe('echo from the server', { timeout: 30_000 }, () => {
  test("the server's inactivity probe (echo) is answered and the session stays up", async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: true });
    try {
      let answered: () => void;
      const probeAnswered = new Promise<void>((resolve) => {
        answered = resolve;
      });
      let probeId: unknown;
      const client = await connect(server.tcp!, {
        trace: (direction, frame) => {
          const message = JSON.parse(frame);
          if (direction === 'in' && message.method === 'echo') probeId = message.id;
          if (direction === 'out' && probeId !== undefined && message.id === probeId && 'result' in message) {
            answered();
          }
        },
      });
      try {
        // ovsdb-server probes an idle tcp session after about 5 s.
        await probeAnswered;
        assert.ok((await client.listDbs()).includes('OVN_Northbound'));
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
  });
});
