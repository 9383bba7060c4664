/**
 * The transaction vocabulary of test-ovsdb.py's `idl` command (`idl_set`): a comma-separated
 * list such as `verify 0 b, set 0 b 1, insert 2, delete 1` becomes one transaction, committed
 * with ovndb's optimistic runner (one attempt: a failed verify is reported as
 * `status=try again`, as the IDL reports it, instead of being retried).
 *
 * Like the Python IDL, writes are buffered per row (idl-txn-rows.ts) and turned into operations at commit:
 * verify `wait`s first, then per row a delete, an insert or an update, then its partial
 * set/map changes as one `mutate`. Rows are looked up in the driver's view, which may be
 * older than the server (that is the point of the verification cases).
 */

import { runTransaction } from '../../../src/txn/run-transaction.js';
import { TransactionConflictError } from '../../../src/txn/txn-errors.js';
import { stepText } from './idl-print.js';
import { IdlCommandError, type IdlTxnContext, type TxnRow, TxnRows } from './idl-txn-rows.js';

export { IdlCommandError, type IdlTxnContext } from './idl-txn-rows.js';

function need(row: TxnRow | undefined, what: string): TxnRow {
  if (row === undefined) throw new IdlCommandError(`"${what}" command asks for a nonexistent row`);
  return row;
}

function arity(name: string, args: string[], n: number): void {
  if (args.length !== n) throw new IdlCommandError(`"${name}" command requires ${n} argument(s)`);
}

function simpleByI(rows: TxnRows, name: string, text: string): TxnRow {
  const row = rows.find('simple', 'i', Number.parseInt(text, 10));
  if (row === undefined) throw new IdlCommandError(`"${name}" command asks for nonexistent i=${text}`);
  return row;
}

/** The fixed UUIDs of test-ovsdb.py's partial set commands. */
const U1 = '001e43d2-dd3f-4616-ab6a-83a490bb0991';
const U2 = '0026b3ba-571b-4729-8227-d860a5210ab8';

/**
 * Runs one `idl_set` transaction at step `step`; prints `NNN: commit, status=...` (or
 * `NNN: destroy`). Returns false when the commit failed with an error (the caller then stops
 * expecting a change), true otherwise.
 */
export async function runIdlTxn(ctx: IdlTxnContext, text: string, step: number): Promise<boolean> {
  const rows = new TxnRows(ctx);
  const events: string[] = [];
  let aborted = false;
  for (const command of text.split(',')) {
    let [name = '', ...args] = command.trim().split(/\s+/);
    if (name === 'notifytest') {
      [name = '', ...args] = args;
      const previous = ctx.view.notify;
      // Records one notification, then puts the previous hook back (so N of them record N).
      ctx.view.notify = (notice) => {
        const column = notice.changed === undefined ? 'None' : String(notice.changed[0]);
        events.push(`${notice.event}|${String(notice.row.data.i)}|${column}`);
        ctx.view.notify = previous;
      };
    }
    if (name === 'set') {
      arity(name, args, 3);
      const [i = '', column = '', value = ''] = args;
      const row = simpleByI(rows, name, i);
      if (column === 'b') rows.set(row, 'b', value === '1');
      else if (column === 's') rows.set(row, 's', value);
      else if (column === 'u') rows.set(row, 'u', value.toLowerCase());
      else if (column === 'r') rows.set(row, 'r', Number.parseFloat(value));
      else throw new IdlCommandError(`"set" command asks for unknown column ${column}`);
    } else if (name === 'insert') {
      arity(name, args, 1);
      rows.set(rows.insert('simple'), 'i', Number.parseInt(args[0] as string, 10));
    } else if (name === 'insert_uuid') {
      arity(name, args, 2);
      rows.set(rows.insert('simple', args[0]), 'i', Number.parseInt(args[1] as string, 10));
    } else if (name === 'delete') {
      arity(name, args, 1);
      const row = simpleByI(rows, name, args[0] as string);
      if (row.base === undefined) rows.rows.delete(row.uuid);
      else row.deleted = true;
    } else if (name === 'verify') {
      arity(name, args, 2);
      const row = simpleByI(rows, name, args[0] as string);
      if (!['i', 'b', 's', 'u', 'r'].includes(args[1] as string)) {
        throw new IdlCommandError(`"verify" command asks for unknown column "${args[1]}"`);
      }
      // Verifying a row this transaction inserted checks nothing.
      if (row.base !== undefined) row.verify.add(args[1] as string);
    } else if (name === 'fetch') {
      arity(name, args, 2);
      rows.fetches.push({ row: simpleByI(rows, name, args[0] as string), column: args[1] as string });
    } else if (name === 'increment') {
      arity(name, args, 1);
      rows.increment = { row: simpleByI(rows, name, args[0] as string), column: 'i' };
    } else if (name === 'abort') {
      aborted = true;
      break;
    } else if (name === 'destroy') {
      ctx.print(`${stepText(step)}: destroy`);
      return true;
    } else if (name === 'linktest') {
      const a = rows.insert('link1');
      rows.set(a, 'i', 1);
      rows.set(a, 'k', a.ref);
      rows.set(a, 'ka', [a.ref]);
      const b = rows.insert('link1');
      rows.set(b, 'i', 2);
      rows.set(b, 'k', a.ref);
      rows.set(b, 'ka', [a.ref, b.ref]);
    } else if (name === 'getattrtest') {
      const a = rows.insert('link1');
      rows.set(a, 'i', 2);
      rows.set(a, 'k', a.ref);
    } else if (name === 'partialmapinsertelement') {
      const row = need(rows.find('simple2', 'name', 'myString1'), name);
      rows.setKey(row, 'smap', 'key1', 'myList1');
      rows.setKey(row, 'imap', 3, 'myids2');
      rows.set(row, 'name', 'String2');
    } else if (name === 'partialmapinsertmultipleelements') {
      const row = need(rows.find('simple2', 'name', 'String2'), name);
      rows.setKey(row, 'smap', 'key2', 'myList2');
      rows.setKey(row, 'smap', 'key3', 'myList3');
      rows.setKey(row, 'smap', 'key4', 'myList4');
    } else if (name === 'partialmapdelelements') {
      const row = need(rows.find('simple2', 'name', 'String2'), name);
      rows.delKey(row, 'smap', 'key1', 'myList1');
      rows.delKey(row, 'smap', 'key2', 'wrongvalue');
      rows.delKey(row, 'smap', 'key3');
      rows.delKey(row, 'smap', 'key4');
    } else if (name === 'partialmapmutatenew') {
      const row = rows.insert('simple2');
      rows.set(row, 'name', 'String2New');
      rows.setKey(row, 'smap', 'key1', 'newList1');
      rows.setKey(row, 'smap', 'key2', 'newList2');
    } else if (name === 'partialrenamesetadd') {
      const row = need(rows.find('simple3', 'name', 'mySet1'), name);
      rows.addValue(row, 'uset', U1);
      rows.set(row, 'name', 'String2');
    } else if (name === 'partialduplicateadd') {
      const row = need(rows.find('simple3', 'name', 'String2'), name);
      rows.addValue(row, 'uset', U2);
      rows.addValue(row, 'uset', U2);
    } else if (name === 'partialsetdel') {
      rows.delValue(need(rows.find('simple3', 'name', 'String2'), name), 'uset', U1);
    } else if (name === 'partialsetref') {
      const fresh = rows.insert('simple4');
      rows.set(fresh, 'name', 'test');
      rows.addValue(need(rows.find('simple3', 'name', 'String2'), name), 'uref', fresh.ref);
    } else if (name === 'partialsetoverrideops') {
      const row = need(rows.find('simple3', 'name', 'String2'), name);
      rows.addValue(row, 'uset', '579e978d-776c-4f19-a225-268e5890e670');
      rows.delValue(row, 'uset', U2);
      rows.set(row, 'uset', [U2]);
    } else if (name === 'partialsetadddelete') {
      const row = need(rows.find('simple3', 'name', 'String2'), name);
      rows.addValue(row, 'uset', 'b6272353-af9c-40b7-90fe-32a43e6518a1');
      rows.addValue(row, 'uset', '1d6a71a2-dffb-426e-b2fa-b727091f9901');
      rows.delValue(row, 'uset', U2);
    } else if (name === 'partialsetmutatenew') {
      const row41 = rows.insert('simple4');
      rows.set(row41, 'name', 'new_row41');
      const row3 = rows.insert('simple3');
      rows.set(row3, 'name', 'String3');
      rows.addValue(row3, 'uset', row41.ref);
    } else if (name === 'partialmapmutateirefmap') {
      const row3 = need(rows.find('simple3', 'name', 'myString1'), name);
      const row5 = need(rows.find('simple5', 'name', 'myString2'), name);
      rows.setKey(row5, 'irefmap', 1, row3.uuid);
    } else {
      throw new IdlCommandError(`unknown command ${name}`);
    }
  }

  let status: string;
  let increment: string | undefined;
  if (aborted) status = 'aborted';
  else if (!rows.anyUpdates()) status = 'unchanged';
  else {
    try {
      await runTransaction(ctx.client, ctx.model, (txn) => rows.write(txn), { maxAttempts: 1 });
      status = 'success';
      if (rows.fetches.length > 0) ctx.view.changeSeqno++;
      const inc = rows.increment;
      if (inc !== undefined) {
        // The commit's own update is in the replica before its reply (read-your-writes).
        increment = String(ctx.replica.get(inc.row.table, inc.row.uuid)?.[inc.column]);
      }
    } catch (error) {
      if (error instanceof TransactionConflictError) status = 'try again';
      else {
        status = 'error';
        process.stderr.write(`test-ovsdb: transaction error: ${(error as Error).message}\n`);
      }
    }
    // The Python IDL runs while it waits for the reply, applying what the server sent.
    ctx.view.drain();
  }
  let line = `${stepText(step)}: commit, status=${status}`;
  if (increment !== undefined) line += `, increment=${increment}`;
  if (events.length > 0) line += `, events=${events.sort().join(', ')}`;
  ctx.print(line);
  return status !== 'error';
}
