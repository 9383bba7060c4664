import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { CodegenError } from '../../src/codegen/codegen-errors.js';
import { emitDatabase } from '../../src/codegen/emit.js';
import { buildDatabaseIr, type ColumnIr } from '../../src/codegen/ir.js';
import { toPascalCase } from '../../src/codegen/names.js';

const OPTIONS = { source: 'small.ovsschema', command: 'ovndb gen', modelImport: 'ovndb' };

function schema(columns: Record<string, unknown>, extraTables: Record<string, unknown> = {}): unknown {
  return {
    name: 'Small',
    tables: {
      Logical_Router_Static_Route: { columns },
      Target_Table: { columns: { n: { type: 'integer' } } },
      ...extraTables,
    },
  };
}

function column(columns: Record<string, unknown>, name: string): ColumnIr {
  const ir = buildDatabaseIr(schema(columns));
  const found = ir.tables
    .find((t) => t.name === 'Logical_Router_Static_Route')
    ?.columns.find((c) => c.name === name);
  assert.ok(found, `column ${name}`);
  return found;
}

describe('names', { timeout: 20000 }, () => {
  test('table names become PascalCase, keeping acronyms', () => {
    assert.equal(toPascalCase('Logical_Router_Static_Route'), 'LogicalRouterStaticRoute');
    assert.equal(toPascalCase('NB_Global'), 'NBGlobal');
    assert.equal(toPascalCase('QoS'), 'QoS');
    assert.equal(toPascalCase('ACL'), 'ACL');
    assert.equal(toPascalCase('mac_binding'), 'MacBinding');
    assert.equal(toPascalCase('a__b_'), 'AB');
  });

  test('tables and columns are sorted by name (code-unit order)', () => {
    const ir = buildDatabaseIr({
      name: 'S',
      tables: {
        b: { columns: { z: { type: 'string' }, a: { type: 'string' }, B: { type: 'string' } } },
        Z: { columns: { x: { type: 'string' } } },
        a: { columns: { x: { type: 'string' } } },
      },
    });
    assert.deepEqual(
      ir.tables.map((t) => t.name),
      ['Z', 'a', 'b'],
    );
    assert.deepEqual(
      ir.tables[2]?.columns.map((c) => c.name),
      ['B', 'a', 'z'],
    );
  });

  test('colliding generated names fail with CodegenError', () => {
    const collide = (tables: Record<string, unknown>) => () => buildDatabaseIr({ name: 'S', tables });
    const isCodegen = (e: unknown) => e instanceof CodegenError && e.code === 'OVNDB_CODEGEN_FAILED';
    const col = { columns: { x: { type: 'string' } } };
    assert.throws(collide({ Foo_Bar: col, FooBar: col }), isCodegen);
    assert.throws(collide({ Tables: col }), isCodegen);
    assert.throws(collide({ Table_Indexes: col }), isCodegen);
    assert.throws(collide({ Foo: col, Foo_Table: col }), isCodegen);
    const enumCol = { columns: { mode: { type: { key: { type: 'string', enum: 'a' } } } } };
    assert.throws(collide({ Foo: enumCol, Foo_Mode: col }), isCodegen);
  });
});

describe('type mapping', { timeout: 20000 }, () => {
  const columns = {
    policy: { type: { key: { type: 'string', enum: ['set', ['src-ip', 'dst-ip']] }, min: 0, max: 1 } },
    levels: { type: { key: { type: 'integer', enum: ['set', [3, 1, 2]] }, min: 0, max: 'unlimited' } },
    flag: { type: { key: { type: 'boolean', enum: true } } },
    name: { type: 'string' },
    count: { type: { key: { type: 'integer', minInteger: 0 } } },
    ratio: { type: 'real' },
    up: { type: 'boolean' },
    nexthop: { type: { key: 'string', min: 0, max: 1 } },
    addresses: { type: { key: 'string', min: 1, max: 4 } },
    options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
    limits: {
      type: {
        key: { type: 'string', enum: ['set', ['rate', 'burst']] },
        value: 'integer',
        min: 0,
        max: 'unlimited',
      },
    },
    by_id: {
      type: { key: 'integer', value: { type: 'uuid', refTable: 'Target_Table' }, min: 0, max: 'unlimited' },
    },
    target: { type: { key: { type: 'uuid', refTable: 'Target_Table' } } },
    targets: {
      type: { key: { type: 'uuid', refTable: 'Target_Table', refType: 'weak' }, min: 0, max: 'unlimited' },
    },
    anything: { type: 'uuid' },
  };

  const expected: Record<string, [string, boolean]> = {
    policy: ['LogicalRouterStaticRoutePolicy', true],
    levels: ['readonly LogicalRouterStaticRouteLevels[]', false],
    flag: ['LogicalRouterStaticRouteFlag', false],
    name: ['string', false],
    count: ['number', false],
    ratio: ['number', false],
    up: ['boolean', false],
    nexthop: ['string', true],
    addresses: ['readonly string[]', false],
    options: ['Readonly<Record<string, string>>', false],
    limits: ['Readonly<Partial<Record<LogicalRouterStaticRouteLimitsKey, number>>>', false],
    by_id: ["ReadonlyMap<number, Uuid<'Target_Table'>>", false],
    target: ["Uuid<'Target_Table'>", false],
    targets: ["readonly Uuid<'Target_Table'>[]", false],
    anything: ['Uuid', false],
  };

  for (const [name, [tsType, optional]] of Object.entries(expected)) {
    test(`${name} -> ${optional ? '?: ' : ''}${tsType}`, () => {
      const c = column(columns, name);
      assert.equal(c.tsType, tsType);
      assert.equal(c.optional, optional);
    });
  }

  test('enums become union aliases: strings quoted, integers and booleans as literals', () => {
    const text =
      emitDatabase(buildDatabaseIr(schema(columns)), OPTIONS).find((f) => f.path === 'rows.ts')?.text ?? '';
    assert.match(text, /^export type LogicalRouterStaticRoutePolicy = 'dst-ip' \| 'src-ip';$/m);
    assert.match(text, /^export type LogicalRouterStaticRouteLevels = 1 \| 2 \| 3;$/m);
    assert.match(text, /^export type LogicalRouterStaticRouteFlag = true;$/m);
    assert.match(text, /^export type LogicalRouterStaticRouteLimitsKey = 'burst' \| 'rate';$/m);
    assert.match(text, /^ {2}readonly _uuid: Uuid<'Logical_Router_Static_Route'>;$/m);
    assert.match(text, /^ {2}readonly policy\?: LogicalRouterStaticRoutePolicy;$/m);
    assert.match(text, /^ {2}readonly Logical_Router_Static_Route: LogicalRouterStaticRoute;$/m);
    assert.match(text, /^export type TableName = keyof Tables & string;$/m);
    assert.match(text, /^\/\/ Generated from small\.ovsschema \(Small\) by `ovndb gen`\.$/m);
  });

  test('schema indexes are listed by table, named by their columns joined with +', () => {
    const text =
      emitDatabase(
        buildDatabaseIr({
          name: 'Small',
          tables: {
            Port: {
              columns: { name: { type: 'string' }, datapath: { type: 'string' }, key: { type: 'integer' } },
              indexes: [['name'], ['datapath', 'key']],
            },
            Plain: { columns: { x: { type: 'string' } } },
          },
        }),
        OPTIONS,
      ).find((f) => f.path === 'rows.ts')?.text ?? '';
    assert.match(text, /^import type \{ schemaIndexes, Uuid \} from 'ovndb';$/m);
    assert.match(text, /^ {2}readonly \[schemaIndexes\]\?: TableIndexes;$/m);
    assert.match(
      text,
      /^export interface TableIndexes \{\n {2}readonly Port: \{\n {4}readonly 'datapath\+key': readonly \['datapath', 'key'\];\n {4}readonly name: readonly \['name'\];\n {2}\};\n\}$/m,
    );
    const none = emitDatabase(buildDatabaseIr(schema({ x: { type: 'string' } })), OPTIONS);
    assert.match(
      none.find((f) => f.path === 'rows.ts')?.text ?? '',
      /^export type TableIndexes = Record<never, never>;$/m,
    );
  });

  test('long and awkward output is already in the formatter’s shape', () => {
    const long = 'a'.repeat(40);
    const tricky = {
      name: 'Tricky',
      version: '1.2.3',
      tables: {
        [`Very_Long_Table_Name_${long}`]: {
          columns: {
            [`column_${long}_x`]: {
              type: { key: 'integer', value: { type: 'uuid', refTable: 'Other' }, min: 0, max: 'unlimited' },
            },
            [`strings_${long}`]: {
              type: { key: 'string', value: { type: 'uuid', refTable: 'Other' }, min: 0, max: 'unlimited' },
            },
            mode: {
              type: {
                key: { type: 'string', enum: ['set', Array.from({ length: 12 }, (_, i) => `mode-${i}`)] },
              },
            },
            quote: { type: { key: { type: 'string', enum: ['set', ["it's", 'say "hi"', 'back\\slash']] } } },
            numbers: {
              type: {
                key: { type: 'integer', enum: ['set', Array.from({ length: 30 }, (_, i) => 1000000 + i)] },
              },
            },
            a: { type: 'string' },
            b: { type: 'string' },
          },
          indexes: [
            ['a', 'b'],
            ['b', 'a'],
            [`column_${long}_x`, `strings_${long}`, 'mode'],
          ],
          isRoot: true,
        },
        Other: { columns: { x: { type: { key: { type: 'real', maxReal: 1e21 } } } }, maxRows: 1 },
      },
    };
    const files = emitDatabase(buildDatabaseIr(tricky), OPTIONS);
    for (const file of files) {
      const result = spawnSync(
        'node_modules/.bin/biome',
        ['format', `--stdin-file-path=src/generated/x/${file.path}`],
        {
          input: file.text,
          encoding: 'utf8',
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, file.text, `${file.path} is not in the formatter's shape`);
    }
  });
});
