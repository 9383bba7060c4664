import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareConditions,
  conditionToJson,
  evaluateConditions,
  evaluateConditionsAny,
  parseConditions,
} from '../../src/protocol/condition-eval.js';
import { ClauseError } from '../../src/protocol/mutation-errors.js';
import { parseTableSchema } from '../../src/protocol/schema.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';

const table = parseTableSchema('T', {
  columns: {
    i: { type: 'integer' },
    oi: { type: { key: 'integer', min: 0, max: 1 } },
    s: { type: { key: 'string', min: 0, max: 'unlimited' } },
    m: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
    e: { type: { key: { type: 'string', enum: ['set', ['a', 'b']] }, min: 0, max: 2 } },
  },
});

describe('condition parsing', { timeout: 20000 }, () => {
  test('sorts clauses as ovsdb-server does and normalizes values', () => {
    const c = parseConditions(table, [
      ['i', '!=', 8],
      ['s', 'includes', ['set', ['b', 'a']]],
      ['i', '==', 1],
      true,
      ['_uuid', '==', ['uuid', 'D50E85C6-8AE7-4B16-B69E-4395928BD9BE']],
    ]);
    assert.deepEqual(conditionToJson(c), [
      true,
      ['_uuid', '==', ['uuid', 'd50e85c6-8ae7-4b16-b69e-4395928bd9be']],
      ['i', '==', 1],
      ['s', 'includes', ['set', ['a', 'b']]],
      ['i', '!=', 8],
    ]);
  });

  test('rejects unknown columns, functions and type mismatches with ClauseError', () => {
    const tag = (json: unknown) => {
      try {
        parseConditions(table, [json]);
      } catch (e) {
        assert.ok(e instanceof ClauseError);
        assert.equal(e.code, 'OVNDB_INVALID_CLAUSE');
        return e.tag;
      }
      assert.fail('no error');
    };
    assert.equal(tag(['nope', '==', 1]), 'unknown column');
    assert.equal(tag(['i', '~=', 1]), 'unknown function');
    assert.equal(tag(['s', '<', 'a']), 'syntax error');
    assert.equal(tag(['i', '==']), 'syntax error');
  });

  test('includes/excludes relax set sizes but keep constraints', () => {
    parseConditions(table, [['e', 'excludes', ['set', ['a', 'b']]]]);
    assert.throws(() => parseConditions(table, [['e', '==', 'c']]), InvalidValueError);
    assert.throws(() => parseConditions(table, [['i', '==', 'x']]), InvalidValueError);
  });
});

describe('condition evaluation', { timeout: 20000 }, () => {
  const row = { i: 5, oi: ['set', []], s: ['set', ['a', 'b']], m: ['map', [['k', 'v']]] } as const;
  const holds = (clauses: unknown[]) => evaluateConditions(row as never, parseConditions(table, clauses));

  test('scalars, optional scalars and sets', () => {
    assert.equal(
      holds([
        ['i', '>', 4],
        ['i', '<=', 5],
      ]),
      true,
    );
    assert.equal(holds([['i', '<', 5]]), false);
    assert.equal(holds([['oi', '<', 100]]), false, 'missing optional value fails ordering tests');
    assert.equal(holds([['oi', '!=', 1]]), true);
    assert.equal(holds([['s', 'includes', 'a']]), true);
    assert.equal(holds([['s', 'includes', ['set', ['a', 'c']]]]), false);
    assert.equal(holds([['s', 'excludes', ['set', ['c', 'd']]]]), true);
    assert.equal(holds([['s', '==', ['set', ['b', 'a']]]]), true);
  });

  test('map includes compares pairs, not just keys', () => {
    assert.equal(holds([['m', 'includes', ['map', [['k', 'v']]]]]), true);
    assert.equal(holds([['m', 'includes', ['map', [['k', 'x']]]]]), false);
    assert.equal(holds([['m', 'excludes', ['map', [['k', 'x']]]]]), true);
  });

  test('absent columns read as defaults; constants and OR evaluation', () => {
    assert.equal(evaluateConditions({}, parseConditions(table, [['i', '==', 0]])), true);
    assert.equal(evaluateConditions({ i: 1 }, parseConditions(table, [])), true);
    const any = parseConditions(table, [false, ['i', '==', 1]]);
    assert.equal(evaluateConditionsAny({ i: 1 }, any), true);
    assert.equal(evaluateConditionsAny({ i: 2 }, any), false);
    assert.equal(evaluateConditionsAny({ i: 2 }, parseConditions(table, [true])), true);
    assert.equal(evaluateConditions({ i: 2 }, parseConditions(table, [false])), false);
  });

  test('compares conditions by clause count, then clause by clause', () => {
    const a = parseConditions(table, [['i', '==', 1], true, ['i', '==', 2]]);
    const b = parseConditions(table, [['i', '==', 2], ['i', '==', 1], true]);
    assert.equal(compareConditions(a, b), 0);
    assert.equal(compareConditions(parseConditions(table, [['i', '==', 1]]), a), -1);
    assert.equal(
      compareConditions(parseConditions(table, [['i', '==', 1]]), parseConditions(table, [['i', '>=', 1]])),
      -1,
    );
  });
});
