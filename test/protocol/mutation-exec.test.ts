import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClauseError, MutationError } from '../../src/protocol/mutation-errors.js';
import { executeMutations, mutationsToJson, parseMutations } from '../../src/protocol/mutation-exec.js';
import type { WireValue } from '../../src/protocol/notation.js';
import { parseTableSchema } from '../../src/protocol/schema.js';

const table = parseTableSchema('T', {
  columns: {
    i: { type: 'integer' },
    c: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 10 } } },
    r: { type: 'real' },
    is: { type: { key: 'integer', min: 0, max: 'unlimited' } },
    two: { type: { key: 'string', min: 1, max: 2 } },
    m: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' } },
    fixed: { type: 'integer', mutable: false },
  },
});

function run(row: Record<string, WireValue>, mutations: unknown): Record<string, WireValue> {
  return executeMutations(row, parseMutations(table, mutations));
}

function failure(row: Record<string, WireValue>, mutations: unknown): MutationError {
  try {
    run(row, mutations);
  } catch (e) {
    assert.ok(e instanceof MutationError);
    assert.equal(e.code, 'OVNDB_MUTATION_FAILED');
    return e;
  }
  assert.fail('no error');
}

describe('mutation parsing', { timeout: 20000 }, () => {
  test('rejects bad mutators, types and immutable columns', () => {
    const tag = (m: unknown) => {
      try {
        parseMutations(table, [m]);
      } catch (e) {
        assert.ok(e instanceof ClauseError);
        return e.tag;
      }
      assert.fail('no error');
    };
    assert.equal(tag(['r', '%=', 2]), 'syntax error');
    assert.equal(tag(['i', 'insert', 1]), 'syntax error');
    assert.equal(tag(['i', '^=', 1]), 'unknown mutator');
    assert.equal(tag(['fixed', '+=', 1]), 'constraint violation');
    assert.equal(tag(['_uuid', '+=', 1]), 'constraint violation');
    assert.equal(tag(['zz', '+=', 1]), 'unknown column');
  });

  test('arithmetic operands ignore column constraints; map delete accepts keys', () => {
    const ms = parseMutations(table, [
      ['c', '+=', 100],
      ['m', 'delete', ['set', ['a']]],
    ]);
    assert.deepEqual(mutationsToJson(ms), [
      ['c', '+=', 100],
      ['m', 'delete', 'a'],
    ]);
  });
});

describe('mutation execution', { timeout: 20000 }, () => {
  test('integer arithmetic is 64-bit with range and domain errors', () => {
    assert.deepEqual(run({ i: 7 }, [['i', '/=', -2]]), { i: -3 });
    assert.deepEqual(run({ i: -7 }, [['i', '%=', 2]]), { i: -1 });
    assert.equal(run({ i: 2 ** 53 }, [['i', '+=', 1]]).i, 2n ** 53n + 1n);
    assert.equal(failure({ i: 1 }, [['i', '+=', 2n ** 63n - 1n]]).tag, 'range error');
    assert.equal(failure({ i: 1 }, [['i', '/=', 0]]).tag, 'domain error');
    assert.equal(failure({ r: 1e308 }, [['r', '*=', 10]]).tag, 'range error');
  });

  test('results must satisfy constraints and stay distinct', () => {
    assert.equal(failure({ c: 5 }, [['c', '*=', 3]]).tag, 'constraint violation');
    const dup = failure({ is: ['set', [1, 2]] }, [['is', '/=', 4]]);
    assert.equal(dup.tag, 'constraint violation');
    assert.deepEqual(run({ is: ['set', [1, 2]] }, [['is', '*=', -1]]), { is: ['set', [-2, -1]] });
  });

  test('insert and delete on sets check the size', () => {
    assert.deepEqual(run({ two: 'a' }, [['two', 'insert', 'b']]), { two: ['set', ['a', 'b']] });
    assert.equal(failure({ two: ['set', ['a', 'b']] }, [['two', 'insert', 'c']]).tag, 'constraint violation');
    assert.equal(failure({ two: 'a' }, [['two', 'delete', 'a']]).tag, 'constraint violation');
  });

  test('maps: insert keeps existing keys, delete by pairs or by keys', () => {
    const row = {
      m: [
        'map',
        [
          ['a', 1],
          ['b', 2],
        ],
      ],
    } as Record<string, WireValue>;
    assert.deepEqual(
      run(row, [
        [
          'm',
          'insert',
          [
            'map',
            [
              ['a', 9],
              ['c', 3],
            ],
          ],
        ],
      ]),
      {
        m: [
          'map',
          [
            ['a', 1],
            ['b', 2],
            ['c', 3],
          ],
        ],
      },
    );
    assert.deepEqual(
      run(row, [
        [
          'm',
          'delete',
          [
            'map',
            [
              ['a', 9],
              ['b', 2],
            ],
          ],
        ],
      ]),
      { m: ['map', [['a', 1]]] },
    );
    assert.deepEqual(run(row, [['m', 'delete', ['set', ['a']]]]), { m: ['map', [['b', 2]]] });
  });

  test('mutations apply in order and leave the input row alone', () => {
    const row = { i: 1 };
    assert.deepEqual(
      run(row, [
        ['i', '+=', 2],
        ['i', '*=', 3],
      ]),
      { i: 9 },
    );
    assert.deepEqual(row, { i: 1 });
  });
});
