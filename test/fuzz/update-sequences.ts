/**
 * Sequences of monitor updates for property tests of the update appliers, on a schema with a
 * column of every shape: what changes (intents) is generated first; `toMessages` turns it into
 * the `update2` messages ovsdb-server would send (modify diffs computed from the rows as they
 * are), applying it to the reference replica as it goes. Element pools are small, so that
 * sets and maps grow past the size where the store starts versioning them, and toggles hit.
 */
import fc from 'fast-check';
import type { AtomicType } from '../../src/protocol/base-type.js';
import type { ColumnType } from '../../src/protocol/column-type.js';
import { parseDatabaseSchema } from '../../src/protocol/schema.js';
import { fullValue, type ModelRow, type ModelTable } from './replica-model.js';

/** A table with a column of every shape, indexed by name, and a second, small one. */
export const schema = parseDatabaseSchema({
  name: 'Fuzz',
  version: '1.0.0',
  tables: {
    T: {
      columns: {
        name: { type: 'string' },
        n: { type: 'integer' },
        r: { type: 'real' },
        flag: { type: 'boolean' },
        ref: { type: 'uuid' },
        opt_s: { type: { key: 'string', min: 0, max: 1 } },
        opt_i: { type: { key: 'integer', min: 0, max: 1 } },
        opt_u: { type: { key: 'uuid', min: 0, max: 1 } },
        tags: { type: { key: 'string', min: 0, max: 'unlimited' } },
        nums: { type: { key: 'integer', min: 0, max: 'unlimited' } },
        refs: { type: { key: 'uuid', min: 0, max: 'unlimited' } },
        bounded: { type: { key: 'integer', min: 1, max: 3 } },
        ext: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        imap: { type: { key: 'integer', value: 'string', min: 0, max: 'unlimited' } },
        one: { type: { key: 'string', value: 'integer', min: 0, max: 1 } },
      },
      indexes: [['name']],
    },
    U: { columns: { tag: { type: 'string' }, list: { type: { key: 'string', min: 0, max: 'unlimited' } } } },
  },
});

export const tableT = schema.tables.get('T')!;
export const tableU = schema.tables.get('U')!;

/** Names, from a pool small enough for rows to share them (the index is not unique here). */
export const NAMES = ['a', 'b', 'c', ''];
/** Row UUIDs of each table: few, so that changes meet the same rows. */
export const ROWS = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
const REFS = Array.from({ length: 100 }, (_, i) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

// Atoms of each type from pools of about 100, as they travel on the wire.
const atomOf: Record<AtomicType, fc.Arbitrary<unknown>> = {
  integer: fc.integer({ min: 0, max: 99 }),
  real: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(0.5)),
  boolean: fc.boolean(),
  string: fc.oneof(
    fc.integer({ min: 0, max: 99 }).map((i) => `s${i}`),
    fc.constantFrom(...NAMES, 'ü𝄞', '__proto__'),
  ),
  uuid: fc.constantFrom(...REFS).map((u) => ['uuid', u]),
};

/** Distinct elements, at most `max`: mostly a few, sometimes enough to make the store version them. */
function distinct<T>(
  element: fc.Arbitrary<T>,
  min: number,
  max: number,
  key: (e: T) => unknown,
): fc.Arbitrary<T[]> {
  const selector = (e: T) => JSON.stringify(key(e));
  const few = fc.uniqueArray(element, { minLength: min, maxLength: Math.min(max, 8), selector });
  if (max < 40) return few;
  return fc.oneof(few, fc.uniqueArray(element, { minLength: 40, maxLength: Math.min(max, 70), selector }));
}

/** A full wire value of `type` (valid: distinct elements, within min and max). */
export function wireValue(type: ColumnType, name: string): fc.Arbitrary<unknown> {
  const key = name === 'name' ? fc.constantFrom(...NAMES) : atomOf[type.key.type];
  if (type.value !== undefined) {
    return distinct(fc.tuple(key, atomOf[type.value.type]), type.min, type.max, ([k]) => k).map((pairs) => [
      'map',
      pairs,
    ]);
  }
  const set = distinct(key, type.min, type.max, (k) => k);
  return fc.oneof(
    set.map((elements) => ['set', elements]),
    // A single element may travel bare.
    set.filter((e) => e.length === 1).map((e) => e[0]),
  );
}

/** Some columns of `table` with valid full values, as a wire row. */
function wireRow(table: typeof tableT): fc.Arbitrary<Record<string, unknown>> {
  const columns = [...table.columns.entries()];
  return fc
    .tuple(...columns.map(([name, c]) => fc.option(wireValue(c.type, name), { nil: undefined, freq: 3 })))
    .map((values) => {
      const row: Record<string, unknown> = {};
      columns.forEach(([name], i) => {
        if (values[i] !== undefined) row[name] = values[i];
      });
      return row;
    });
}

/** One change the server reports. */
export type Intent =
  | { kind: 'put'; table: 'T' | 'U'; row: number; values: Record<string, unknown>; version: boolean }
  | { kind: 'modify'; table: 'T' | 'U'; row: number; values: Record<string, unknown>; version: boolean }
  | { kind: 'toggle'; row: number; column: 'tags' | 'nums' | 'refs' | 'ext' | 'imap'; elements: unknown[] }
  | { kind: 'delete'; table: 'T' | 'U'; row: number };

const rowIndex = fc.integer({ min: 0, max: ROWS.length - 1 });
const tableName = fc.constantFrom<'T' | 'U'>('T', 'T', 'T', 'U');

const toggle = fc.constantFrom('tags', 'nums', 'refs', 'ext', 'imap').chain((column) => {
  const type = tableT.columns.get(column)!.type;
  const element =
    type.value === undefined
      ? atomOf[type.key.type]
      : fc.tuple(atomOf[type.key.type], atomOf[type.value.type]);
  return fc.record({
    kind: fc.constant('toggle' as const),
    row: rowIndex,
    column: fc.constant(column),
    elements: distinct(element as fc.Arbitrary<unknown>, 0, 60, (e) =>
      type.value === undefined ? e : (e as unknown[])[0],
    ),
  });
});

export const intent: fc.Arbitrary<Intent> = fc.oneof(
  tableName.chain((table) =>
    fc.record({
      kind: fc.constant('put' as const),
      table: fc.constant(table),
      row: rowIndex,
      values: wireRow(table === 'T' ? tableT : tableU),
      version: fc.boolean(),
    }),
  ),
  {
    arbitrary: tableName.chain((table) =>
      fc.record({
        kind: fc.constant('modify' as const),
        table: fc.constant(table),
        row: rowIndex,
        values: wireRow(table === 'T' ? tableT : tableU),
        version: fc.boolean(),
      }),
    ),
    weight: 3,
  },
  { arbitrary: toggle, weight: 2 },
  fc.record({ kind: fc.constant('delete' as const), table: tableName, row: rowIndex }),
);

/** Intents in batches: each batch one message (a row appears at most once in a message). */
export const batches = fc.array(fc.array(intent, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 12,
});

function toWire(type: AtomicType, v: unknown): unknown {
  return type === 'uuid' ? ['uuid', v] : v;
}

/** What ovsdb-server sends in `modify` for a column going from `old` to `next` (ovsdb_datum_diff). */
function columnDiff(type: ColumnType, old: unknown, next: unknown): unknown {
  const k = type.key.type;
  if (type.max === 1 && type.value === undefined) return next === undefined ? ['set', []] : toWire(k, next);
  if (type.value === undefined) {
    const a = old as Set<unknown>;
    const b = next as Set<unknown>;
    return [
      'set',
      [...[...a].filter((e) => !b.has(e)), ...[...b].filter((e) => !a.has(e))].map((e) => toWire(k, e)),
    ];
  }
  const v = type.value.type;
  const a = old as Map<unknown, unknown>;
  const b = next as Map<unknown, unknown>;
  const pair = (key: unknown, value: unknown) => [toWire(k, key), toWire(v, value)];
  if (type.max === 1) return ['map', [...b].map(([key, value]) => pair(key, value))];
  const pairs: unknown[] = [];
  for (const [key, value] of a) if (!b.has(key)) pairs.push(pair(key, value));
  for (const [key, value] of b) if (!a.has(key) || a.get(key) !== value) pairs.push(pair(key, value));
  return ['map', pairs];
}

/** Whether two column values are the same. */
function same(x: unknown, y: unknown): boolean {
  if (x instanceof Set && y instanceof Set) return x.size === y.size && [...x].every((e) => y.has(e));
  if (x instanceof Map && y instanceof Map)
    return x.size === y.size && [...x].every(([k, v]) => y.has(k) && y.get(k) === v);
  return Object.is(x, y) || (x === 0 && y === 0);
}

let versionCounter = 0;
const nextVersion = () => ['uuid', `20000000-0000-4000-8000-${String(++versionCounter).padStart(12, '0')}`];

/** A row change of update2 for `intent`, given the reference rows before it; undefined: nothing to send. */
export function rowChange(model: ModelTable, intent: Intent): { uuid: string; change: unknown } | undefined {
  const uuid = ROWS[intent.row] as string;
  const old: ModelRow | undefined = model.rows.get(uuid);
  switch (intent.kind) {
    case 'delete':
      return { uuid, change: { delete: null } };
    case 'put':
      return { uuid, change: { insert: withVersion(intent.values, intent.version) } };
    case 'modify': {
      if (old === undefined) return { uuid, change: { insert: withVersion(intent.values, intent.version) } };
      const diff: Record<string, unknown> = {};
      for (const [name, wire] of Object.entries(intent.values)) {
        const type = model.schema.columns.get(name)!.type;
        const next = fullValue(type, wire);
        const before = old.values.get(name);
        // The server leaves unchanged columns out of a modify.
        if (!same(before, next)) diff[name] = columnDiff(type, before, next);
      }
      if (Object.keys(diff).length === 0) return undefined;
      return { uuid, change: { modify: withVersion(diff, intent.version) } };
    }
    case 'toggle': {
      if (old === undefined || model.schema.name !== 'T') return undefined;
      const type = tableT.columns.get(intent.column)!.type;
      // Toggles as they come: any elements of the column's type (and for maps, any values).
      return {
        uuid,
        change: { modify: { [intent.column]: [type.value === undefined ? 'set' : 'map', intent.elements] } },
      };
    }
  }
}

// A copy: a test that damages the message must not damage the generated intent with it.
function withVersion(row: Record<string, unknown>, version: boolean): Record<string, unknown> {
  return version ? { ...row, _version: nextVersion() } : { ...row };
}

/** The table an intent changes. */
export function tableOf(intent: Intent): 'T' | 'U' {
  return intent.kind === 'toggle' ? 'T' : intent.table;
}

/** A reference row as a full wire image (`initial`, `insert`, or update's `new`). */
export function wireImage(model: ModelTable, row: ModelRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (row.version !== undefined) out._version = ['uuid', row.version];
  for (const [name, column] of model.schema.columns) {
    const type = column.type;
    const value = row.values.get(name);
    const k = type.key.type;
    if (type.value !== undefined) {
      const v = type.value.type;
      out[name] = [
        'map',
        [...(value as Map<unknown, unknown>)].map(([a, b]) => [toWire(k, a), toWire(v, b)]),
      ];
    } else if (type.max === 1) {
      out[name] = value === undefined ? ['set', []] : toWire(k, value);
    } else {
      out[name] = ['set', [...(value as Set<unknown>)].map((e) => toWire(k, e))];
    }
  }
  return out;
}
