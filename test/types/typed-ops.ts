// Type tests of the typed operation builders: type-checked by `npm run typecheck`, never run.
// Each `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the
// directive as unused and the type check fails.
import type { LogicalRouter, LogicalSwitchPort } from '../../src/generated/nb/index.js';
import {
  LogicalRouterStaticRouteTable,
  LogicalRouterTable,
  LogicalSwitchPortTable,
} from '../../src/generated/nb/index.js';
import { op } from '../../src/index.js';
import {
  CLEAR,
  deleteRows,
  insertRow,
  mutateColumn,
  mutateRows,
  type NamedRef,
  selectRows,
  type TypedCondition,
  toUuid,
  typedResults,
  type Uuid,
  updateRows,
  waitRows,
  whereColumn,
} from '../../src/model/index.js';
import type { OperationResult } from '../../src/protocol/results.js';

const routeId = toUuid<'Logical_Router_Static_Route'>('7a8f4c1e-0000-4000-8000-000000000001');
const lrId = toUuid<'Logical_Router'>('7a8f4c1e-0000-4000-8000-000000000002');
declare const results: OperationResult[];

// Positive cases: these must compile.
export const route = insertRow(
  LogicalRouterStaticRouteTable,
  { ip_prefix: '10.0.0.0/24', nexthop: '192.0.2.1', policy: 'dst-ip' },
  { uuidName: 'route' },
);
export const routeRef: NamedRef<'Logical_Router_Static_Route'> = route.ref;
export const router = insertRow(
  LogicalRouterTable,
  { name: 'lr0', static_routes: [route.ref, routeId], options: CLEAR },
  { uuidName: 'lr' },
);
export const plain = insertRow(LogicalRouterTable, { name: 'lr1' });
export const noRef: undefined = plain.ref;
const ops = [route.operation, router.operation, plain.operation, op.comment('x')];
const uuids = typedResults(ops, results);
export const routeUuid: Uuid<'Logical_Router_Static_Route'> = uuids.route;
export const lrUuid: Uuid<'Logical_Router'> = uuids.lr;
export const update = updateRows(
  LogicalRouterTable,
  [whereColumn('name', '==', 'lr0'), whereColumn('_uuid', '==', lrId)],
  { options: CLEAR, enabled: false },
);
export const mutate = mutateColumn<LogicalRouter, 'external_ids', 'insert'>('external_ids', 'insert', {
  a: 'b',
});
export const mutations = updateRows(
  LogicalRouterTable,
  [whereColumn('static_routes', 'includes', [routeId])],
  {},
);
export const select = selectRows(
  LogicalSwitchPortTable,
  [
    whereColumn('tag', '>=', 10),
    whereColumn('tag_request', '==', undefined),
    whereColumn('addresses', 'excludes', []),
  ],
  ['name', 'tag'],
);
export const del = deleteRows(LogicalRouterTable, [whereColumn('external_ids', 'includes', { owner: 'me' })]);
export const wait = waitRows(LogicalRouterTable, [whereColumn('name', '==', 'lr0')], ['enabled'], '==', [
  { enabled: true },
]);
export const explicit: TypedCondition<LogicalRouter> = whereColumn<LogicalRouter, 'name', '!='>(
  'name',
  '!=',
  'x',
);

// A wrong column name in a condition.
// @ts-expect-error 'nmae' is not a column of Logical_Router
export const badColumn = deleteRows(LogicalRouterTable, [whereColumn('nmae', '==', 'lr0')]);

// A wrong value type in a condition.
// @ts-expect-error name is a string, not a number
export const badValue = deleteRows(LogicalRouterTable, [whereColumn('name', '==', 5)]);

// A wrong enum value in insertRow.
export const badPolicy = insertRow(LogicalRouterStaticRouteTable, {
  ip_prefix: '10.0.0.0/24',
  // @ts-expect-error 'sideways' is not a Logical_Router_Static_Route policy
  policy: 'sideways',
});

// Ordering functions apply to numbers only.
// @ts-expect-error '<' on a string column
export const badOrdering = selectRows(LogicalRouterTable, [whereColumn('name', '<', 'm')]);

// includes takes an array of elements for a set column.
export const badIncludes = selectRows(LogicalRouterTable, [
  // @ts-expect-error a bare UUID where an array of them is needed
  whereColumn('static_routes', 'includes', routeId),
]);

// A set mutation takes elements of the column's type: a router UUID is not a route UUID.
export const badInsert = mutateRows(
  LogicalRouterTable,
  [],
  [
    // @ts-expect-error Uuid<'Logical_Router'> is not a Uuid<'Logical_Router_Static_Route'>
    mutateColumn('static_routes', 'insert', [lrId]),
  ],
);

// Arithmetic mutators apply to numeric columns only.
// @ts-expect-error '+=' on a map column
export const badArithmetic = mutateRows(LogicalRouterTable, [], [mutateColumn('options', '+=', 1)]);

// A condition typed for another table is refused.
const onPort = whereColumn<LogicalSwitchPort, 'name', '=='>('name', '==', 'p');
// @ts-expect-error a Logical_Switch_Port condition in a Logical_Router operation
export const wrongTable = deleteRows(LogicalRouterTable, [onPort]);

// Result UUIDs carry their table.
// @ts-expect-error the route's UUID is not a Logical_Router UUID
export const wrongUuid: Uuid<'Logical_Router'> = uuids.route;

// Positive mutations: map insert, key delete, set insert of a named ref, arithmetic.
export const goodMutations = mutateRows(
  LogicalRouterTable,
  [whereColumn('name', '==', 'lr0')],
  [
    mutateColumn('external_ids', 'insert', { owner: 'me' }),
    mutateColumn('options', 'delete', ['chassis']),
    mutateColumn('static_routes', 'insert', [route.ref]),
    mutateColumn('static_routes', 'delete', [routeId]),
  ],
);
export const arithmetic = mutateRows(LogicalSwitchPortTable, [], [mutateColumn('tag_request', '+=', 1)]);
