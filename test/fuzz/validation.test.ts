/**
 * Property tests of validateOperations against the real OVN Northbound schema: operations
 * whose values are anything are accepted or refused with an OvndbError; operations built
 * valid are accepted; and the quick checks on the hot path never confirm a value that the
 * full check refuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { OvndbError } from '../../src/errors.js';
import { columnRules } from '../../src/protocol/column-rules.js';
import { checkDatum } from '../../src/protocol/datum.js';
import type { Operation } from '../../src/protocol/operations.js';
import type { TableSchema } from '../../src/protocol/schema.js';
import { validateOperations } from '../../src/protocol/validation.js';
import { InvalidValueError } from '../../src/protocol/validation-errors.js';
import { loadSchema, nearDatum, validDatum } from './datum-values.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import { jsonValue } from './json-stream.js';

const nb = loadSchema('ovn-nb');
const tables = [...nb.tables.values()];
const table = fc.constantFrom(...tables);

/** A column name of `t`: a real one mostly, an implicit or unknown one sometimes. */
function columnOf(t: TableSchema): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...t.columns.keys()), weight: 8 },
    { arbitrary: fc.constantFrom('_uuid', '_version', 'no_such_column', ''), weight: 1 },
  );
}

/** A value for column `name` of `t`: valid, nearly valid or any JSON. */
function valueFor(t: TableSchema, name: string): fc.Arbitrary<unknown> {
  const type = t.columns.get(name)?.type;
  if (type === undefined) return jsonValue;
  return fc.oneof(
    validDatum(type, true).map((d) => d.wire),
    nearDatum(type),
  );
}

const cell = (t: TableSchema) => columnOf(t).chain((name) => fc.tuple(fc.constant(name), valueFor(t, name)));
const row = (t: TableSchema) =>
  fc.array(cell(t), { maxLength: 4 }).map((cells) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of cells)
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    return out;
  });
const fn = fc.oneof(
  fc.constantFrom('<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'),
  fc.string({ maxLength: 3 }),
);
const mutator = fc.oneof(
  fc.constantFrom('+=', '-=', '*=', '/=', '%=', 'insert', 'delete'),
  fc.string({ maxLength: 3 }),
);
const where = (t: TableSchema) =>
  fc.array(
    fc.tuple(cell(t), fn).map(([[name, value], f]) => [name, f, value]),
    { maxLength: 3 },
  );
const mutations = (t: TableSchema) =>
  fc.array(
    fc.tuple(cell(t), mutator).map(([[name, value], m]) => [name, m, value]),
    { maxLength: 3 },
  );

/** Operations of every kind, well-formed as objects, with anything as their values. */
const operation: fc.Arbitrary<Operation> = fc.oneof(
  table.chain((t) =>
    fc.oneof(
      fc.record({ op: fc.constant('insert'), table: fc.constant(t.name), row: row(t) }),
      fc.record({
        op: fc.constant('insert'),
        table: fc.constant(t.name),
        row: row(t),
        'uuid-name': fc.string({ maxLength: 4 }),
      }),
      fc.record({ op: fc.constant('update'), table: fc.constant(t.name), where: where(t), row: row(t) }),
      fc.record({
        op: fc.constant('mutate'),
        table: fc.constant(t.name),
        where: where(t),
        mutations: mutations(t),
      }),
      fc.record({ op: fc.constantFrom('select', 'delete'), table: fc.constant(t.name), where: where(t) }),
      fc.record({
        op: fc.constant('wait'),
        table: fc.constant(t.name),
        where: where(t),
        columns: fc.array(columnOf(t), { maxLength: 2 }),
        until: fc.constantFrom('==', '!='),
        rows: fc.array(row(t), { maxLength: 2 }),
      }),
    ),
  ),
  fc.record({
    op: fc.constantFrom('select', 'delete'),
    table: fc.string({ maxLength: 6 }),
    where: fc.constant([]),
  }),
  fc.record({ op: fc.constant('comment'), comment: fc.oneof(fc.string({ unit: 'binary' }), jsonValue) }),
  fc.record({ op: fc.constant('assert'), lock: fc.oneof(fc.string({ maxLength: 6 }), jsonValue) }),
  fc.record({ op: fc.constant('commit'), durable: fc.boolean() }),
  fc.constant({ op: 'abort' }),
) as fc.Arbitrary<Operation>;

/** Valid inserts: every column the table has that is not set by the server, with a valid value. */
const validInsert = table.chain((t) =>
  fc
    .tuple(...[...t.columns.values()].map((c) => fc.option(validDatum(c.type, true), { nil: undefined })))
    .map((values) => {
      const out: Record<string, unknown> = {};
      [...t.columns.keys()].forEach((name, i) => {
        const value = values[i];
        if (value !== undefined) out[name] = value.wire;
      });
      return { op: 'insert', table: t.name, row: out } as Operation;
    }),
);

describe('fuzz: validateOperations on the OVN Northbound schema', { timeout: fuzzTimeout(30_000) }, () => {
  test('operations with anything in them: accepted or refused with an OvndbError', (t) =>
    runProperty(
      t,
      fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), (ops) => {
        try {
          validateOperations(nb, ops);
        } catch (error) {
          assert.ok(
            error instanceof OvndbError,
            `threw ${error instanceof Error ? error.stack : String(error)}`,
          );
        }
      }),
      { runs: 1500 },
    ));

  test('inserts built valid are accepted', (t) =>
    runProperty(
      t,
      fc.property(fc.array(validInsert, { minLength: 1, maxLength: 3 }), (ops) => {
        validateOperations(nb, ops);
      }),
      { runs: 300 },
    ));

  test('a quick check never confirms a value the full check refuses', (t) =>
    runProperty(
      t,
      fc.property(
        table.chain((tb) =>
          columnOf(tb).chain((name) => fc.tuple(fc.constant(tb), fc.constant(name), valueFor(tb, name))),
        ),
        ([tb, name, value]) => {
          const rule = columnRules(tb).get(name);
          fc.pre(rule !== undefined);
          const checks = [
            [rule.check, rule.schema.type],
            [rule.checkAnySize, rule.anySizeType],
            [rule.checkKeys, rule.keysType],
          ] as const;
          for (const [quick, type] of checks) {
            if (!quick(value)) continue;
            try {
              checkDatum(type, value, undefined, { allowNamedUuid: true });
            } catch (error) {
              assert.ok(
                !(error instanceof InvalidValueError),
                `quick check confirmed ${JSON.stringify(value)}, refused: ${String(error)}`,
              );
              throw error;
            }
          }
        },
      ),
      { runs: 3000 },
    ));

  test('operations of any shape, as an untyped caller may pass them: accepted or refused with an OvndbError', (t) =>
    runProperty(
      t,
      fc.property(fc.array(untypedOperation, { minLength: 1, maxLength: 3 }), (ops) => {
        try {
          validateOperations(nb, ops as Operation[]);
        } catch (error) {
          assert.ok(error instanceof OvndbError, `threw ${String(error)}`);
        }
      }),
      {
        runs: 300,
        examples: [
          [[{ op: 'mutate', table: 'Logical_Switch', where: [], mutations: 5 }]],
          [[{ op: 'wait', table: 'Logical_Switch', where: [], columns: [], until: '==', rows: 7 }]],
          [[null]],
        ],
      },
    ));
});

/** Operations whose members are anything at all: the shape TypeScript would have refused. */
const untypedOperation: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      op: fc.constantFrom('insert', 'update', 'mutate', 'select', 'delete', 'wait', 'comment', 'assert'),
      table: fc.oneof(fc.constantFrom('Logical_Switch', 'ACL'), jsonValue),
      row: jsonValue,
      where: jsonValue,
      mutations: jsonValue,
      columns: jsonValue,
      rows: jsonValue,
      until: jsonValue,
      comment: jsonValue,
      lock: jsonValue,
    },
    { requiredKeys: ['op', 'table'] },
  ),
  jsonValue,
);
