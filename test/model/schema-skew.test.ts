import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OvndbError } from '../../src/errors.js';
import { model } from '../../src/generated/nb/index.js';
import { connect } from '../../src/index.js';
import {
  ColumnNotOnServerError,
  compareSchemas,
  SchemaSkewError,
  ServerSchemaView,
} from '../../src/model/index.js';
import { type DatabaseSchema, parseDatabaseSchema } from '../../src/protocol/schema.js';
import { startOvsdbServer } from '../../src/testing/index.js';

const NB = 'OVN_Northbound';
const SCHEMA_FILE = new URL('../../schemas/ovn-nb.ovsschema', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: schema JSON is edited freely below.
type Json = any;

/** A fresh copy of the NB schema the model was generated from, to derive others from. */
function nbSchemaJson(): Json {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
}

/**
 * Starts a real ovsdb-server on `schemaJson` and returns the schema it reports, read with
 * an OvsdbClient and, independently, with `ovsdb-client get-schema`. Stops everything.
 */
async function serverSchemas(
  schemaJson: Json,
): Promise<{ viaClient: DatabaseSchema; viaTool: DatabaseSchema }> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-skew-'));
  try {
    const path = join(dir, 'derived.ovsschema');
    await writeFile(path, JSON.stringify(schemaJson));
    const server = await startOvsdbServer({ schemas: [path], tcp: false });
    try {
      const client = await connect(server.unix);
      try {
        const viaClient = await client.getSchema(NB);
        const viaTool = parseDatabaseSchema(JSON.parse(await server.client('get-schema', server.unix, NB)));
        return { viaClient, viaTool };
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('compareSchemas against real servers', { timeout: 60_000 }, () => {
  test('the same schema: no differences, compatible', { timeout: 20_000 }, async () => {
    const { viaClient, viaTool } = await serverSchemas(nbSchemaJson());
    for (const server of [viaClient, viaTool]) {
      const skew = compareSchemas(model, server);
      assert.deepEqual(skew.differences, []);
      assert.equal(skew.compatible, true);
      assert.equal(skew.describe(), '');
      // A bare schema works as the model side too.
      assert.deepEqual(compareSchemas(model.schema, server).differences, []);
    }
  });

  test('an older server: every missing table, column and enum value is reported', {
    timeout: 20_000,
  }, async () => {
    const json = nbSchemaJson();
    json.version = '6.9.0';
    delete json.cksum;
    delete json.tables.Chassis_Template_Var;
    delete json.tables.Logical_Switch.columns.copp;
    const action = json.tables.ACL.columns.action.type.key;
    action.enum[1] = action.enum[1].filter((v: string) => v !== 'allow-stateless');
    const { viaClient, viaTool } = await serverSchemas(json);

    const expected = [
      { kind: 'database-version', model: '7.0.0', server: '6.9.0' },
      {
        kind: 'enum-only-in-model',
        table: 'ACL',
        column: 'action',
        side: 'key',
        values: ['allow-stateless'],
      },
      { kind: 'table-only-in-model', table: 'Chassis_Template_Var' },
      { kind: 'column-only-in-model', table: 'Logical_Switch', column: 'copp' },
    ];
    for (const server of [viaClient, viaTool]) {
      const skew = compareSchemas(model, server);
      assert.deepEqual(skew.differences, expected);
      assert.equal(skew.compatible, true);
      assert.equal(skew.describe().split('\n').length, expected.length);
    }

    const view = new ServerSchemaView(model, viaClient);
    assert.equal(view.has('Chassis_Template_Var'), false);
    assert.equal(view.has('Logical_Switch', 'copp'), false);
    assert.equal(view.has('Logical_Switch'), true);
    assert.equal(view.has('Logical_Switch', 'name'), true);
    assert.equal(view.has('Logical_Switch', '_uuid'), true);
    assert.deepEqual(view.missingColumns('Logical_Switch'), ['copp']);
    assert.deepEqual(view.missingColumns('ACL'), []);
    assert.deepEqual(view.missingColumns('Chassis_Template_Var'), [
      ...model.tables.Chassis_Template_Var.columnNames,
    ]);

    view.assertWritable('Logical_Switch', ['name', 'other_config', '_uuid']);
    assert.throws(
      () => view.assertWritable('Logical_Switch', ['name', 'copp']),
      (e: unknown) => {
        assert.ok(e instanceof ColumnNotOnServerError);
        assert.ok(e instanceof OvndbError);
        assert.equal(e.code, 'OVNDB_COLUMN_NOT_ON_SERVER');
        assert.equal(e.table, 'Logical_Switch');
        assert.equal(e.column, 'copp');
        assert.deepEqual(e.columns, ['copp']);
        assert.equal(e.serverVersion, '6.9.0');
        return true;
      },
    );
    assert.throws(
      () => view.assertWritable('Chassis_Template_Var', ['chassis']),
      (e: unknown) =>
        e instanceof ColumnNotOnServerError && e.table === 'Chassis_Template_Var' && e.column === undefined,
    );
  });

  test('a newer server: added table, column and enum value are server-side extras', {
    timeout: 20_000,
  }, async () => {
    const json = nbSchemaJson();
    json.version = '7.1.0';
    delete json.cksum;
    json.tables.Ovndb_Extra = { columns: { name: { type: 'string' } }, isRoot: true };
    json.tables.Logical_Switch.columns.ovndb_extra = { type: { key: 'string', min: 0, max: 1 } };
    json.tables.ACL.columns.action.type.key.enum[1].push('ovndb-new');
    const { viaClient } = await serverSchemas(json);

    const skew = compareSchemas(model, viaClient);
    assert.deepEqual(skew.differences, [
      { kind: 'database-version', model: '7.0.0', server: '7.1.0' },
      { kind: 'enum-only-on-server', table: 'ACL', column: 'action', side: 'key', values: ['ovndb-new'] },
      { kind: 'column-only-on-server', table: 'Logical_Switch', column: 'ovndb_extra' },
      { kind: 'table-only-on-server', table: 'Ovndb_Extra' },
    ]);
    assert.equal(skew.compatible, true);

    const view = new ServerSchemaView(model, viaClient);
    assert.equal(view.has('Ovndb_Extra', 'name'), true);
    assert.deepEqual(view.missingColumns('Logical_Switch'), []);
    view.assertWritable('Logical_Switch', ['name', 'ovndb_extra']);
  });

  test('a column whose type changed makes the skew incompatible', { timeout: 20_000 }, async () => {
    const json = nbSchemaJson();
    delete json.cksum;
    json.tables.Logical_Switch.columns.name = { type: 'integer' };
    // A set that became a map: the shape changes even with the same key type.
    json.tables.Address_Set.columns.addresses.type = {
      key: 'string',
      value: 'string',
      min: 0,
      max: 'unlimited',
    };
    const { viaClient } = await serverSchemas(json);

    const skew = compareSchemas(model, viaClient);
    assert.equal(skew.compatible, false);
    assert.deepEqual(
      skew.differences.map((d) => [d.kind, 'table' in d ? d.table : '', 'column' in d ? d.column : '']),
      [
        ['column-type', 'Address_Set', 'addresses'],
        ['column-type', 'Logical_Switch', 'name'],
      ],
    );
    const nameDiff = skew.differences[1];
    assert.ok(nameDiff?.kind === 'column-type');
    assert.equal(nameDiff.model.key.type, 'string');
    assert.equal(nameDiff.server.key.type, 'integer');
    assert.deepEqual(nameDiff.changes, ['key type']);
    const lines = skew.describe().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[1]?.includes('Logical_Switch.name'));
    assert.ok(lines[0]?.includes('Address_Set.addresses'));
    assert.equal(skew.describe(), compareSchemas(model, viaClient).describe());

    const error = new SchemaSkewError(skew);
    assert.ok(error instanceof OvndbError);
    assert.equal(error.code, 'OVNDB_SCHEMA_SKEW');
    assert.equal(error.skew, skew);
  });
});

describe('compareSchemas without a server', { timeout: 5_000 }, () => {
  test('reports a different database name, min/max and refTable changes, all at once', () => {
    const json = nbSchemaJson();
    json.name = 'Other_DB';
    json.tables.Logical_Switch.columns.ports.type.min = 1;
    json.tables.Logical_Switch.columns.copp.type.key.refTable = 'Meter';
    json.tables.Logical_Switch.columns.copp.type.key.refType = 'strong';
    delete json.tables.DNS;
    delete json.tables.Logical_Switch.columns.dns_records;
    const skew = compareSchemas(model, parseDatabaseSchema(json));
    assert.equal(skew.compatible, false);
    assert.deepEqual(
      skew.differences.map((d) => d.kind),
      ['database-name', 'table-only-in-model', 'column-type', 'column-only-in-model', 'column-type'],
    );
    const copp = skew.differences.find((d) => d.kind === 'column-type' && d.column === 'copp');
    assert.ok(copp?.kind === 'column-type');
    assert.deepEqual(copp.changes, ['key refTable']);
  });
});
