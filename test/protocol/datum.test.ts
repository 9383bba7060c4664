import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBaseType } from '../../src/protocol/base-type.js';
import { parseColumnType } from '../../src/protocol/column-type.js';
import {
  checkAtom,
  checkDatum,
  compareAtoms,
  defaultAtom,
  defaultDatum,
  normalizeDatum,
} from '../../src/protocol/datum.js';
import type { WireAtom } from '../../src/protocol/notation.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';

const where = { table: 'Logical_Switch', column: 'other_config', operation: 2 };

function rejects(fn: () => void, kind: InvalidValueError['kind'], value?: unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidValueError);
    assert.equal(err.code, 'OVNDB_INVALID_VALUE');
    assert.equal(err.kind, kind);
    if (value !== undefined) assert.deepEqual(err.value, value);
    return true;
  });
}

describe('atoms', { timeout: 20000 }, () => {
  test('type checks name table, column, operation and value', () => {
    assert.throws(
      () => checkAtom(parseBaseType('integer'), 0.5, where),
      (err: unknown) => {
        assert.ok(err instanceof InvalidValueError);
        assert.equal(err.table, 'Logical_Switch');
        assert.equal(err.column, 'other_config');
        assert.equal(err.operation, 2);
        assert.equal(err.value, 0.5);
        assert.equal(err.kind, 'syntax');
        return true;
      },
    );
    rejects(() => checkAtom(parseBaseType('boolean'), 'true'), 'syntax', 'true');
    rejects(() => checkAtom(parseBaseType('string'), 1), 'syntax', 1);
    rejects(() => checkAtom(parseBaseType('uuid'), '550e8400-e29b-41d4-a716-446655440000'), 'syntax');
    rejects(() => checkAtom(parseBaseType('uuid'), ['uuid', 'not-a-uuid']), 'syntax');
    rejects(() => checkAtom(parseBaseType('string'), '\ud800'), 'syntax');
  });

  test('named-uuid only when allowed', () => {
    const base = parseBaseType({ type: 'uuid', refTable: 'T' });
    rejects(() => checkAtom(base, ['named-uuid', 'row1']), 'syntax');
    checkAtom(base, ['named-uuid', 'row1'], {}, { allowNamedUuid: true });
  });

  test('constraints', () => {
    const range = parseBaseType({ type: 'integer', minInteger: 1, maxInteger: 4095 });
    checkAtom(range, 4095);
    rejects(() => checkAtom(range, 0), 'constraint', 0);
    rejects(() => checkAtom(range, 4096), 'constraint', 4096);
    const real = parseBaseType({ type: 'real', minReal: -1.5 });
    rejects(() => checkAtom(real, -2), 'constraint');
    const e = parseBaseType({ type: 'string', enum: ['set', ['abc', 'def']] });
    checkAtom(e, 'def');
    rejects(() => checkAtom(e, 'DEF'), 'constraint', 'DEF');
    const len = parseBaseType({ type: 'string', minLength: 2, maxLength: 3 });
    rejects(() => checkAtom(len, '\ud834\udd1e'), 'constraint'); // one code point
    checkAtom(len, '\ud834\udd1e\ud834\udd1e');
    rejects(() => checkAtom(len, 'abcd'), 'constraint');
  });

  test('64-bit integers travel as bigint', () => {
    checkAtom(parseBaseType('integer'), 9223372036854775807n);
    rejects(() => checkAtom(parseBaseType('integer'), 9223372036854775808n), 'syntax');
  });

  test('ordering follows ovsdb-server', () => {
    const strings: WireAtom[] = ['\u{1F600}', '\uFFFD', 'b', 'a', ''];
    assert.deepEqual(strings.sort(compareAtoms), ['', 'a', 'b', '\uFFFD', '\u{1F600}']);
    assert.ok(compareAtoms(false, true) < 0);
    assert.ok(compareAtoms(-1, 2) < 0);
    assert.ok(
      compareAtoms(
        ['uuid', '00000000-0000-0000-0000-000000000001'],
        ['uuid', '10000000-0000-0000-0000-000000000000'],
      ) < 0,
    );
    assert.deepEqual(defaultAtom('uuid'), ['uuid', '00000000-0000-0000-0000-000000000000']);
  });
});

describe('data', { timeout: 20000 }, () => {
  test('normalize sorts, unwraps one-element sets, lower-cases UUIDs', () => {
    const set = parseColumnType({ key: 'integer', min: 0, max: 'unlimited' });
    assert.deepEqual(normalizeDatum(set, ['set', [3, 1, 2]]), ['set', [1, 2, 3]]);
    assert.equal(normalizeDatum(set, ['set', [7]]), 7);
    assert.equal(normalizeDatum(set, 7), 7);
    assert.deepEqual(normalizeDatum(set, ['set', []]), ['set', []]);
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
    assert.deepEqual(
      normalizeDatum(map, [
        'map',
        [
          ['b', '2'],
          ['a', '1'],
        ],
      ]),
      [
        'map',
        [
          ['a', '1'],
          ['b', '2'],
        ],
      ],
    );
    const ref = parseColumnType({ key: { type: 'uuid', refTable: 'T' } });
    assert.deepEqual(normalizeDatum(ref, ['uuid', 'C5051240-30FF-43ED-B4B9-93CF3F050813']), [
      'uuid',
      'c5051240-30ff-43ed-b4b9-93cf3f050813',
    ]);
  });

  test('shape, size and duplicate errors', () => {
    const map = parseColumnType({ key: 'string', value: 'string', min: 0, max: 'unlimited' });
    rejects(() => checkDatum(map, ['set', []], where), 'syntax');
    rejects(() => checkDatum(map, ['map', [['a']]], where), 'syntax', ['a']);
    rejects(
      () =>
        checkDatum(
          map,
          [
            'map',
            [
              ['a', '1'],
              ['a', '2'],
            ],
          ],
          where,
        ),
      'duplicate',
    );
    const small = parseColumnType({ key: 'integer', max: 2 });
    rejects(() => checkDatum(small, ['set', [1, 2, 3]]), 'syntax');
    rejects(() => checkDatum(small, ['set', []]), 'syntax');
    rejects(() => checkDatum(small, ['set', [0, -0]]), 'duplicate');
    const vlan = parseColumnType({
      key: { type: 'integer', minInteger: 0, maxInteger: 4095 },
      min: 0,
      max: 1,
    });
    rejects(
      () => checkDatum(vlan, ['set', [5000]], { table: 'Logical_Switch_Port', column: 'tag' }),
      'constraint',
      5000,
    );
  });

  test('defaults', () => {
    assert.deepEqual(defaultDatum(parseColumnType({ key: 'string', min: 0 })), ['set', []]);
    assert.deepEqual(defaultDatum(parseColumnType({ key: 'string', value: 'integer' })), ['map', [['', 0]]]);
    assert.equal(defaultDatum(parseColumnType('boolean')), false);
  });
});
