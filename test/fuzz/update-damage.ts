/**
 * Damage for property tests of the update appliers: values wrong for a row change, a row, a
 * column or a table, and the ways of putting one into an update2 message.
 */
import fc from 'fast-check';
import { jsonValue } from './json-stream.js';
import { ROWS, tableT } from './update-sequences.js';

/** A message as the tests build it: table, then row UUID, then row change. */
export type Message = Record<string, Record<string, unknown>>;

/** Values that are wrong somewhere in an update: for a row change, a row, a column or a table. */
export const badValue = fc.oneof(
  fc.constantFrom(
    null,
    5,
    'x',
    true,
    [],
    {},
    1.5,
    -0,
    2n ** 70n,
    ['set'],
    ['set', []],
    ['set', [1, 2]],
    ['set', ['x']],
    ['map', []],
    ['map', [['a', 'b']]],
    ['map', [['k']]],
    ['map', [[1, 'a', 3]]],
    ['uuid', 5],
    ['uuid', 'not-a-uuid'],
    { insert: null },
    { insert: 5 },
    { insert: [] },
    { modify: null },
    { modify: 'x' },
    { modify: [] },
    { initial: true },
    { insert: {}, modify: {} },
    { delete: null, insert: {} },
    { initial: {}, insert: {} },
    { delete: 5 },
    { new: 5 },
    { new: null },
    { new: [] },
    { old: {} },
    { new: { n: 'x' } },
    { insert: { _version: 5 } },
    { modify: { _version: 'abc' } },
  ),
  jsonValue,
);

/** A row change of `update`: a new image (valid or not), or none (a delete). */
export const imageChange = fc.oneof(
  fc.constant({}),
  fc.record({
    new: fc.dictionary(
      fc.constantFrom(...tableT.columns.keys(), '_version'),
      fc.oneof(badValue, fc.constantFrom('a', 1, true, ['set', []])),
    ),
  }),
);

/** One thing wrong in a message: a row change, a column value, a table, or a row that is not there. */
export type Corruption =
  | { where: 'change'; at: number; value: unknown }
  | { where: 'column'; at: number; column: string; value: unknown }
  | { where: 'table'; value: unknown }
  | { where: 'missing'; at: number };

export const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ where: fc.constant('change' as const), at: fc.nat(), value: badValue }),
  fc.record({
    where: fc.constant('column' as const),
    at: fc.nat(),
    column: fc.constantFrom(...tableT.columns.keys(), '_version'),
    value: badValue,
  }),
  fc.record({ where: fc.constant('table' as const), value: badValue }),
  fc.record({ where: fc.constant('missing' as const), at: fc.nat() }),
);

/** `message` with `damage` done to it (in place; the values it holds are copied first). */
export function corrupt(message: Message, damage: Corruption): void {
  message.T ??= {};
  const rows = message.T;
  const uuids = Object.keys(rows);
  const uuid =
    uuids.length > 0
      ? (uuids[('at' in damage ? damage.at : 0) % uuids.length] as string)
      : (ROWS[0] as string);
  switch (damage.where) {
    case 'change':
      rows[uuid] = damage.value;
      break;
    case 'column': {
      const change = structuredClone(rows[uuid] ?? { modify: {} }) as Record<string, unknown>;
      const target = (change.modify ?? change.insert ?? change.initial) as
        | Record<string, unknown>
        | undefined;
      if (target !== undefined && target !== null && typeof target === 'object')
        target[damage.column] = damage.value;
      rows[uuid] = change;
      break;
    }
    case 'table':
      (message as Record<string, unknown>).T = damage.value;
      break;
    case 'missing':
      rows['ffffffff-0000-4000-8000-000000000000'] = { modify: { n: 1 } };
      break;
  }
}
