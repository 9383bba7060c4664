/**
 * Reading a `transact` reply: one result per operation, possibly followed by one extra
 * element, the commit error, when every operation succeeded but the commit did not.
 */
import type { UuidString, WireRow, WireUuid } from './notation.js';
import type { Operation } from './operations.js';
import { type OvsdbServerError, serverError } from './server-errors.js';

/** Result of an `insert`. */
export interface InsertResult {
  uuid: WireUuid;
}
/** Result of a `select`. */
export interface SelectResult {
  rows: WireRow[];
}
/** Result of an `update`, `mutate` or `delete`: how many rows matched. */
export interface CountResult {
  count: number;
}
/** Result of `wait`, `commit`, `abort`, `comment` and `assert`. */
export type EmptyResult = Record<string, never>;
/** One element of a successful reply. */
export type OperationResult = InsertResult | SelectResult | CountResult | EmptyResult;

/** The result type of each kind of operation. */
export type ResultOf<O extends Operation> = O extends { op: 'insert' }
  ? InsertResult
  : O extends { op: 'select' }
    ? SelectResult
    : O extends { op: 'update' | 'mutate' | 'delete' }
      ? CountResult
      : EmptyResult;

/** Results typed element by element for a tuple of operations. */
export type ResultsOf<Ops extends readonly Operation[]> = { [K in keyof Ops]: ResultOf<Ops[K]> };

function isErrorElement(element: unknown): element is { error: unknown } {
  return element !== null && typeof element === 'object' && 'error' in element;
}

/**
 * Returns the first error in a transact reply as a typed {@link OvsdbServerError} naming the
 * operation, its table and, when the details mention one, its column; or undefined when the
 * transaction committed.
 */
export function findTransactError(
  database: string,
  operations: readonly Operation[],
  results: readonly unknown[],
): OvsdbServerError | undefined {
  for (let i = 0; i < results.length; i++) {
    const element = results[i];
    if (!isErrorElement(element)) continue;
    if (i >= operations.length) return serverError(element, { database, commit: true });
    const operation = operations[i]!;
    const context: Parameters<typeof serverError>[1] = {
      database,
      operationIndex: i,
      operation: operation.op,
    };
    if ('table' in operation) {
      context.table = operation.table;
      const column = columnNamedIn(element, operation);
      if (column !== undefined) {
        context.column = column;
        if ('row' in operation && column in operation.row) context.value = operation.row[column];
      }
    }
    return serverError(element, context);
  }
  return undefined;
}

// The server names the column only in its free-text details; pick the operation's column
// that the text mentions, so the error can point at it.
function columnNamedIn(element: { error: unknown }, operation: Operation): string | undefined {
  const details = (element as { details?: unknown }).details;
  if (typeof details !== 'string') return undefined;
  const candidates: string[] = [];
  if ('row' in operation) candidates.push(...Object.keys(operation.row));
  if ('mutations' in operation) candidates.push(...operation.mutations.map((m) => m[0]));
  if ('columns' in operation && operation.columns) candidates.push(...operation.columns);
  if ('where' in operation) candidates.push(...operation.where.map((c) => c[0]));
  let best: string | undefined;
  for (const name of candidates) {
    if (new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(name)}([^A-Za-z0-9_]|$)`).test(details)) {
      if (best === undefined || name.length > best.length) best = name;
    }
  }
  return best;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Maps each `uuid-name` of the transaction's inserts to the UUID the server gave the row.
 * Call only on a reply without errors.
 */
export function insertedUuids(
  operations: readonly Operation[],
  results: readonly unknown[],
): Record<string, UuidString> {
  const byName: Record<string, UuidString> = {};
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]!;
    if (operation.op !== 'insert' || operation['uuid-name'] === undefined) continue;
    const result = results[i] as InsertResult | undefined;
    if (result?.uuid) byName[operation['uuid-name']] = result.uuid[1];
  }
  return byName;
}
