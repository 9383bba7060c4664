import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDatabaseModel, InvalidUuidError, isUuid, toUuid } from '../../src/model/index.js';

describe('model runtime', { timeout: 20000 }, () => {
  test('toUuid brands a well-formed UUID and keeps it a plain string', () => {
    const text = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const id = toUuid<'Logical_Switch'>(text);
    assert.equal(typeof id, 'string');
    assert.equal(id, text);
    assert.equal(isUuid(text), true);
    assert.equal(isUuid(`${text}0`), false);
  });

  test('toUuid rejects anything else with InvalidUuidError', () => {
    for (const bad of [
      '',
      'not-a-uuid',
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg',
    ]) {
      assert.throws(
        () => toUuid(bad),
        (e: unknown) => e instanceof InvalidUuidError && e.code === 'OVNDB_UUID_INVALID' && e.value === bad,
      );
    }
  });

  test('buildDatabaseModel: sorted names, frozen descriptors, parser adjustments applied', () => {
    const model = buildDatabaseModel<{ b: unknown; a: unknown }>({
      name: 'db',
      version: '1.0.0',
      tables: {
        b: { columns: { z: { type: 'string' }, r: { type: { key: { type: 'uuid', refTable: 'a' } } } } },
        a: { columns: { n: { type: 'integer' } }, maxRows: 2, indexes: [['n']] },
      },
    });
    assert.deepEqual(model.tableNames, ['a', 'b']);
    assert.deepEqual(model.tables.b.columnNames, ['r', 'z']);
    assert.equal(model.tables.b.columns.get('r')?.type.key.refTable, 'a');
    assert.equal(model.tables.a.maxRows, 2);
    assert.deepEqual(model.tables.a.indexes, [['n']]);
    // No table declares isRoot, so every table is root (ovsdb-server's rule).
    assert.equal(model.tables.a.isRoot, true);
    assert.equal(Object.isFrozen(model.tables.a), true);
    assert.equal(model.version, '1.0.0');
  });
});
