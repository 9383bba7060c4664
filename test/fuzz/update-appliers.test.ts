/**
 * Property tests of the update appliers (apply-updates.ts over table-store.ts): sequences of
 * valid `update2` messages, applied whole, in slices, and as the equivalent `update` messages,
 * give the tables the reference replica gives, with the changes reported, the indexes right
 * and every row object handed out unchanged afterwards; damaged messages are refused with an
 * OvndbError exactly where the reference refuses them, with nothing else changed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  applyUpdates1,
  applyUpdates2,
  applyUpdates2Sliced,
  type ChangeSink,
  listRows,
} from '../../src/cache/apply-updates.js';
import type { RowChange } from '../../src/cache/change.js';
import { TableStore } from '../../src/cache/table-store.js';
import { OvndbError } from '../../src/errors.js';
import type { TableUpdates, TableUpdates2 } from '../../src/protocol/updates.js';
import { fuzzTimeout, runProperty } from './fuzz-run.js';
import {
  applyMessage,
  comparableModelRow,
  comparableStoreRow,
  ModelTable,
  Refused,
} from './replica-model.js';
import {
  badValue,
  type Corruption,
  corrupt,
  corruption,
  imageChange,
  type Message,
} from './update-damage.js';
import {
  batches,
  type Intent,
  intent,
  NAMES,
  ROWS,
  rowChange,
  tableOf,
  tableT,
  tableU,
  wireImage,
} from './update-sequences.js';

type Stores = Map<string, TableStore>;

function freshStores(): Stores {
  return new Map([
    ['T', new TableStore(tableT)],
    ['U', new TableStore(tableU)],
  ]);
}

function freshModel(): Map<string, ModelTable> {
  return new Map([
    ['T', new ModelTable(tableT)],
    ['U', new ModelTable(tableU)],
  ]);
}

/** The update2 message for one batch of intents, from the reference rows before it. */
function messageOf(model: Map<string, ModelTable>, intents: readonly Intent[]): Message {
  const message: Message = {};
  for (const intent of intents) {
    const table = tableOf(intent);
    const rc = rowChange(model.get(table) as ModelTable, intent);
    if (rc === undefined) continue;
    message[table] ??= {};
    // A row changes at most once per message.
    if (!(rc.uuid in (message[table] as object)))
      (message[table] as Record<string, unknown>)[rc.uuid] = rc.change;
  }
  return message;
}

/** The stores hold exactly the reference's rows. */
function sameAsModel(stores: Stores, model: Map<string, ModelTable>, what: string): void {
  for (const [name, table] of model) {
    const store = stores.get(name) as TableStore;
    assert.deepEqual([...store.uuids()].sort(), [...table.rows.keys()].sort(), `${what}: rows of ${name}`);
    for (const [uuid, row] of table.rows) {
      const got = store.get(uuid) as Record<string, unknown>;
      assert.equal(got._uuid, uuid);
      assert.deepEqual(
        comparableStoreRow(table.schema, got),
        comparableModelRow(row),
        `${what}: ${name} ${uuid}`,
      );
    }
  }
}

/** The name index finds exactly the rows with each name. */
function indexRight(store: TableStore, model: ModelTable): void {
  for (const name of NAMES) {
    const found = store
      .find('name', [name])
      .map((r) => r._uuid as string)
      .sort();
    const want = [...model.rows]
      .filter(([, r]) => r.values.get('name') === name)
      .map(([u]) => u)
      .sort();
    assert.deepEqual(found, want, `index name=${JSON.stringify(name)}`);
  }
}

/** The changes reported for a message: one per row that changed, old and new the store's objects. */
function changesRight(
  changes: RowChange[],
  before: Map<string, unknown>,
  stores: Stores,
  message: Message,
): void {
  const expected = new Map<string, string>();
  for (const [table, rows] of Object.entries(message)) {
    for (const [uuid, change] of Object.entries(rows)) {
      const had = before.has(`${table}/${uuid}`);
      const c = change as Record<string, unknown>;
      const kind = 'delete' in c ? (had ? 'delete' : undefined) : had ? 'update' : 'insert';
      if (kind !== undefined) expected.set(`${table}/${uuid}`, kind);
    }
  }
  assert.equal(changes.length, expected.size, 'one change per row changed');
  for (const change of changes) {
    const key = `${change.table}/${change.uuid}`;
    assert.equal(change.kind, expected.get(key), `kind of ${key}`);
    if (change.kind !== 'insert')
      assert.equal(change.old, before.get(key), `old of ${key} is the row handed out before`);
    if (change.kind !== 'delete') assert.equal(change.new, stores.get(change.table)?.get(change.uuid));
  }
}

/** Every row of the stores, by table/uuid. */
function rowsOf(stores: Stores): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, store] of stores)
    for (const uuid of store.uuids()) out.set(`${name}/${uuid}`, store.get(uuid));
  return out;
}

const sink =
  (into: RowChange[]): ChangeSink =>
  (change) =>
    into.push(change);

describe('fuzz: update appliers against a reference replica', { timeout: fuzzTimeout(40_000) }, () => {
  test('valid update2 sequences, whole, sliced and as update: the reference tables, changes, indexes, old rows kept', (t) =>
    runProperty(
      t,
      fc.asyncProperty(
        batches,
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (sequence, sliceRows, readNow) => {
          const model = freshModel();
          const whole = freshStores();
          const sliced = freshStores();
          const images = freshStores();
          // Row objects handed out, with what they showed then; half are first read at the end.
          const handedOut: Array<{
            table: ModelTable;
            row: Record<string, unknown>;
            want: Record<string, unknown>;
          }> = [];
          for (const intents of sequence) {
            const message = messageOf(model, intents);
            const before = rowsOf(whole);
            applyMessage(model, message, 2);

            const changes: RowChange[] = [];
            applyUpdates2(whole, message as TableUpdates2, sink(changes));
            const copy = structuredClone(message) as TableUpdates2;
            await applyUpdates2Sliced(sliced, listRows(sliced, copy), undefined, sliceRows, () =>
              Promise.resolve(),
            );
            const update1: Record<string, Record<string, unknown>> = {};
            for (const [table, rows] of Object.entries(message)) {
              const m = model.get(table) as ModelTable;
              update1[table] = {};
              for (const uuid of Object.keys(rows)) {
                const row = m.rows.get(uuid);
                (update1[table] as Record<string, unknown>)[uuid] =
                  row === undefined ? {} : { new: wireImage(m, row) };
              }
            }
            applyUpdates1(images, update1 as TableUpdates, new Map(), false, undefined);

            sameAsModel(whole, model, 'update2');
            sameAsModel(sliced, model, 'update2 in slices');
            sameAsModel(images, model, 'update');
            changesRight(changes, before, whole, message);
            indexRight(whole.get('T') as TableStore, model.get('T') as ModelTable);
            for (const [name, table] of model) {
              for (const [uuid, row] of table.rows) {
                const object = whole.get(name)?.get(uuid) as Record<string, unknown>;
                const want = comparableModelRow(row);
                if (readNow) assert.deepEqual(comparableStoreRow(table.schema, object), want);
                handedOut.push({ table, row: object, want });
              }
            }
          }
          for (const { table, row, want } of handedOut) {
            assert.deepEqual(comparableStoreRow(table.schema, row), want, 'a row handed out earlier changed');
          }
        },
      ),
      { runs: 250 },
    ));

  test('damaged update2 messages: refused with an OvndbError exactly where the reference refuses, nothing else changed', (t) =>
    runProperty(
      t,
      fc.property(
        fc.array(
          fc.tuple(fc.array(intent, { minLength: 1, maxLength: 4 }), fc.option(corruption, { freq: 2 })),
          { minLength: 1, maxLength: 8 },
        ),
        (sequence) => {
          const model = freshModel();
          const stores = freshStores();
          for (const [intents, damage] of sequence) {
            const message = messageOf(model, intents);
            if (damage !== null) corrupt(message, damage);
            sameOutcome(
              () => applyMessage(model, message, 2),
              () => applyUpdates2(stores, message as TableUpdates2, undefined),
            );
            sameAsModel(stores, model, 'after a damaged update2');
          }
        },
      ),
      { runs: 500, examples: damagedExamples },
    ));

  test('damaged update messages (old and new images): refused with an OvndbError exactly where the reference refuses', (t) =>
    runProperty(
      t,
      fc.property(
        fc.array(fc.dictionary(fc.constantFrom(...ROWS), fc.oneof(imageChange, badValue)), {
          minLength: 1,
          maxLength: 6,
        }),
        (messages) => {
          const model = freshModel();
          const stores = freshStores();
          for (const rows of messages) {
            const message = { T: rows };
            sameOutcome(
              () => applyMessage(model, message, 1),
              () => applyUpdates1(stores, message as TableUpdates, new Map(), false, undefined),
            );
            sameAsModel(stores, model, 'after a damaged update');
          }
        },
      ),
      { runs: 400, examples: [[[{ [ROWS[0] as string]: null }]], [[{ [ROWS[0] as string]: { new: 5 } }]]] },
    ));
});

/** The appliers refuse (with an OvndbError) exactly when the reference does. */
function sameOutcome(reference: () => void, applier: () => void): void {
  let refused: unknown;
  try {
    reference();
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    refused = error;
  }
  try {
    applier();
  } catch (error) {
    assert.ok(error instanceof OvndbError, `threw ${error instanceof Error ? error.stack : String(error)}`);
    assert.ok(refused !== undefined, `refused what the reference applies: ${error.message}`);
    return;
  }
  assert.equal(refused, undefined, `applied what the reference refuses: ${String(refused)}`);
}

/** Regressions: damage the appliers once let through or threw TypeError on. */
const damagedExamples: Array<[Array<[Intent[], Corruption | null]>]> = [
  [[[[], { where: 'change', at: 0, value: null }]]],
  [[[[], { where: 'change', at: 0, value: 5 }]]],
  [[[[], { where: 'change', at: 0, value: { modify: null } }]]],
  [[[[], { where: 'change', at: 0, value: { insert: 'x' } }]]],
  [[[[], { where: 'change', at: 0, value: {} }]]],
  [[[[], { where: 'change', at: 0, value: { insert: {}, modify: {} } }]]],
  [[[[], { where: 'table', value: 'abc' }]]],
  [[[[], { where: 'column', at: 0, column: '_version', value: 5 }]]],
];
