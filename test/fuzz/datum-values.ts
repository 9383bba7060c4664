/**
 * Arbitraries for OVSDB column types and their values in RFC 7047 notation: types with every
 * kind of constraint (and those of the real OVN schemas), values built valid for a type, and
 * the near misses a caller or a peer sends: wrong tags, sizes and duplicates, malformed UUIDs,
 * named UUIDs, numbers past 64 bits, bigints, lone surrogates, NUL.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { AtomicType, BaseType } from '../../src/protocol/base-type.js';
import { type ColumnType, parseColumnType } from '../../src/protocol/column-type.js';
import { type DatabaseSchema, parseDatabaseSchema } from '../../src/protocol/schema.js';
import { jsonValue } from './json-stream.js';

/** An OVN schema as the tests load it, from the copy in schemas/. */
export function loadSchema(file: 'ovn-nb' | 'ovn-sb' | 'ovn-ic-nb'): DatabaseSchema {
  const path = new URL(`../../schemas/${file}.ovsschema`, import.meta.url);
  return parseDatabaseSchema(JSON.parse(readFileSync(path, 'utf8')));
}

/** Every distinct column type of the OVN Northbound and Southbound schemas. */
export const realColumnTypes: ColumnType[] = (() => {
  const seen = new Map<string, ColumnType>();
  for (const schema of [loadSchema('ovn-nb'), loadSchema('ovn-sb')]) {
    for (const table of schema.tables.values()) {
      for (const column of table.columns.values()) seen.set(JSON.stringify(column.type), column.type);
    }
  }
  return [...seen.values()];
})();

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Code points without NUL, which OVSDB strings cannot hold. */
const nulFree = (s: string) => !s.includes('\u0000');
const text = (min: number, max: number) =>
  fc.string({ unit: 'binary', minLength: min, maxLength: max }).filter(nulFree);

/** A base type as schema JSON: every atomic type, with or without each kind of constraint. */
const baseTypeJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('integer', 'real', 'boolean', 'string', 'uuid'),
  fc
    .tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat({ max: 1000 }), fc.boolean(), fc.boolean())
    .map(([min, span, hasMin, hasMax]) => ({
      type: 'integer',
      ...(hasMin ? { minInteger: min } : {}),
      ...(hasMax ? { maxInteger: min + span } : {}),
    })),
  fc
    .tuple(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.boolean(),
    )
    .map(([min, span, both]) => ({ type: 'real', minReal: min, ...(both ? { maxReal: min + span } : {}) })),
  fc
    .tuple(fc.nat({ max: 4 }), fc.nat({ max: 4 }))
    .map(([min, span]) => ({ type: 'string', minLength: min, maxLength: min + span })),
  fc.uniqueArray(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 4 }).map((e) => ({
    type: 'integer',
    enum: ['set', e],
  })),
  fc
    .uniqueArray(text(0, 3), { minLength: 1, maxLength: 4 })
    .map((e) => ({ type: 'string', enum: e.length === 1 ? e[0] : ['set', e] })),
  fc.constant({ type: 'boolean', enum: true }),
  fc.constant({ type: 'uuid', refTable: 'T', refType: 'weak' }),
);

/** A column type: scalar, optional, set or map of any of the base types, bounded or not. */
const generatedColumnType: fc.Arbitrary<ColumnType> = fc
  .tuple(
    baseTypeJson,
    fc.option(baseTypeJson, { nil: undefined }),
    fc.nat({ max: 1 }),
    fc.nat({ max: 4 }),
    fc.boolean(),
  )
  .map(([key, value, min, span, unlimited]) =>
    parseColumnType({
      key,
      ...(value === undefined ? {} : { value }),
      min,
      max: unlimited ? 'unlimited' : Math.max(1, min + span),
    }),
  );

/** Column types, generated or taken from the OVN schemas. */
export const columnType: fc.Arbitrary<ColumnType> = fc.oneof(
  generatedColumnType,
  fc.constantFrom(...realColumnTypes),
);

// Built once: making arbitraries costs more than drawing from them, and types repeat.
const uuidAtom = fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => ['uuid', upper ? u.toUpperCase() : u]);
const uuidOrNamed = fc.oneof(
  uuidAtom,
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).map((id) => ['named-uuid', id]),
);
const atomCache = new Map<string, fc.Arbitrary<unknown>>();

/** An atom that meets every constraint of `base` (named UUIDs only with `named`). */
export function validAtom(base: BaseType, named = false): fc.Arbitrary<unknown> {
  const key = `${named}${JSON.stringify(base)}`;
  let arbitrary = atomCache.get(key);
  if (arbitrary === undefined) {
    arbitrary = buildValidAtom(base, named);
    atomCache.set(key, arbitrary);
  }
  return arbitrary;
}

function buildValidAtom(base: BaseType, named: boolean): fc.Arbitrary<unknown> {
  if (base.enum !== undefined) {
    const values = base.enum;
    return fc.constantFrom(...values).map((v) => (base.type === 'uuid' ? ['uuid', v] : v));
  }
  switch (base.type) {
    case 'integer': {
      const min = base.minInteger ?? Number.MIN_SAFE_INTEGER;
      const max = base.maxInteger ?? Number.MAX_SAFE_INTEGER;
      const unbounded = base.minInteger === undefined && base.maxInteger === undefined;
      return unbounded
        ? fc.oneof(
            fc.integer(),
            fc.bigInt(INT64_MIN, INT64_MAX),
            fc.constantFrom(0, -0, 2 ** 53, -(2 ** 63), 2 ** 62),
          )
        : fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.max(min, Math.min(max, 2 ** 31)) });
    }
    case 'real':
      return fc.double({
        min: base.minReal ?? -Number.MAX_VALUE,
        max: base.maxReal ?? Number.MAX_VALUE,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return text(base.minLength ?? 0, Math.min(base.maxLength ?? 8, (base.minLength ?? 0) + 8));
    case 'uuid':
      return named ? uuidOrNamed : uuidAtom;
  }
}

/** What makes two atoms the same element, independently of the code under test. */
export function atomKey(type: AtomicType, atom: unknown): string {
  if (Array.isArray(atom)) return `${atom[0]}:${String(atom[1]).toLowerCase()}`;
  if (type === 'integer') return BigInt(atom as number | bigint).toString();
  if (type === 'real') return String((atom as number) + 0);
  return JSON.stringify(atom);
}

/** A valid datum of `type` and the distinct elements it holds (key to value, for maps). */
export interface ValidDatum {
  readonly wire: unknown;
  readonly entries: ReadonlyArray<readonly [unknown, unknown]>;
}

/** A value of `type`, valid in every respect, in any of the notations RFC 7047 allows for it. */
export function validDatum(type: ColumnType, named = false): fc.Arbitrary<ValidDatum> {
  const max = Math.min(type.max, type.min + 6);
  const pair = fc.tuple(
    validAtom(type.key, named),
    type.value === undefined ? fc.constant(undefined) : validAtom(type.value, named),
  );
  return fc
    .uniqueArray(pair, {
      minLength: type.min,
      maxLength: max,
      selector: ([k]) => atomKey(type.key.type, k),
    })
    .chain((entries) => {
      if (type.value !== undefined) return fc.constant({ wire: ['map', entries], entries });
      const set = { wire: ['set', entries.map(([k]) => k)], entries };
      // A set of one element may also be written as the element alone.
      return entries.length === 1
        ? fc.constantFrom(set, { wire: entries[0]?.[0], entries })
        : fc.constant(set);
    });
}

/** Atoms that are wrong for some type or other: the edges of every atomic type. */
export const oddAtom: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0.5,
    -0,
    2 ** 63,
    -(2 ** 63),
    2 ** 64,
    1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2n ** 63n,
    -(2n ** 63n) - 1n,
    10n ** 400n,
    '\ud800',
    'a\udc00b',
    '\u0000',
    'x\u0000',
    '𝄞',
    '',
    ['uuid', 'not-a-uuid'],
    ['uuid', '{6d1f3c0a-1b2c-4d5e-8f90-123456789abc}'],
    ['uuid', 42],
    ['named-uuid', 'row1'],
    ['named-uuid', '1row'],
    ['named-uuid', ''],
    ['set'],
    ['set', []],
    ['map', []],
    ['set', [1, 1]],
    [
      'map',
      [
        [1, 2],
        [1, 3],
      ],
    ],
    ['map', [[1]]],
    ['set', [['set', []]]],
    [],
    null,
    {},
  ),
  jsonValue,
);

/** A datum for `type` with one thing wrong with it, or any JSON at all. */
export function nearDatum(type: ColumnType): fc.Arbitrary<unknown> {
  return fc.oneof(
    // One element replaced by an odd atom, as key or value.
    fc.tuple(validDatum(type, true), oddAtom, fc.nat(), fc.boolean()).map(([d, odd, at, asValue]) => {
      if (d.entries.length === 0) return type.value === undefined ? ['set', [odd]] : ['map', [[odd, odd]]];
      const entries = d.entries.map((e) => [...e]);
      const e = entries[at % entries.length] as unknown[];
      e[asValue && type.value !== undefined ? 1 : 0] = odd;
      return type.value === undefined ? ['set', entries.map(([k]) => k)] : ['map', entries];
    }),
    // One element twice.
    validDatum(type, true).map((d) => {
      const entries = [...d.entries, ...d.entries.slice(0, 1)];
      return type.value === undefined ? ['set', entries.map(([k]) => k)] : ['map', entries];
    }),
    // The wrong tag, too many or too few elements.
    validDatum(type, true).map((d) =>
      Array.isArray(d.wire) && d.wire[0] === 'map' ? ['set', d.wire[1]] : ['map', [d.wire]],
    ),
    type.max === Number.POSITIVE_INFINITY
      ? fc.constant(type.value === undefined ? ['set', []] : ['map', []])
      : fc
          .array(validAtom(type.key), { minLength: type.max + 1, maxLength: type.max + 2 })
          .map((atoms) => (type.value === undefined ? ['set', atoms] : ['map', atoms.map((a) => [a, a])])),
    oddAtom,
    fc.anything(),
  );
}
