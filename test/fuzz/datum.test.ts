/**
 * Property tests of atom and datum parsing (atom.ts, datum-parse.ts, datum.ts): any value is
 * either accepted or refused with InvalidValueError; a value built valid is accepted; what is
 * accepted comes back in the canonical form, which parses to itself and survives a trip through
 * JSON and one through the row codec (decode, encode); and atoms order as ovsdb-server orders them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeValue, encodeValue } from '../../src/model/row-codec.js';
import { parseBaseType } from '../../src/protocol/base-type.js';
import type { ColumnType } from '../../src/protocol/column-type.js';
import { checkDatum, compareAtoms, defaultDatum, parseAtom, parseDatum } from '../../src/protocol/datum.js';
import type { WireAtom, WireValue } from '../../src/protocol/notation.js';
import { codePointLength, compareCodePoints } from '../../src/protocol/string-order.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import { atomKey, columnType, nearDatum, oddAtom, validAtom, validDatum } from './datum-values.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import { jsonValue } from './json-stream.js';

const named = { allowNamedUuid: true };

/** `fn()`'s value, or the InvalidValueError it threw (any other throw fails the property). */
function parsed<T>(fn: () => T): { value: T } | { refused: InvalidValueError } {
  try {
    return { value: fn() };
  } catch (error) {
    assert.ok(
      error instanceof InvalidValueError,
      `threw ${error instanceof Error ? error.stack : String(error)}`,
    );
    return { refused: error };
  }
}

/** The elements of a canonical datum: keys, and values for maps. */
function elements(type: ColumnType, canonical: WireValue): Array<[WireAtom, WireAtom | undefined]> {
  if (type.value !== undefined)
    return ((canonical as ['map', [WireAtom, WireAtom][]])[1] ?? []).map(([k, v]) => [k, v]);
  if (Array.isArray(canonical) && canonical[0] === 'set')
    return (canonical[1] as WireAtom[]).map((k) => [k, undefined]);
  return [[canonical as WireAtom, undefined]];
}

/** What the canonical form promises: sorted distinct keys, idempotence, a JSON round trip, the row codec's round trip. */
function checkCanonical(type: ColumnType, canonical: WireValue): void {
  const list = elements(type, canonical);
  for (let i = 1; i < list.length; i++) {
    assert.ok(
      compareAtoms(list[i - 1]?.[0] as WireAtom, list[i]?.[0] as WireAtom) < 0,
      'keys not strictly ascending',
    );
  }
  // A one-element set is written as the bare element; anything else keeps its tag.
  if (type.value === undefined && list.length !== 1)
    assert.ok(Array.isArray(canonical) && canonical[0] === 'set');
  assert.deepEqual(parseDatum(type, canonical, undefined, named), canonical);
  const text = JSON.stringify(canonical, (_k, v: unknown) => (typeof v === 'bigint' ? `BIG${v}` : v));
  if (!text.includes('BIG'))
    assert.deepEqual(parseDatum(type, JSON.parse(text), undefined, named), canonical);
  const hasNamed = list.some(
    ([k, v]) => (Array.isArray(k) && k[0] === 'named-uuid') || (Array.isArray(v) && v[0] === 'named-uuid'),
  );
  if (hasNamed) return;
  // Decoded to the typed form and encoded back, it is the same datum.
  const typed = decodeValue(type, canonical);
  if (typed !== undefined) assert.deepEqual(parseDatum(type, encodeValue(type, typed)), canonical);
}

describe('fuzz: atoms and datums', { timeout: fuzzTimeout(30_000) }, () => {
  test('a value built valid for its type is accepted, holding exactly its elements, in canonical form', (t) =>
    runProperty(
      t,
      fc.property(
        columnType.chain((type) => fc.tuple(fc.constant(type), validDatum(type, true))),
        ([type, datum]) => {
          const canonical = parseDatum(type, datum.wire, undefined, named);
          checkCanonical(type, canonical);
          const got = new Map(elements(type, canonical).map(([k, v]) => [atomKey(type.key.type, k), v]));
          assert.equal(got.size, datum.entries.length);
          for (const [k, v] of datum.entries) {
            assert.ok(got.has(atomKey(type.key.type, k)), `element ${String(k)} lost`);
            if (type.value !== undefined) {
              const kept = got.get(atomKey(type.key.type, k));
              assert.equal(atomKey(type.value.type, kept), atomKey(type.value.type, v));
            }
          }
        },
      ),
      { runs: 1500 },
    ));

  test('near-valid and arbitrary values: accepted in canonical form or refused with InvalidValueError', (t) =>
    runProperty(
      t,
      fc.property(
        columnType.chain((type) => fc.tuple(fc.constant(type), nearDatum(type), fc.boolean())),
        ([type, wire, allowNamed]) => {
          const opts = { allowNamedUuid: allowNamed };
          const result = parsed(() => parseDatum(type, wire, { table: 'T', column: 'c' }, opts));
          const checked = parsed(() => checkDatum(type, wire, undefined, opts));
          assert.equal('value' in checked, 'value' in result, 'checkDatum and parseDatum disagree');
          if ('value' in result) checkCanonical(type, result.value);
          else assert.deepEqual([result.refused.table, result.refused.column], ['T', 'c']);
        },
      ),
      {
        runs: 2500,
        examples: [
          [[{ key: parseBaseType('real'), min: 1, max: 1 }, 10n ** 400n, false]],
          [[{ key: parseBaseType('integer'), min: 1, max: 1 }, 2 ** 63, false]],
          [[{ key: parseBaseType('string'), min: 0, max: 2 }, ['set', ['a\udc00', 'b']], false]],
        ],
      },
    ));

  test('atoms: any value is a canonical atom of the type or refused with InvalidValueError', (t) =>
    runProperty(
      t,
      fc.property(
        columnType.map((type) => type.key),
        fc.oneof(oddAtom, jsonValue, fc.anything()),
        fc.boolean(),
        (base, wire, allowNamed) => {
          const result = parsed(() => parseAtom(base, wire, undefined, { allowNamedUuid: allowNamed }));
          if ('value' in result) {
            assert.deepEqual(
              parseAtom(base, result.value, undefined, { allowNamedUuid: allowNamed }),
              result.value,
            );
            if (typeof result.value === 'number')
              assert.ok(Number.isFinite(result.value), 'a non-finite number');
          }
        },
      ),
      { runs: 2000 },
    ));

  test('compareAtoms is a total order and orders strings as their UTF-8 bytes', (t) =>
    runProperty(
      t,
      fc.property(
        fc.constantFrom('integer', 'real', 'boolean', 'string', 'uuid').chain((type) => {
          const atom = validAtom(parseBaseType(type)).map((a) => parseAtom(parseBaseType(type), a));
          return fc.tuple(atom, atom, atom);
        }),
        ([a, b, c]) => {
          const sign = (x: number) => Math.sign(x);
          assert.equal(sign(compareAtoms(a, b)) + sign(compareAtoms(b, a)), 0, 'not antisymmetric');
          assert.equal(compareAtoms(a, a), 0);
          if (compareAtoms(a, b) <= 0 && compareAtoms(b, c) <= 0)
            assert.ok(compareAtoms(a, c) <= 0, 'not transitive');
          if (typeof a === 'string' && typeof b === 'string') {
            assert.equal(sign(compareCodePoints(a, b)), sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
          }
        },
      ),
      { runs: 2000 },
    ));

  test('codePointLength counts code points, and -1 exactly for strings with a lone surrogate', (t) =>
    runProperty(
      t,
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc
            .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), {
              maxLength: 8,
            })
            .map((units) => String.fromCharCode(...units)),
        ),
        (s) => {
          // With the u flag, \p{Surrogate} matches only surrogates that are not part of a pair.
          assert.equal(codePointLength(s), /\p{Surrogate}/u.test(s) ? -1 : [...s].length);
        },
      ),
      { runs: 2000 },
    ));

  test('the default value of a column without constraints is a valid value of it', (t) =>
    runProperty(
      t,
      fc.property(columnType, (type) => {
        const plain = (b: ColumnType['key'] | undefined) => b === undefined || Object.keys(b).length === 1;
        fc.pre(plain(type.key) && plain(type.value));
        checkCanonical(type, parseDatum(type, defaultDatum(type)));
      }),
      { runs: 300 },
    ));
});
