import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseTypeToJson, parseAtomicType, parseBaseType } from '../../src/protocol/base-type.js';
import {
  columnTypeToJson,
  isMapType,
  isOptionalType,
  isSetType,
  parseColumnType,
} from '../../src/protocol/column-type.js';
import { SchemaError } from '../../src/protocol/validation-errors.js';

describe('base types', { timeout: 20000 }, () => {
  test('parse atomic types and reject void', () => {
    assert.equal(parseAtomicType('uuid'), 'uuid');
    assert.throws(() => parseAtomicType('void'), SchemaError);
    assert.throws(() => parseAtomicType(3), SchemaError);
  });

  test('constraints round-trip to canonical JSON', () => {
    assert.deepEqual(baseTypeToJson(parseBaseType({ type: 'integer', minInteger: 1, maxInteger: 4095 })), {
      type: 'integer',
      minInteger: 1,
      maxInteger: 4095,
    });
    assert.equal(baseTypeToJson(parseBaseType({ type: 'string', minLength: 0 })), 'string');
    const e = parseBaseType({ type: 'string', enum: ['set', ['b', 'a', 'c']] });
    assert.deepEqual(e.enum, ['a', 'b', 'c']);
    assert.deepEqual(baseTypeToJson(parseBaseType({ type: 'boolean', enum: ['set', [true]] })), {
      type: 'boolean',
      enum: true,
    });
    const ref = parseBaseType({ type: 'uuid', refTable: 'T' });
    assert.equal(ref.refType, 'strong');
    assert.deepEqual(baseTypeToJson(ref), { type: 'uuid', refTable: 'T' });
    const weak = parseBaseType({ type: 'uuid', refTable: 'T', refType: 'weak' });
    assert.deepEqual(baseTypeToJson(weak), { type: 'uuid', refTable: 'T', refType: 'weak' });
    const u = parseBaseType({ type: 'uuid', enum: ['uuid', '36BF19C0-ad9d-4232-bb85-b3d73dfe2123'] });
    assert.deepEqual(u.enum, ['36bf19c0-ad9d-4232-bb85-b3d73dfe2123']);
  });

  test('bad base types are SchemaErrors', () => {
    for (const bad of [
      {},
      { type: 'integer', minInteger: 5, maxInteger: 3 },
      { type: 'real', minReal: 2, maxReal: 1 },
      { type: 'string', maxLength: -1 },
      { type: 'string', minLength: 5, maxLength: 3 },
      { type: 'uuid', refTable: 'a-b' },
      { type: 'uuid', refTable: 'a', refType: 'soft' },
      { type: 'integer', enum: ['set', [1, 1]] },
      { type: 'integer', enum: ['set', []] },
      { type: 'integer', enum: [1], minInteger: 0 },
      { type: 'integer', bogus: 1 },
      [],
    ]) {
      assert.throws(
        () => parseBaseType(bad),
        (err: unknown) => {
          assert.ok(err instanceof SchemaError, JSON.stringify(bad));
          assert.equal(err.code, 'OVNDB_SCHEMA_INVALID');
          return true;
        },
      );
    }
  });
});

describe('column types', { timeout: 20000 }, () => {
  test('scalars, optionals, sets and maps', () => {
    const scalar = parseColumnType('integer');
    assert.deepEqual(scalar, { key: { type: 'integer' }, min: 1, max: 1 });
    assert.equal(isSetType(scalar), false);
    const optional = parseColumnType({ key: 'string', min: 0 });
    assert.ok(isOptionalType(optional));
    assert.ok(isSetType(optional));
    const set = parseColumnType({ key: 'uuid', min: 0, max: 'unlimited' });
    assert.equal(set.max, Number.POSITIVE_INFINITY);
    assert.deepEqual(columnTypeToJson(set), { key: 'uuid', min: 0, max: 'unlimited' });
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
    assert.ok(isMapType(map));
    assert.equal(isSetType(map), false);
    assert.equal(columnTypeToJson({ key: { type: 'real' }, min: 1, max: 1 }), 'real');
    assert.deepEqual(columnTypeToJson(parseColumnType({ key: { type: 'integer', minInteger: 0 } })), {
      key: { type: 'integer', minInteger: 0 },
    });
  });

  test('bad column types are SchemaErrors', () => {
    for (const bad of [
      {},
      { value: 'integer' },
      { key: 'real', min: 5, max: 3 },
      { key: 'real', max: -1 },
      { key: 'real', min: -1 },
      { key: 'real', min: 2, max: 'unlimited' },
      { key: 'real', max: 'lots' },
      { key: 'real', max: 0 },
      'void',
    ]) {
      assert.throws(() => parseColumnType(bad), SchemaError, JSON.stringify(bad));
    }
  });
});
