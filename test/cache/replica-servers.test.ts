/**
 * The replica against servers that differ from the model: an older NB schema (columns and a
 * table missing), a newer one (extra columns, table, enum value), a server that only speaks
 * older monitor methods, and a raft cluster (transaction ids).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  LogicalRouterPolicyTable,
  LogicalRouterTable,
  model as nbModel,
} from '../../src/generated/nb/index.js';
import {
  connect,
  InvalidOperationError,
  insertRow,
  type OvsdbClient,
  Replica,
  ZERO_TXN_ID,
} from '../../src/index.js';
import {
  ovnSchemaPath,
  type RunningServer,
  startOvsdbServer,
  startRaftCluster,
} from '../../src/testing/index.js';
import { startMethodRefusingProxy } from '../helpers/method-refusing-proxy.js';
import { until } from '../helpers/replica-wait.js';

const NB = 'OVN_Northbound';

type SchemaJson = {
  version: string;
  tables: Record<string, { columns: Record<string, { type: unknown }> }>;
};

/** Debian's NB schema changed by `edit`, written to a temp file. */
async function editedSchema(dir: string, name: string, edit: (s: SchemaJson) => void): Promise<string> {
  const schema = JSON.parse(await readFile(ovnSchemaPath('nb'), 'utf8')) as SchemaJson;
  edit(schema);
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(schema));
  return path;
}

describe('replica: schema skew', { timeout: 30_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ovndb-skew-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('older server: every difference reported at start, missing columns left out, writes to them fail typed', async () => {
    const older = await editedSchema(dir, 'older.ovsschema', (s) => {
      s.version = '6.3.0';
      delete s.tables.Logical_Router_Policy?.columns.nexthops;
      delete s.tables.Logical_Router_Policy?.columns.options;
      delete s.tables.Chassis_Template_Var;
    });
    const server = await startOvsdbServer({ schemas: [older] });
    const client = await connect(server.unix);
    try {
      const replica = await Replica.start(client, nbModel);
      const kinds = replica.skew.differences.map((d) =>
        'column' in d ? `${d.kind} ${d.table}.${d.column}` : 'table' in d ? `${d.kind} ${d.table}` : d.kind,
      );
      assert.deepEqual(kinds, [
        'database-version',
        'table-only-in-model Chassis_Template_Var',
        'column-only-in-model Logical_Router_Policy.nexthops',
        'column-only-in-model Logical_Router_Policy.options',
      ]);
      assert.deepEqual(replica.leftOut, [
        'Chassis_Template_Var',
        'Logical_Router_Policy.nexthops',
        'Logical_Router_Policy.options',
      ]);
      assert.equal(replica.has('Logical_Router_Policy', 'nexthops'), false);
      assert.equal(replica.has('Logical_Router_Policy', 'match'), true);
      assert.ok(!replica.tables.includes('Chassis_Template_Var'));
      // Rows of the table still replicate, without the missing columns.
      const policy = insertRow(
        LogicalRouterPolicyTable,
        { priority: 10, match: 'ip4', action: 'allow' },
        { uuidName: 'p' },
      );
      await client.transact(NB, [
        policy.operation,
        insertRow(LogicalRouterTable, { name: 'lr', policies: [policy.ref] }).operation,
      ]);
      const row = replica.list('Logical_Router_Policy')[0];
      assert.ok(row);
      assert.equal(row.match, 'ip4');
      assert.equal('nexthops' in row, false);
      // Writing a column the server lacks fails before sending, naming table and column.
      await assert.rejects(
        client.transact(NB, [
          insertRow(LogicalRouterPolicyTable, {
            priority: 1,
            match: 'ip6',
            action: 'drop',
            nexthops: ['10.0.0.1'],
          }).operation,
        ]),
        (error: unknown) =>
          error instanceof InvalidOperationError &&
          error.table === 'Logical_Router_Policy' &&
          error.column === 'nexthops',
      );
      assert.equal(replica.count('Logical_Router_Policy'), 1);
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test('newer server: unknown columns, tables and enum values decode and are reachable untyped', async () => {
    const newer = await editedSchema(dir, 'newer.ovsschema', (s) => {
      s.version = '7.18.0';
      const policy = s.tables.Logical_Router_Policy as SchemaJson['tables'][string];
      policy.columns.bfd_sessions = {
        type: { key: { type: 'uuid', refTable: 'BFD', refType: 'weak' }, min: 0, max: 'unlimited' },
      };
      policy.columns.chain = { type: { key: 'string', min: 0, max: 1 } };
      const acl = s.tables.ACL as SchemaJson['tables'][string];
      const action = acl.columns.action as { type: { key: { enum: [string, string[]] } } };
      action.type.key.enum[1].push('pass');
      s.tables.Sampling_App = {
        columns: { type: { type: 'string' }, id: { type: 'integer' } },
        isRoot: true,
      } as never;
    });
    const server = await startOvsdbServer({ schemas: [newer] });
    const client = await connect(server.unix);
    try {
      const replica = await Replica.start(client, nbModel, { extraTables: ['Sampling_App'] });
      const kinds = replica.skew.differences.map((d) => d.kind);
      assert.deepEqual(kinds, [
        'database-version',
        'enum-only-on-server',
        'column-only-on-server',
        'column-only-on-server',
        'table-only-on-server',
      ]);
      assert.ok(replica.skew.compatible);
      assert.deepEqual(replica.leftOut, []);
      assert.equal(replica.has('Logical_Router_Policy', 'bfd_sessions'), true);
      // Raw writes of what the model does not know (the server's schema validates them).
      const results = await client.transact(NB, [
        { op: 'insert', table: 'BFD', row: { logical_port: 'lrp', dst_ip: '10.0.0.2' }, 'uuid-name': 'b' },
        {
          op: 'insert',
          table: 'Logical_Router_Policy',
          row: { priority: 5, match: 'ip4', action: 'allow', bfd_sessions: ['named-uuid', 'b'], chain: 'c1' },
          'uuid-name': 'p',
        },
        { op: 'insert', table: 'Logical_Router', row: { name: 'lr', policies: ['named-uuid', 'p'] } },
        {
          op: 'insert',
          table: 'ACL',
          row: { priority: 1, direction: 'to-lport', match: 'ip', action: 'pass' },
          'uuid-name': 'a',
        },
        { op: 'insert', table: 'Logical_Switch', row: { name: 'ls', acls: ['named-uuid', 'a'] } },
        { op: 'insert', table: 'Sampling_App', row: { type: 'drop', id: 7 } },
      ]);
      const bfd = (results[0] as { uuid: [string, string] }).uuid[1];
      await until(replica, () => replica.count('Logical_Router_Policy') === 1 && replica.count('ACL') === 1);
      const policy = replica.list('Logical_Router_Policy')[0] as unknown as Record<string, unknown>;
      assert.deepEqual(policy.bfd_sessions, [bfd]);
      assert.equal(policy.chain, 'c1');
      assert.equal(replica.list('ACL')[0]?.action, 'pass' as never);
      const extra = replica.list('Sampling_App' as never) as unknown as Array<Record<string, unknown>>;
      assert.deepEqual(
        extra.map((r) => [r.type, r.id]),
        [['drop', 7]],
      );
      // A diff on a column the model does not know applies with the server's type.
      await client.transact(NB, [
        { op: 'update', table: 'Logical_Router_Policy', where: [], row: { chain: ['set', []] } },
      ]);
      await until(replica, () => !('chain' in (replica.list('Logical_Router_Policy')[0] ?? {})));
      await replica.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe('replica: monitor method fallback', { timeout: 30_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
  });
  after(async () => {
    await server?.stop();
  });

  for (const [refused, expected] of [
    [['monitor_cond_since'], 'monitor_cond'],
    [['monitor_cond_since', 'monitor_cond'], 'monitor'],
  ] as const) {
    test(`a server without ${refused.join(' and ')} is monitored with ${expected}`, async () => {
      const proxy = await startMethodRefusingProxy(server.unix.slice('unix:'.length), refused);
      const client = await connect(proxy.remote);
      try {
        const replica = await Replica.start(client, nbModel, { tables: { Logical_Router: true } });
        assert.equal(replica.method, expected);
        assert.deepEqual(proxy.refused, [...refused]);
        await client.transact(NB, [insertRow(LogicalRouterTable, { name: `lr-${expected}` }).operation]);
        assert.ok(replica.where('Logical_Router', (r) => r.name === `lr-${expected}`).length === 1);
        await replica.close();
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }
});

describe('replica: raft cluster', { timeout: 40_000 }, () => {
  test('monitor_cond_since reports transaction ids; reads follow writes on the leader', async () => {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), members: 3 });
    let client: OvsdbClient | undefined;
    try {
      const leader = await cluster.leader();
      client = await connect(leader.unix);
      const replica = await Replica.start(client, nbModel, { tables: { Logical_Router: true } });
      assert.equal(replica.method, 'monitor_cond_since');
      const ids = new Set<string>([replica.lastTxnId]);
      for (let i = 0; i < 5; i++) {
        await client.transact(NB, [insertRow(LogicalRouterTable, { name: `lr${i}` }).operation]);
        assert.equal(replica.count('Logical_Router'), i + 1);
        ids.add(replica.lastTxnId);
      }
      assert.notEqual(replica.lastTxnId, ZERO_TXN_ID);
      assert.equal(ids.size, 6);
      await replica.close();
    } finally {
      await client?.close();
      await cluster.stop();
    }
  });
});

// Real NB schemas of other OVN releases, when provided: by path in OVNDB_NB_SCHEMAS (comma
// separated) or as ../shared/schemas/ovn-nb-*.ovsschema. The repository ships only Debian's.
function realNbSchemas(): string[] {
  const fromEnv = (process.env.OVNDB_NB_SCHEMAS ?? '').split(',').filter((p) => p !== '');
  const shared = join('..', 'shared', 'schemas');
  const fromShared = existsSync(shared)
    ? readdirSync(shared)
        .filter((f) => /^ovn-nb.*\.ovsschema$/.test(f))
        .map((f) => join(shared, f))
    : [];
  return [...fromEnv, ...fromShared];
}

describe('replica: real NB schemas of other OVN releases', { timeout: 60_000 }, () => {
  const schemas = realNbSchemas();
  if (schemas.length === 0) {
    test('no other real NB schema provided (OVNDB_NB_SCHEMAS, ../shared/schemas): skipped', {
      skip: true,
    }, () => {});
  }
  for (const path of schemas) {
    test(`against ${path}`, async () => {
      const server = await startOvsdbServer({ schemas: [path] });
      const client = await connect(server.unix);
      try {
        const replica = await Replica.start(client, nbModel);
        assert.ok(replica.skew.differences.length > 0);
        const missing = replica.skew.differences.filter((d) => d.kind === 'column-only-in-model');
        const extra = replica.skew.differences.filter((d) => d.kind === 'column-only-on-server');
        for (const d of missing) {
          assert.ok(replica.leftOut.includes(`${d.table}.${d.column}`));
          assert.equal(replica.has(d.table, d.column), false);
        }
        const policy = {
          op: 'insert' as const,
          table: 'Logical_Router_Policy',
          row: { priority: 1, match: 'ip4', action: 'allow' },
          'uuid-name': 'p',
        };
        await client.transact(NB, [
          policy,
          { op: 'insert', table: 'Logical_Router', row: { name: 'lr', policies: ['named-uuid', 'p'] } },
        ]);
        const row = replica.list('Logical_Router_Policy')[0] as unknown as Record<string, unknown>;
        assert.equal(row.match, 'ip4');
        for (const d of extra) assert.ok(replica.has(d.table, d.column));
        // Columns only the server knows arrive (an empty optional one is absent, as any is).
        const serverPolicy = replica.view.server.tables.get('Logical_Router_Policy');
        for (const d of extra.filter((x) => x.table === 'Logical_Router_Policy')) {
          const type = serverPolicy?.columns.get(d.column)?.type;
          const optional = type !== undefined && type.min === 0 && type.max === 1 && type.value === undefined;
          if (!optional) assert.ok(d.column in row, d.column);
        }
        for (const d of missing.filter((x) => x.table === 'Logical_Router_Policy'))
          assert.ok(!(d.column in row), d.column);
        const lacking = missing.find((d) => d.table === 'Logical_Router_Policy');
        if (lacking !== undefined) {
          await assert.rejects(
            client.transact(NB, [
              {
                op: 'update',
                table: 'Logical_Router_Policy',
                where: [],
                row: { [lacking.column]: ['set', []] },
              },
            ]),
            (e: unknown) => e instanceof InvalidOperationError && e.column === lacking.column,
          );
        }
        await replica.close();
      } finally {
        await client.close();
        await server.stop();
      }
    });
  }
});
