// Type tests: type-checked by `npm run typecheck` (part of every `npm test`), never run.
// Each `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the
// directive as unused and the type check fails.
import type {
  LogicalRouter,
  LogicalRouterPort,
  LogicalRouterStaticRoute,
  LogicalRouterStaticRoutePolicy,
  LogicalSwitch,
  QoS,
  TableName,
  Tables,
} from '../../src/generated/nb/index.js';
import { LogicalRouterStaticRouteTable, model } from '../../src/generated/nb/index.js';
import type { DatabaseModel, RowOf, TableDescriptor, Uuid } from '../../src/model/index.js';
import { toUuid } from '../../src/model/index.js';

const routeId = toUuid<'Logical_Router_Static_Route'>('7a8f4c1e-0000-4000-8000-000000000001');
const lrpId = toUuid<'Logical_Router_Port'>('7a8f4c1e-0000-4000-8000-000000000002');
const lsId = toUuid<'Logical_Switch'>('7a8f4c1e-0000-4000-8000-000000000003');
const version = toUuid('7a8f4c1e-0000-4000-8000-000000000004');

// Positive cases: these must compile.
export const route: LogicalRouterStaticRoute = {
  _uuid: routeId,
  _version: version,
  external_ids: { 'neutron:id': 'x' },
  ip_prefix: '10.0.0.0/24',
  nexthop: '192.0.2.1',
  options: {},
  policy: 'src-ip',
  route_table: '',
};
export const noPolicy: LogicalRouterStaticRoute = { ...route, policy: undefined };
export const policy: LogicalRouterStaticRoutePolicy = 'dst-ip';
export const ports: LogicalRouter['ports'] = [lrpId];
export const anyUuid: Uuid = lrpId;
export const qosAction: QoS['action'] = { dscp: 10 };
export const table: TableName = 'Logical_Router_Static_Route';
export const row: Tables['Logical_Switch'] | undefined = undefined as LogicalSwitch | undefined;
export const rowOf: RowOf<typeof LogicalRouterStaticRouteTable> = route;
export const descriptor: TableDescriptor<'Logical_Router_Static_Route', LogicalRouterStaticRoute> =
  model.tables.Logical_Router_Static_Route;
export const typedModel: DatabaseModel<Tables> = model;
export const peer: LogicalRouterPort['peer'] = 'lrp-peer';

// A wrong enum value.
// @ts-expect-error 'sideways' is not a Logical_Router_Static_Route policy
export const badPolicy: LogicalRouterStaticRoute = { ...route, policy: 'sideways' };

// A wrong column type.
// @ts-expect-error name is a string, not a number
export const badName: LogicalSwitch = { ...({} as LogicalSwitch), name: 42 };

// A reference to the wrong table.
// @ts-expect-error a Logical_Switch UUID is not a Logical_Router_Port reference
export const badPorts: LogicalRouter['ports'] = [lsId];

// @ts-expect-error a bare string is not a Uuid: it needs toUuid (or a cast)
export const bareUuid: Uuid<'Logical_Router_Port'> = '7a8f4c1e-0000-4000-8000-000000000002';

// @ts-expect-error an untyped Uuid is not a reference to a particular table
export const untyped: Uuid<'Logical_Router_Port'> = version;

// @ts-expect-error a set column is an array, not a single reference
export const notASet: LogicalRouter['ports'] = lrpId;

// @ts-expect-error QoS action keys are limited to the schema's enum
export const badQosKey: QoS['action'] = { tos: 1 };

// @ts-expect-error not a table of OVN_Northbound
export const badTable: TableName = 'Chassis';

// @ts-expect-error the descriptor of one table does not describe another
export const wrongDescriptor: TableDescriptor<'Logical_Switch'> = LogicalRouterStaticRouteTable;

// @ts-expect-error rows are read-only snapshots
route.nexthop = '192.0.2.2';
