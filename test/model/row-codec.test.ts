import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { LogicalRouter, LogicalSwitchPort } from '../../src/generated/nb/index.js';
import {
  LogicalRouterStaticRouteTable,
  LogicalRouterTable,
  LogicalSwitchPortTable,
  LogicalSwitchTable,
  QoSTable,
} from '../../src/generated/nb/index.js';
import { op } from '../../src/index.js';
import {
  buildDatabaseModel,
  CLEAR,
  decodeRow,
  decodeValue,
  encodeRow,
  encodeValue,
  InvalidUuidError,
  NamedRef,
  namedRef,
  type RowWrite,
  toUuid,
  type Uuid,
} from '../../src/model/index.js';
import type { ColumnType } from '../../src/protocol/column-type.js';
import { InvalidOperationError } from '../../src/protocol/validation.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const run = promisify(execFile);
const U1 = '2b0d8f6e-7c5a-4a3e-9a57-0d1c2b3a4f50';
const U2 = '0f0e0d0c-0b0a-4908-8706-050403020100';

// A small schema of our own: no OVN schema has a map with non-string keys, nor an immutable column.
const tiny = buildDatabaseModel<{ Queue: unknown; Shaper: unknown }>({
  name: 'Tiny',
  version: '1.0.0',
  tables: {
    Queue: { columns: { dscp: { type: { key: 'integer', min: 0, max: 1 } } }, isRoot: true },
    Shaper: {
      isRoot: true,
      columns: {
        name: { type: 'string', mutable: false },
        queues: {
          type: {
            key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 },
            value: { type: 'uuid', refTable: 'Queue' },
            min: 0,
            max: 'unlimited',
          },
        },
        weights: { type: { key: 'string', value: 'real', min: 1, max: 2 } },
        flags: { type: { key: 'boolean', min: 1, max: 2 } },
      },
    },
  },
});
const Shaper = tiny.tables.Shaper;

function col(table: { columns: ReadonlyMap<string, { type: ColumnType }> }, name: string): ColumnType {
  const c = table.columns.get(name);
  assert.ok(c, name);
  return c.type;
}

function roundTrip(type: ColumnType, typed: unknown, wire: unknown): void {
  assert.deepEqual(encodeValue(type, typed), wire);
  assert.deepEqual(decodeValue(type, wire), typed);
}

describe('row codec: values', { timeout: 20_000 }, () => {
  test('scalars', () => {
    roundTrip(col(LogicalRouterTable, 'name'), 'lr0', 'lr0');
    roundTrip(col(QoSTable, 'priority'), 100, 100);
    roundTrip(col(LogicalSwitchPortTable, 'type'), '', '');
    roundTrip(col(tiny.tables.Queue, 'dscp'), 7, 7);
  });

  test('optional: value as bare atom, empty set decodes to undefined', () => {
    const tag = col(LogicalSwitchPortTable, 'tag');
    roundTrip(tag, 42, 42);
    assert.equal(decodeValue(tag, ['set', []]), undefined);
    assert.equal(decodeValue(tag, ['set', [42]]), 42);
    const enabled = col(LogicalSwitchPortTable, 'enabled');
    roundTrip(enabled, false, false);
  });

  test('sets: arrays, one element may arrive bare', () => {
    const addresses = col(LogicalSwitchPortTable, 'addresses');
    roundTrip(
      addresses,
      ['00:00:00:00:00:01 10.0.0.1', 'router'],
      ['set', ['00:00:00:00:00:01 10.0.0.1', 'router']],
    );
    roundTrip(addresses, [], ['set', []]);
    assert.deepEqual(decodeValue(addresses, 'dynamic'), ['dynamic']);
  });

  test('uuid references: strings on the typed side, ["uuid", id] on the wire', () => {
    const routes = col(LogicalRouterTable, 'static_routes');
    roundTrip(
      routes,
      [U1, U2],
      [
        'set',
        [
          ['uuid', U1],
          ['uuid', U2],
        ],
      ],
    );
    assert.deepEqual(decodeValue(routes, ['uuid', U1]), [U1]);
    const copp = col(LogicalRouterTable, 'copp');
    roundTrip(copp, U1, ['uuid', U1]);
  });

  test('named refs encode to ["named-uuid", name]', () => {
    const routes = col(LogicalRouterTable, 'static_routes');
    const r = namedRef<'Logical_Router_Static_Route'>('route_1');
    assert.ok(r instanceof NamedRef);
    assert.deepEqual(encodeValue(routes, [r, U1]), [
      'set',
      [
        ['named-uuid', 'route_1'],
        ['uuid', U1],
      ],
    ]);
    assert.deepEqual(encodeValue(col(LogicalRouterTable, 'copp'), namedRef('c')), ['named-uuid', 'c']);
    assert.throws(() => namedRef('1bad'), InvalidValueError);
    assert.throws(() => namedRef('has-dash'), InvalidValueError);
  });

  test('maps with string keys are records', () => {
    const options = col(LogicalRouterTable, 'options');
    roundTrip(options, { chassis: 'hv1', always_learn_from_arp_request: 'false' }, [
      'map',
      [
        ['chassis', 'hv1'],
        ['always_learn_from_arp_request', 'false'],
      ],
    ]);
    roundTrip(options, {}, ['map', []]);
    // A Map is accepted on the way in too.
    assert.deepEqual(encodeValue(options, new Map([['a', 'b']])), ['map', [['a', 'b']]]);
  });

  test('maps with enum string keys are partial records; undefined entries are left out', () => {
    const bandwidth = col(QoSTable, 'bandwidth');
    roundTrip(bandwidth, { rate: 1000, burst: 100 }, [
      'map',
      [
        ['rate', 1000],
        ['burst', 100],
      ],
    ]);
    assert.deepEqual(encodeValue(bandwidth, { rate: 5, burst: undefined }), ['map', [['rate', 5]]]);
  });

  test('maps with integer keys are Maps', () => {
    const queues = col(Shaper, 'queues');
    const typed = new Map([
      [0, U1],
      [7, U2],
    ]);
    const wire = [
      'map',
      [
        [0, ['uuid', U1]],
        [7, ['uuid', U2]],
      ],
    ];
    roundTrip(queues, typed, wire);
    const decoded = decodeValue(queues, wire);
    assert.ok(decoded instanceof Map);
    assert.equal(decoded.get(7), U2);
    // A plain object cannot stand for a map with integer keys.
    assert.throws(
      () => encodeValue(queues, { 0: U1 }, { table: 'Shaper', column: 'queues' }),
      (e: unknown) => e instanceof InvalidValueError && e.table === 'Shaper' && e.column === 'queues',
    );
  });

  test('a "__proto__" map key stays an entry', () => {
    const options = col(LogicalRouterTable, 'options');
    const decoded = decodeValue(options, ['map', [['__proto__', 'x']]]) as Record<string, string>;
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(Object.keys(decoded), ['__proto__']);
    assert.deepEqual(encodeValue(options, decoded), ['map', [['__proto__', 'x']]]);
  });

  test('CLEAR encodes the empty value, and is refused when min is 1', () => {
    assert.deepEqual(encodeValue(col(LogicalSwitchPortTable, 'tag'), CLEAR), ['set', []]);
    assert.deepEqual(encodeValue(col(LogicalSwitchPortTable, 'addresses'), CLEAR), ['set', []]);
    assert.deepEqual(encodeValue(col(LogicalRouterTable, 'options'), CLEAR), ['map', []]);
    assert.throws(
      () => encodeRow(LogicalRouterTable, { name: CLEAR }),
      (e: unknown) =>
        e instanceof InvalidValueError &&
        e.kind === 'constraint' &&
        e.table === 'Logical_Router' &&
        e.column === 'name' &&
        e.value === CLEAR,
    );
    assert.throws(() => encodeValue(col(Shaper, 'weights'), CLEAR), InvalidValueError);
  });

  test('wrong shapes and atom types are refused naming table, column and value', () => {
    const cases: [string, unknown][] = [
      ['name', 5],
      ['addresses', 'not-an-array'],
      ['tag', 4.5],
      ['tag', '42'],
      ['enabled', 'yes'],
      ['options', ['a', 'b']],
      ['options', { a: 1 }],
      ['ha_chassis_group', 'not-a-uuid'],
      ['ha_chassis_group', { name: 'x' }],
      ['tag', Number.NaN],
    ];
    for (const [column, value] of cases) {
      assert.throws(
        () => encodeRow(LogicalSwitchPortTable, { [column]: value }),
        (e: unknown) =>
          e instanceof InvalidValueError &&
          e.code === 'OVNDB_INVALID_VALUE' &&
          e.table === 'Logical_Switch_Port' &&
          e.column === column,
        `${column}=${String(value)}`,
      );
    }
    // Element counts against min/max.
    assert.throws(() => encodeValue(col(Shaper, 'flags'), []), InvalidValueError);
    assert.throws(() => encodeValue(col(Shaper, 'flags'), [true, false, true]), InvalidValueError);
    assert.deepEqual(encodeValue(col(Shaper, 'flags'), [true, false]), ['set', [true, false]]);
  });

  test('decoding refuses wire values of the wrong shape', () => {
    const where = { table: 'Logical_Router', column: 'static_routes' };
    for (const wire of [U1, ['named-uuid', 'x'], ['map', []], 5]) {
      assert.throws(
        () => decodeValue(col(LogicalRouterTable, 'static_routes'), wire, where),
        (e: unknown) => e instanceof InvalidValueError && e.column === 'static_routes',
      );
    }
    assert.throws(() => decodeValue(col(LogicalRouterTable, 'options'), ['set', []]), InvalidValueError);
    assert.throws(() => decodeValue(col(LogicalRouterTable, 'name'), ['set', ['a', 'b']]), InvalidValueError);
  });
});

describe('row codec: rows', { timeout: 20_000 }, () => {
  test('encodeRow leaves undefined out and encodes every other column', () => {
    const row: RowWrite<LogicalSwitchPort> = {
      name: 'lsp',
      addresses: ['router'],
      tag: undefined,
      enabled: CLEAR,
      external_ids: { owner: 'test' },
    };
    assert.deepEqual(encodeRow(LogicalSwitchPortTable, row), {
      name: 'lsp',
      addresses: ['set', ['router']],
      enabled: ['set', []],
      external_ids: ['map', [['owner', 'test']]],
    });
  });

  test('_uuid, _version and unknown columns are refused', () => {
    for (const column of ['_uuid', '_version']) {
      assert.throws(
        () => encodeRow(LogicalRouterTable, { name: 'x', [column]: U1 }),
        (e: unknown) =>
          e instanceof InvalidOperationError &&
          e.reason === 'read-only-column' &&
          e.table === 'Logical_Router' &&
          e.column === column,
      );
    }
    assert.throws(
      () => encodeRow(LogicalRouterTable, { name: 'x', nonsense: 1 }),
      (e: unknown) =>
        e instanceof InvalidOperationError &&
        e.code === 'OVNDB_INVALID_OPERATION' &&
        e.reason === 'unknown-column' &&
        e.column === 'nonsense',
    );
  });

  test('partial rows refuse columns that cannot change after insert', () => {
    assert.deepEqual(encodeRow(Shaper, { name: 'a' }), { name: 'a' });
    assert.throws(
      () => encodeRow(Shaper, { name: 'a' }, { partial: true }),
      (e: unknown) =>
        e instanceof InvalidOperationError && e.reason === 'immutable-column' && e.column === 'name',
    );
    assert.deepEqual(encodeRow(Shaper, { queues: new Map() }, { partial: true }), { queues: ['map', []] });
  });

  test('decodeRow: uuids as strings, empty optionals absent, unknown columns kept as wire', () => {
    const wire = {
      _uuid: ['uuid', U1],
      _version: ['uuid', U2],
      name: 'lsp',
      addresses: 'router',
      tag: ['set', []],
      enabled: true,
      options: ['map', []],
      from_the_future: ['set', [1, 2]],
    };
    const row = decodeRow<LogicalSwitchPort>(LogicalSwitchPortTable, wire);
    assert.deepEqual(row, {
      _uuid: U1,
      _version: U2,
      name: 'lsp',
      addresses: ['router'],
      enabled: true,
      options: {},
      from_the_future: ['set', [1, 2]],
    });
    assert.equal('tag' in row, false);
  });

  test('named refs and typed row writes type-check against generated rows', () => {
    const route = namedRef<'Logical_Router_Static_Route'>('r');
    const existing: Uuid<'Logical_Router_Static_Route'> = toUuid(U1);
    const write: RowWrite<LogicalRouter> = { name: 'lr', static_routes: [route, existing] };
    assert.deepEqual(encodeRow(LogicalRouterTable, write).static_routes, [
      'set',
      [
        ['named-uuid', 'r'],
        ['uuid', U1],
      ],
    ]);
    assert.throws(() => toUuid('nope'), InvalidUuidError);
  });
});

describe('row codec against a real ovsdb-server', { timeout: 60_000 }, () => {
  const nb = nbFixture();
  const NB = 'OVN_Northbound';

  async function nbctlGet(...args: string[]): Promise<string> {
    return (await run('ovn-nbctl', [`--db=${nb.server.unix}`, 'get', ...args])).stdout.trim();
  }

  test('rows written with encodeRow read back equal with decodeRow', async () => {
    const router: RowWrite<LogicalRouter> = {
      name: 'lr-codec',
      options: { chassis: 'hv1', dynamic_neigh_routers: 'true' },
      external_ids: { 'neutron:router_name': 'r1' },
      static_routes: [namedRef('route')],
      enabled: true,
    };
    const port: RowWrite<LogicalSwitchPort> = {
      name: 'lsp-codec',
      addresses: ['00:00:00:00:00:01 10.0.0.1', 'unknown'],
      tag: 42,
      port_security: [],
    };
    const results = await nb.client.transact(NB, [
      op.insert(
        'Logical_Router_Static_Route',
        encodeRow(LogicalRouterStaticRouteTable, {
          ip_prefix: '10.1.0.0/16',
          nexthop: '172.18.0.1',
        }),
        { uuidName: 'route' },
      ),
      op.insert('Logical_Router', encodeRow(LogicalRouterTable, router), { uuidName: 'lr' }),
      op.insert('Logical_Switch_Port', encodeRow(LogicalSwitchPortTable, port), { uuidName: 'p' }),
      op.insert(
        'Logical_Switch',
        encodeRow(LogicalSwitchTable, { name: 'ls-codec', ports: [namedRef('p')] }),
      ),
      op.select('Logical_Router', [['name', '==', 'lr-codec']]),
      op.select('Logical_Switch_Port', [['name', '==', 'lsp-codec']]),
    ]);
    const routeUuid = (results[0] as { uuid: [string, string] }).uuid[1];
    const routerRows = (results[4] as { rows: Record<string, unknown>[] }).rows;
    const portRows = (results[5] as { rows: Record<string, unknown>[] }).rows;
    assert.equal(routerRows.length, 1);
    assert.equal(portRows.length, 1);

    const lr = decodeRow<LogicalRouter>(LogicalRouterTable, routerRows[0] as Record<string, unknown>);
    const { _uuid, _version, ...lrColumns } = lr;
    assert.equal(_uuid, (results[1] as { uuid: [string, string] }).uuid[1]);
    assert.equal(typeof _version, 'string');
    assert.deepEqual(lrColumns, {
      name: 'lr-codec',
      options: { chassis: 'hv1', dynamic_neigh_routers: 'true' },
      external_ids: { 'neutron:router_name': 'r1' },
      static_routes: [routeUuid],
      enabled: true,
      load_balancer: [],
      load_balancer_group: [],
      nat: [],
      policies: [],
      ports: [],
    });

    const lsp = decodeRow<LogicalSwitchPort>(LogicalSwitchPortTable, portRows[0] as Record<string, unknown>);
    const { _uuid: _u, _version: _v, ...lspColumns } = lsp;
    assert.deepEqual(lspColumns, {
      name: 'lsp-codec',
      addresses: ['00:00:00:00:00:01 10.0.0.1', 'unknown'],
      tag: 42,
      port_security: [],
      external_ids: {},
      mirror_rules: [],
      options: {},
      type: '',
    });

    // Independently, through ovn-nbctl.
    assert.equal(await nbctlGet('Logical_Switch_Port', 'lsp-codec', 'tag'), '42');
    assert.equal(await nbctlGet('Logical_Router', 'lr-codec', 'static_routes'), `[${routeUuid}]`);
    assert.match(await nbctlGet('Logical_Router', 'lr-codec', 'options:chassis'), /^"?hv1"?$/);
  });

  test('a partial row with CLEAR empties an optional column on update', async () => {
    await nb.client.transact(NB, [
      op.insert('Logical_Switch_Port', encodeRow(LogicalSwitchPortTable, { name: 'lsp-clear', tag: 7 }), {
        uuidName: 'p',
      }),
      op.insert(
        'Logical_Switch',
        encodeRow(LogicalSwitchTable, { name: 'ls-clear', ports: [namedRef('p')] }),
      ),
    ]);
    assert.equal(await nbctlGet('Logical_Switch_Port', 'lsp-clear', 'tag'), '7');
    const update = encodeRow(
      LogicalSwitchPortTable,
      { tag: CLEAR, addresses: ['router'] },
      { partial: true },
    );
    const results = await nb.client.transact(NB, [
      op.update('Logical_Switch_Port', [['name', '==', 'lsp-clear']], update),
      op.select('Logical_Switch_Port', [['name', '==', 'lsp-clear']], ['tag', 'addresses']),
    ]);
    const rows = (results[1] as { rows: Record<string, unknown>[] }).rows;
    assert.deepEqual(decodeRow(LogicalSwitchPortTable, rows[0] as Record<string, unknown>), {
      addresses: ['router'],
    });
    assert.equal(await nbctlGet('Logical_Switch_Port', 'lsp-clear', 'tag'), '[]');
  });
});
