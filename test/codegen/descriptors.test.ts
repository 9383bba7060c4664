import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUILTIN_DATABASES, REPO_ROOT } from '../../src/codegen/builtin.js';
import * as icNb from '../../src/generated/ic-nb/index.js';
import * as icSb from '../../src/generated/ic-sb/index.js';
import * as nb from '../../src/generated/nb/index.js';
import * as sb from '../../src/generated/sb/index.js';
import * as server from '../../src/generated/server/index.js';
import { buildDatabaseModel, type DatabaseModel, type TableDescriptor } from '../../src/model/index.js';
import { parseDatabaseSchema } from '../../src/protocol/schema.js';
import { SchemaError } from '../../src/protocol/validation-errors.js';

const GENERATED: Record<string, Record<string, unknown> & { model: DatabaseModel; schemaJson: unknown }> = {
  'ic-nb': icNb,
  'ic-sb': icSb,
  nb,
  sb,
  server,
};

function refTables(d: TableDescriptor): string[] {
  const refs: string[] = [];
  for (const c of d.columns.values()) {
    for (const base of [c.type.key, c.type.value]) {
      if (base?.refTable !== undefined) refs.push(`${c.name}->${base.refTable}:${base.refType}`);
    }
  }
  return refs;
}

describe('generated descriptors', { timeout: 20000 }, () => {
  for (const { schema, folder } of BUILTIN_DATABASES) {
    test(`${folder} agrees with parseDatabaseSchema(schemas/${schema})`, async () => {
      const generated = GENERATED[folder];
      assert.ok(generated, folder);
      const json: unknown = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', schema), 'utf8'));
      assert.deepEqual(generated.schemaJson, json);
      const parsed = parseDatabaseSchema(json);
      const { model } = generated;
      assert.equal(model.name, parsed.name);
      assert.equal(model.version, parsed.version);
      assert.deepEqual(model.tableNames, [...parsed.tables.keys()].sort());
      for (const [name, table] of parsed.tables) {
        const d = (model.tables as Record<string, TableDescriptor>)[name];
        assert.ok(d, `${folder}: table ${name}`);
        assert.equal(d.name, name);
        assert.deepEqual(d.columnNames, [...table.columns.keys()].sort());
        assert.deepEqual(d.columns, table.columns);
        assert.deepEqual(refTables(d), refTables({ ...table, columnNames: [] }));
        assert.deepEqual(d.indexes, table.indexes);
        assert.equal(d.isRoot, table.isRoot);
        assert.equal(d.maxRows, table.maxRows);
        assert.equal(d.mutable, table.mutable);
        // The per-table constant is the model's descriptor itself.
        const constant = Object.values(generated).find((v) => v === d);
        assert.ok(constant, `${folder}: no descriptor constant for ${name}`);
      }
    });
  }

  test('spot checks against the OVN schemas', () => {
    assert.equal(nb.LogicalRouterStaticRouteTable.columns.get('bfd')?.type.key.refTable, 'BFD');
    assert.equal(nb.LogicalSwitchTable.columns.get('ports')?.type.key.refTable, 'Logical_Switch_Port');
    assert.equal(nb.NBGlobalTable.maxRows, 1);
    assert.equal(nb.LogicalSwitchPortTable.isRoot, false);
    assert.deepEqual(nb.LogicalSwitchTable.indexes, []);
    assert.equal(sb.RBACRoleTable.columns.get('permissions')?.type.value?.refType, 'weak');
    assert.equal(server.DatabaseTable.columns.get('model')?.type.key.enum?.length, 3);
  });

  test('buildDatabaseModel rejects an invalid schema with SchemaError', () => {
    assert.throws(
      () => buildDatabaseModel({ name: 'x', tables: { T: { columns: {} } } }),
      (e: unknown) => e instanceof SchemaError && e.code === 'OVNDB_SCHEMA_INVALID',
    );
  });
});
