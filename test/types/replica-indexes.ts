// Type tests of a replica's index look-ups: type-checked by `npm run typecheck`, never run.
// Each `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the
// directive as unused and the type check fails.
import type { DeclaredIndexes, Replica, ReplicaOptions } from '../../src/cache/index.js';
import { Replica as ReplicaClass } from '../../src/cache/index.js';
import type { LogicalRouter, LogicalSwitchPort, TableIndexes, Tables } from '../../src/generated/nb/index.js';
import { model } from '../../src/generated/nb/index.js';
import type { PortBinding, Tables as SbTables } from '../../src/generated/sb/index.js';
import type { OvsdbClient } from '../../src/index.js';
import { toUuid } from '../../src/model/index.js';

declare const client: OvsdbClient;
declare const nb: Replica<Tables>;
declare const sb: Replica<SbTables>;
declare const untyped: Replica<Record<string, Record<string, unknown>>>;
const datapath = toUuid<'Datapath_Binding'>('7a8f4c1e-0000-4000-8000-000000000001');

// Schema indexes, from the generated table map alone: these must compile.
export const port: LogicalSwitchPort | undefined = nb.findOne('Logical_Switch_Port', 'name', 'p1');
export const ports: LogicalSwitchPort[] = nb.find('Logical_Switch_Port', 'name', 'p1');
export const bfd = nb.find('BFD', 'logical_port+dst_ip', 'lrp1', '10.0.0.1');
export const binding: PortBinding | undefined = sb.findOne(
  'Port_Binding',
  'datapath+tunnel_key',
  datapath,
  7,
);
export const byPort: PortBinding | undefined = sb.findOne('Port_Binding', 'logical_port', 'cr-lrp1');
export const names: string[] = nb.indexes('Logical_Router');
export const generated: TableIndexes['Logical_Switch_Port']['name'] = ['name'];

// @ts-expect-error Logical_Router has no schema index (OVN allows two routers with one name)
nb.findOne('Logical_Router', 'name', 'r1');

// @ts-expect-error a misspelled index name
nb.find('Logical_Switch_Port', 'nmae', 'p1');

// @ts-expect-error the name index takes a string
nb.find('Logical_Switch_Port', 'name', 42);

// @ts-expect-error one value per part of the key: logical_port+dst_ip takes two
nb.find('BFD', 'logical_port+dst_ip', 'lrp1');

// @ts-expect-error datapath is a reference to Datapath_Binding, not a plain string
sb.find('Port_Binding', 'datapath+tunnel_key', 'dp', 7);

// @ts-expect-error tunnel_key is an integer
sb.find('Port_Binding', 'datapath+tunnel_key', datapath, '7');

// Client indexes declared at start join the schema's, typed by their columns.
export async function declared(): Promise<LogicalRouter | undefined> {
  const replica = await ReplicaClass.start(client, model, {
    tables: {
      Logical_Router: { indexes: [{ name: 'byName', columns: ['name'] }] },
      Logical_Switch_Port: {
        indexes: [
          { name: 'byOwner', columns: [{ column: 'external_ids', key: 'owner' }] },
          { name: 'byTypeAndOwner', columns: ['type', { column: 'external_ids', key: 'owner' }] },
        ],
      },
    },
  });
  replica.find('Logical_Switch_Port', 'byOwner', 'alice');
  replica.find('Logical_Switch_Port', 'byTypeAndOwner', 'router', 'alice');
  replica.find('Logical_Switch_Port', 'name', 'p1');

  // @ts-expect-error a misspelled client index
  replica.find('Logical_Router', 'nmae', 'r1');

  // @ts-expect-error byName is declared on Logical_Router, not on Logical_Switch_Port
  replica.find('Logical_Switch_Port', 'byName', 'p1');

  // @ts-expect-error byName is on the name column: a string
  replica.find('Logical_Router', 'byName', 1);

  // @ts-expect-error byTypeAndOwner takes two values
  replica.find('Logical_Switch_Port', 'byTypeAndOwner', 'router');

  // A replica without client indexes is one with any: it fits where the schema's are expected.
  const plain: Replica<Tables> = replica;
  plain.find('Logical_Switch_Port', 'name', 'p1');
  return replica.findOne('Logical_Router', 'byName', 'r1');
}

// Options written ahead, `as const`, name the replica's type.
const portIndexes = {
  tables: {
    Logical_Switch_Port: {
      indexes: [{ name: 'byOwner', columns: [{ column: 'external_ids', key: 'owner' }] }],
    },
  },
} as const satisfies ReplicaOptions<Tables>;
declare const indexed: Replica<Tables, DeclaredIndexes<typeof portIndexes>>;
indexed.find('Logical_Switch_Port', 'byOwner', 'alice');

export const badColumn: ReplicaOptions<Tables> = {
  // @ts-expect-error a client index names columns of its table
  tables: { Logical_Router: { indexes: [{ name: 'byName', columns: ['nmae'] }] } },
};

export const notAMap: ReplicaOptions<Tables> = {
  // @ts-expect-error a key part names a map column
  tables: { Logical_Router: { indexes: [{ name: 'byName', columns: [{ column: 'name', key: 'x' }] }] } },
};

// Options typed only as ReplicaOptions declare indexes of any name, checked at run time.
declare const loose: ReplicaOptions<Tables>;
export async function looseOptions(): Promise<void> {
  const replica = await ReplicaClass.start(client, model, loose);
  replica.find('Logical_Router', 'anything', 'r1');
}

// A table map that is not generated accepts any index and any values (checked at run time).
untyped.find('Anything', 'any+index', 1, 'two');
