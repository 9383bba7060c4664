import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseColumnType } from '../../src/protocol/column-type.js';
import { checkDatum } from '../../src/protocol/datum.js';
import { quickCheckFor } from '../../src/protocol/fast-check.js';

// The quick check may only ever say yes to values the full check accepts; everything else it
// leaves to the full check. Try it on a spread of types and values, valid and not.
const types = [
  'string',
  'integer',
  'real',
  'boolean',
  'uuid',
  { key: 'string', min: 0, max: 1 },
  { key: 'string', min: 0, max: 'unlimited' },
  { key: 'uuid', min: 0, max: 'unlimited' },
  { key: { type: 'uuid', refTable: 'T' }, min: 1, max: 2 },
  { key: { type: 'string', enum: ['set', ['a', 'b']] } },
  { key: { type: 'integer', minInteger: 0, maxInteger: 10 } },
  { key: { type: 'string', maxLength: 3 } },
  { key: 'string', value: 'string', min: 0, max: 'unlimited' },
];
const U1 = '2b0d8f6e-7c5a-4a3e-9a57-0d1c2b3a4f50';
const values: unknown[] = [
  'x',
  '',
  'a',
  'abcd',
  '\ud83d\ude00',
  '\ud800',
  0,
  1.5,
  -3,
  2 ** 60,
  Number.NaN,
  true,
  null,
  {},
  ['uuid', U1],
  ['uuid', U1.toUpperCase()],
  ['uuid', 'not-a-uuid'],
  ['named-uuid', 'row1'],
  ['named-uuid', '1row'],
  ['set', []],
  ['set', ['a']],
  ['set', ['a', 'b']],
  ['set', ['a', 'a']],
  [
    'set',
    [
      ['uuid', U1],
      ['uuid', U1.toUpperCase()],
    ],
  ],
  [
    'set',
    [
      ['uuid', U1],
      ['named-uuid', 'r'],
    ],
  ],
  [
    'set',
    [
      ['named-uuid', 'r'],
      ['named-uuid', 'r'],
      ['named-uuid', 's'],
    ],
  ],
  ['set', ['a', 'b', 'c']],
  ['set', 'a'],
  ['map', [['k', 'v']]],
  [
    'map',
    [
      ['k', 'v'],
      ['k', 'w'],
    ],
  ],
];

function fullyValid(type: ReturnType<typeof parseColumnType>, value: unknown): boolean {
  try {
    checkDatum(type, value, {}, { allowNamedUuid: true });
    return true;
  } catch {
    return false;
  }
}

describe('quick value checks', () => {
  test('never accept what the full check rejects, and accept the common valid cases', () => {
    let confirmed = 0;
    for (const json of types) {
      const type = parseColumnType(json);
      const quick = quickCheckFor(type);
      for (const value of values) {
        if (quick(value)) {
          confirmed++;
          assert.ok(
            fullyValid(type, value),
            `quick check accepted ${JSON.stringify(value)} for ${JSON.stringify(json)}`,
          );
        }
      }
    }
    assert.ok(confirmed > 20, `only ${confirmed} values were confirmed quickly`);
  });

  test('is built once per column type', () => {
    const type = parseColumnType({ key: 'string', min: 0, max: 1 });
    assert.equal(quickCheckFor(type), quickCheckFor(type));
  });
});
