import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  type LogicalRouter,
  LogicalRouterStaticRouteTable,
  LogicalRouterTable,
  LogicalSwitchPortTable,
} from '../../src/generated/nb/index.js';
import { op } from '../../src/index.js';
import {
  CLEAR,
  decodeRow,
  deleteRows,
  insertRow,
  MissingInsertResultError,
  mutateColumn,
  mutateRows,
  selectRows,
  type TypedCondition,
  typedResults,
  updateRows,
  waitRows,
  whereColumn,
} from '../../src/model/index.js';
import type { SelectResult } from '../../src/protocol/results.js';
import { InvalidOperationError } from '../../src/protocol/validation.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import { nbFixture } from '../helpers/nb-fixture.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';
const U1 = '2b0d8f6e-7c5a-4a3e-9a57-0d1c2b3a4f50';

describe('typed ops: building', { timeout: 20_000 }, () => {
  test('conditions and mutations encode against the column type', () => {
    const select = selectRows(
      LogicalSwitchPortTable,
      [
        whereColumn('tag_request', '==', undefined),
        whereColumn('tag', '>=', 5),
        whereColumn('addresses', 'includes', ['router']),
        whereColumn('type', 'includes', ['', 'router']),
        whereColumn('external_ids', 'excludes', { a: 'b' }),
        whereColumn('_uuid', '!=', U1 as never),
      ],
      ['name'],
    );
    assert.deepEqual(select, {
      op: 'select',
      table: 'Logical_Switch_Port',
      where: [
        ['tag_request', '==', ['set', []]],
        ['tag', '>=', 5],
        ['addresses', 'includes', ['set', ['router']]],
        ['type', 'includes', ['set', ['', 'router']]],
        ['external_ids', 'excludes', ['map', [['a', 'b']]]],
        ['_uuid', '!=', ['uuid', U1]],
      ],
      columns: ['name'],
    });
    const mutate = mutateRows(
      LogicalRouterTable,
      [],
      [
        mutateColumn('options', 'delete', ['chassis']),
        mutateColumn('options', 'delete', { chassis: 'hv1' }),
        mutateColumn('static_routes', 'insert', [U1 as never]),
      ],
    );
    assert.deepEqual(mutate.mutations, [
      ['options', 'delete', ['set', ['chassis']]],
      ['options', 'delete', ['map', [['chassis', 'hv1']]]],
      ['static_routes', 'insert', ['set', [['uuid', U1]]]],
    ]);
    assert.deepEqual(
      mutateRows(LogicalSwitchPortTable, [], [mutateColumn('tag_request', '+=', 2)]).mutations,
      [['tag_request', '+=', 2]],
    );
    assert.deepEqual(
      waitRows(
        LogicalRouterTable,
        [whereColumn('name', '==', 'x')],
        ['enabled'],
        '!=',
        [{ enabled: true }],
        0,
      ),
      {
        op: 'wait',
        table: 'Logical_Router',
        where: [['name', '==', 'x']],
        columns: ['enabled'],
        until: '!=',
        rows: [{ enabled: true }],
        timeout: 0,
      },
    );
  });

  test('bad columns and values are refused naming table and column', () => {
    // Casts stand for untyped callers; the compiler refuses these (test/types/typed-ops.ts).
    assert.throws(
      () => deleteRows(LogicalRouterTable, [whereColumn('nmae' as 'name', '==', 'x')]),
      (e: unknown) =>
        e instanceof InvalidOperationError &&
        e.reason === 'unknown-column' &&
        e.table === 'Logical_Router' &&
        e.column === 'nmae',
    );
    assert.throws(
      () => deleteRows(LogicalRouterTable, [whereColumn('name', '==', 5 as unknown as string)]),
      (e: unknown) => e instanceof InvalidValueError && e.table === 'Logical_Router' && e.column === 'name',
    );
    assert.throws(
      () => mutateRows(LogicalRouterTable, [], [mutateColumn('_uuid', 'insert', [] as never)]),
      (e: unknown) => e instanceof InvalidOperationError && e.reason === 'read-only-column',
    );
    assert.throws(
      () => insertRow(LogicalRouterTable, { name: 'x' }, { uuidName: 'not a name' }),
      InvalidValueError,
    );
    assert.throws(
      () => typedResults([insertRow(LogicalRouterTable, {}, { uuidName: 'lr' }).operation], [{}]),
      (e: unknown) => e instanceof MissingInsertResultError && e.code === 'OVNDB_MISSING_INSERT_RESULT',
    );
  });
});

describe('typed ops: against ovsdb-server', { timeout: 20_000 }, () => {
  const nb = nbFixture();

  async function nbctl(...args: string[]): Promise<string> {
    return (await run('ovn-nbctl', [`--db=${nb.server.unix}`, ...args])).stdout.trim();
  }

  test('insert with a ref, update with CLEAR, mutate, select, delete', async () => {
    const client = nb.client;
    const route = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: '10.1.0.0/24', nexthop: '192.0.2.1', policy: 'src-ip' },
      { uuidName: 'route' },
    );
    const router = insertRow(
      LogicalRouterTable,
      { name: 'lr-typed', static_routes: [route.ref], options: { chassis: 'hv1' } },
      { uuidName: 'lr' },
    );
    const ops = [route.operation, router.operation, op.comment('typed ops test')];
    const uuids = typedResults(ops, await client.transact(NB, ops));
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'static_routes'), `[${uuids.route}]`);
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', '_uuid'), uuids.lr);
    assert.equal(await nbctl('get', 'Logical_Router_Static_Route', uuids.route, 'policy'), 'src-ip');

    // update: CLEAR empties options; the undefined column stays as it is.
    // Outside an operation, the row type comes from the annotation.
    const byName: TypedCondition<LogicalRouter>[] = [whereColumn('name', '==', 'lr-typed')];
    const [updated] = await client.transact(NB, [
      updateRows(LogicalRouterTable, byName, { options: CLEAR, enabled: false, static_routes: undefined }),
    ]);
    assert.deepEqual(updated, { count: 1 });
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'options'), '{}');
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'enabled'), 'false');
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'static_routes'), `[${uuids.route}]`);

    // mutate: a map insert and a set insert of a second route, inserted in the same transaction.
    const second = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: '10.2.0.0/24', nexthop: '192.0.2.2' },
      { uuidName: 'second' },
    );
    const mutateOps = [
      second.operation,
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', uuids.lr)],
        [
          mutateColumn('external_ids', 'insert', { owner: 'typed' }),
          mutateColumn('static_routes', 'insert', [second.ref]),
        ],
      ),
    ];
    const mutated = await client.transact(NB, mutateOps);
    assert.deepEqual(mutated[1], { count: 1 });
    const secondUuid = typedResults(mutateOps, mutated).second;
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'external_ids:owner'), 'typed');
    const routes = (await nbctl('get', 'Logical_Router', 'lr-typed', 'static_routes'))
      .slice(1, -1)
      .split(', ')
      .sort();
    assert.deepEqual(routes, [uuids.route, secondUuid].sort());

    // select with typed conditions, decoded; a wait that holds.
    const [, selected] = await client.transact(NB, [
      waitRows(LogicalRouterTable, byName, ['enabled'], '==', [{ enabled: false }], 0),
      selectRows(LogicalRouterTable, [
        whereColumn('external_ids', 'includes', { owner: 'typed' }),
        whereColumn('static_routes', 'includes', [uuids.route]),
      ]),
    ]);
    const rows = (selected as SelectResult).rows.map((row) => decodeRow(LogicalRouterTable, row));
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.equal(row._uuid, uuids.lr);
    assert.equal(row.name, 'lr-typed');
    assert.deepEqual(row.external_ids, { owner: 'typed' });
    assert.deepEqual(row.options, {});
    assert.deepEqual([...row.static_routes].sort(), [uuids.route, secondUuid].sort());
    const [none] = await client.transact(NB, [
      selectRows(LogicalRouterTable, [
        whereColumn('name', '==', 'lr-typed'),
        whereColumn('enabled', '==', true),
      ]),
    ]);
    assert.deepEqual(none, { rows: [] });

    // mutate: delete a route from the set; the unreferenced route is garbage-collected.
    await client.transact(NB, [
      mutateRows(LogicalRouterTable, byName, [mutateColumn('static_routes', 'delete', [secondUuid])]),
    ]);
    assert.equal(await nbctl('get', 'Logical_Router', 'lr-typed', 'static_routes'), `[${uuids.route}]`);
    assert.equal(
      await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Router_Static_Route'),
      uuids.route,
    );

    // delete.
    const [deleted] = await client.transact(NB, [deleteRows(LogicalRouterTable, byName)]);
    assert.deepEqual(deleted, { count: 1 });
    assert.equal(await nbctl('--columns=name', '--bare', 'find', 'Logical_Router', 'name=lr-typed'), '');
    assert.equal(await nbctl('--bare', '--columns=_uuid', 'list', 'Logical_Router_Static_Route'), '');
  });
});
