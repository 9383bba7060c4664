// Type tests of the transaction runner: type-checked by `npm run typecheck`, never run. Each
// `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the directive
// as unused and the type check fails.
import type { LogicalSwitch, Tables } from '../../src/generated/nb/index.js';
import { model } from '../../src/generated/nb/index.js';
import type { OvsdbClient } from '../../src/index.js';
import { CLEAR, mutateColumn, type NamedRef, toUuid, type Uuid, whereColumn } from '../../src/model/index.js';
import {
  type RowSource,
  runTransaction,
  type Transaction,
  type TransactionOutcome,
} from '../../src/txn/index.js';

declare const client: OvsdbClient;
declare const txn: Transaction<Tables>;
const lsId = toUuid<'Logical_Switch'>('7a8f4c1e-0000-4000-8000-000000000003');
const lrId = toUuid<'Logical_Router'>('7a8f4c1e-0000-4000-8000-000000000004');

// Positive cases: these must compile.
export const outcome: Promise<TransactionOutcome<NamedRef<'Logical_Switch'>>> = runTransaction(
  client,
  model,
  async (t) => {
    const ls: LogicalSwitch | undefined = await t.get('Logical_Switch', lsId, { verify: ['name', 'ports'] });
    const rows: ReadonlyArray<LogicalSwitch> = await t.select('Logical_Switch', [
      whereColumn('name', '==', 'x'),
    ]);
    const port = t.insert('Logical_Switch_Port', { name: 'p', addresses: ['router'] });
    const portRef: NamedRef<'Logical_Switch_Port'> = port;
    const ref = t.insert(
      'Logical_Switch',
      { name: 'y', ports: [portRef, ...(ls?.ports ?? [])] },
      { uuidName: 'y' },
    );
    t.update('Logical_Switch', ref, { other_config: CLEAR, external_ids: undefined });
    t.update('Logical_Switch', [whereColumn('name', '==', 'x')], { name: 'x2' });
    t.mutate('Logical_Switch', lsId, [mutateColumn('ports', 'insert', [port])]);
    t.delete('Logical_Router', lrId);
    t.wait('Logical_Switch', [whereColumn('name', '==', 'x')], ['name'], '==', [{ name: 'x' }], 0);
    if (rows[0]) t.verify('Logical_Switch', rows[0], ['external_ids']);
    t.comment('c');
    t.assert('lock');
    return ref;
  },
  { maxAttempts: 3, backoff: { baseMs: 5 } },
);
export async function uuidOfRef(): Promise<Uuid<'Logical_Switch'> | undefined> {
  const o = await outcome;
  return o.uuidOf(o.value);
}
// A synchronous source satisfies RowSource.
export const syncSource: RowSource<Tables> = { get: () => undefined, select: () => [] };

// Negative cases: each must fail to compile.
// @ts-expect-error wrong table name
txn.insert('Logical_Swich', { name: 'x' });
// @ts-expect-error wrong table name in a read
txn.get('No_Such_Table', lsId);
// @ts-expect-error wrong column type in update
txn.update('Logical_Switch', lsId, { name: 5 });
// @ts-expect-error unknown column in update
txn.update('Logical_Switch', lsId, { nmae: 'x' });
// @ts-expect-error a UUID of another table as target
txn.update('Logical_Switch', lrId, { name: 'x' });
// @ts-expect-error a ref to a row of the wrong table in a reference column
txn.insert('Logical_Switch', { ports: [txn.insert('Logical_Router', {})] });
// @ts-expect-error a condition value of the wrong type
txn.delete('Logical_Switch', [whereColumn('name', '==', 1)]);
// @ts-expect-error verify of an implicit column
txn.get('Logical_Switch', lsId, { verify: ['_version'] });
// @ts-expect-error verify of a column the table does not have
txn.select('Logical_Switch', [], { verify: ['nexthop'] });
// @ts-expect-error a row of another table to verify
txn.verify('Logical_Router', {} as LogicalSwitch);
// @ts-expect-error a plain string is not a Uuid
txn.get('Logical_Switch', '7a8f4c1e-0000-4000-8000-000000000003');

// The example of docs/transactions.md, kept compiling here.
export async function docsExample(): Promise<number> {
  const { value } = await runTransaction(client, model, async (txn) => {
    const [ls] = await txn.select('Logical_Switch', [whereColumn('name', '==', 'ls0')]);
    if (ls === undefined) return 0;
    const next = Number(ls.external_ids.counter ?? 0) + 1;
    txn.update('Logical_Switch', ls._uuid, {
      external_ids: { ...ls.external_ids, counter: String(next) },
    });
    return next;
  });
  return value;
}
