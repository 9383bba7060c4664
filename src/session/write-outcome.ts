/**
 * What a session knows about a transaction it wrote when the reply was lost (the connection
 * dropped, or the server answered `canceled`), and how it settles it.
 *
 * The protocol offers one certain mark: an insert with a client-chosen UUID. The session
 * sends the transaction again behind a guard, a `wait` with timeout 0 that fails when the
 * marked row exists. Raft makes that exactly once: a write commits only if it was composed
 * on the newest log entry (a member whose data is behind gets "try again" and composes once
 * more), so the guard is always judged on data that includes the first attempt if that one
 * committed, on any member, leader, follower or relay. Guard failed: the first attempt had
 * committed (its reply was lost). Guard passed: this attempt commits and the first one never
 * will (it would now fail the prerequisite check, and the UUID would be a duplicate anyway).
 */
import { hasChosenUuid, withChosenUuid } from '../model/chosen-uuid.js';
import type { Operation, WaitOperation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';

/** How a transaction whose reply was lost turned out. */
export type WriteOutcome = 'committed' | 'not-committed' | 'unknown';

/** The row a transaction inserts with a client-chosen UUID: the mark to look for. */
export interface WriteMark {
  readonly table: string;
  readonly uuid: string;
}

/**
 * The operations as the session sends them: every insert without a client-chosen UUID gets
 * one (when `assign` is true), and an `assert` of `lock` goes last, so the indexes of the
 * caller's operations in results and errors stay as they were. Copies only what it changes.
 */
export function prepareOperations(
  operations: readonly Operation[],
  assign: boolean,
  lock: string | undefined,
): Operation[] {
  const out: Operation[] = new Array(operations.length);
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i] as Operation;
    out[i] = assign && op.op === 'insert' && op.uuid === undefined ? withChosenUuid(op) : op;
  }
  if (lock !== undefined) out.push({ op: 'assert', lock });
  return out;
}

/**
 * The UUIDs ovndb chose for this transaction alone: those {@link prepareOperations} assigned,
 * and those a transaction or planner chose for its inserts (`hasChosenUuid`); not those the
 * caller gave.
 */
export function assignedUuids(given: readonly Operation[], prepared: readonly Operation[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < given.length; i++) {
    const op = prepared[i] as Operation;
    if (op.op !== 'insert' || op.uuid === undefined) continue;
    if (op !== given[i] || hasChosenUuid(op)) out.add(op.uuid);
  }
  return out;
}

/** The first insert with a client-chosen UUID, if any. */
export function writeMark(operations: readonly Operation[]): WriteMark | undefined {
  for (const op of operations)
    if (op.op === 'insert' && op.uuid !== undefined) return { table: op.table, uuid: op.uuid };
  return undefined;
}

/** True when no operation writes: sending it again changes nothing. */
export function isReadOnly(operations: readonly Operation[]): boolean {
  for (const op of operations) {
    if (op.op === 'insert' || op.op === 'update' || op.op === 'mutate' || op.op === 'delete') return false;
  }
  return true;
}

/** The guard of a resend: fails (`timed out`) when the marked row exists. */
export function markGuard(mark: WriteMark): WaitOperation {
  return {
    op: 'wait',
    table: mark.table,
    where: [['_uuid', '==', ['uuid', mark.uuid]]],
    columns: ['_uuid'],
    until: '==',
    rows: [],
    timeout: 0,
  };
}

/** Whether a guarded resend's reply says the guard failed: the marked row was already there. */
export function guardFailed(results: readonly unknown[]): boolean {
  const first = results[0] as { error?: unknown } | null | undefined;
  return first !== null && typeof first === 'object' && first.error === 'timed out';
}

/**
 * The results of a transaction found committed after its reply was lost: inserts report
 * their client-chosen UUIDs; the counts of updates, mutations and deletes and the rows of
 * selects went with the reply, so those results are empty objects.
 */
export function recoveredResults(operations: readonly Operation[], count: number): OperationResult[] {
  const out: OperationResult[] = [];
  for (let i = 0; i < count; i++) {
    const op = operations[i] as Operation;
    out.push(
      op.op === 'insert' && op.uuid !== undefined ? { uuid: ['uuid', op.uuid] } : ({} as OperationResult),
    );
  }
  return out;
}
