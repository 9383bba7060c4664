import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { findColumn, parseDatabaseSchema, parseTableSchema } from '../../src/protocol/schema.js';
import { databaseSchemaToJson } from '../../src/protocol/schema-json.js';
import { SchemaError } from '../../src/protocol/validation-errors.js';
import { ovnSchemaPath, startOvsdbServer } from '../../src/testing/index.js';

const OVN_SCHEMAS = ['ovn-nb', 'ovn-sb', 'ovn-ic-nb', 'ovn-ic-sb'].map(
  (n) => `/usr/share/ovn/${n}.ovsschema`,
);

function schemaError(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof SchemaError && err.code === 'OVNDB_SCHEMA_INVALID');
}

describe('database schemas', { timeout: 20000 }, () => {
  test('the four OVN schemas parse and keep their tables', () => {
    for (const path of OVN_SCHEMAS) {
      const json = JSON.parse(readFileSync(path, 'utf8')) as {
        name: string;
        tables: Record<string, unknown>;
      };
      const schema = parseDatabaseSchema(json);
      assert.equal(schema.name, json.name);
      assert.deepEqual([...schema.tables.keys()], Object.keys(json.tables));
      assert.equal(schema.json, json);
      assert.match(schema.version ?? '', /^\d+\.\d+\.\d+$/);
    }
    const nb = parseDatabaseSchema(JSON.parse(readFileSync(OVN_SCHEMAS[0] as string, 'utf8')));
    const ls = nb.tables.get('Logical_Switch');
    assert.ok(ls?.isRoot);
    assert.equal(ls?.columns.has('_uuid'), false);
    assert.equal(findColumn(ls, '_uuid')?.type.key.type, 'uuid');
    assert.equal(ls?.columns.get('ports')?.type.key.refTable, 'Logical_Switch_Port');
    assert.equal(nb.tables.get('Logical_Switch_Port')?.isRoot, false);
  });

  test('ovsdb-server adjustments: implicit roots, persistent strong refs, mutable weak refs', () => {
    const s = parseDatabaseSchema({
      name: 'db',
      tables: {
        a: {
          columns: {
            x: { type: { key: { type: 'uuid', refTable: 'b' } }, ephemeral: true },
            w: { type: { key: { type: 'uuid', refTable: 'b', refType: 'weak' } }, mutable: false },
          },
        },
        b: { columns: { n: { type: 'integer' } } },
      },
    });
    assert.equal(s.tables.get('a')?.isRoot, true);
    assert.equal(s.tables.get('a')?.columns.get('x')?.ephemeral, true); // b is root: may stay ephemeral
    assert.equal(s.tables.get('a')?.columns.get('w')?.mutable, true);
    const t = parseDatabaseSchema({
      name: 'db',
      tables: {
        a: {
          columns: { x: { type: { key: { type: 'uuid', refTable: 'b' } }, ephemeral: true } },
          isRoot: true,
        },
        b: { columns: { n: { type: 'integer' } } },
      },
    });
    assert.equal(t.tables.get('a')?.columns.get('x')?.ephemeral, false);
    assert.equal(t.tables.get('b')?.isRoot, false);
  });

  test('invalid schemas are SchemaErrors', () => {
    const col = { columns: { n: { type: 'integer' } } };
    schemaError(() => parseDatabaseSchema({ name: 'db', tables: { a: col }, version: 'xxx' }));
    schemaError(() => parseDatabaseSchema({ name: 'd-b', tables: { a: col } }));
    schemaError(() => parseDatabaseSchema({ name: 'db', tables: { _a: col } }));
    schemaError(() => parseDatabaseSchema({ name: 'db', tables: { a: col }, extra: 1 }));
    schemaError(() =>
      parseDatabaseSchema({
        name: 'db',
        tables: { a: { columns: { r: { type: { key: { type: 'uuid', refTable: 'c' } } } } } },
      }),
    );
    schemaError(() => parseTableSchema('t', {}));
    schemaError(() => parseTableSchema('t', { columns: {} }));
    schemaError(() => parseTableSchema('t', { columns: { _c: { type: 'integer' } } }));
    schemaError(() => parseTableSchema('t', { ...col, maxRows: 0 }));
    schemaError(() => parseTableSchema('t', { ...col, indexes: [[]] }));
    schemaError(() => parseTableSchema('t', { ...col, indexes: [['n', 'n']] }));
    schemaError(() => parseTableSchema('t', { ...col, indexes: [['m']] }));
    schemaError(() =>
      parseTableSchema('t', { columns: { n: { type: 'integer', ephemeral: true } }, indexes: [['n']] }),
    );
  });

  test('the _Server schema from a real ovsdb-server', { timeout: 20000 }, async () => {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false });
    try {
      const schema = parseDatabaseSchema(
        JSON.parse(await server.client('get-schema', server.unix, '_Server')),
      );
      assert.equal(schema.name, '_Server');
      const model = schema.tables.get('Database')?.columns.get('model');
      assert.deepEqual(model?.type.key.enum, ['clustered', 'relay', 'standalone']);
      const nb = parseDatabaseSchema(
        JSON.parse(await server.client('get-schema', server.unix, 'OVN_Northbound')),
      );
      assert.ok(nb.cksum);
      assert.deepEqual(
        databaseSchemaToJson(nb),
        databaseSchemaToJson(parseDatabaseSchema(JSON.parse(readFileSync(OVN_SCHEMAS[0] as string, 'utf8')))),
      );
    } finally {
      await server.stop();
    }
  });
});
