/**
 * The shape of each method's `result`, as RFC 7047 (section 4.1) and ovsdb-server(7) give it.
 * A reply of another shape means the peer is not the server we think it is, or is broken: the
 * request fails with {@link ReplyShapeError} and the connection is closed, rather than handing
 * an `undefined` to code that will throw an untyped TypeError on it later.
 *
 * Only the outer layers are checked here, in constant time per element of the outermost
 * array: table updates and rows are checked where they are read (the update appliers, the row
 * codec), so that a big monitor reply is not walked twice.
 */
import { isJsonObject } from '../protocol/json-members.js';

/** What is wrong with `result`, given how many params the request had; undefined when nothing. */
type ShapeCheck = (result: unknown, params: number) => string | undefined;

const anObject: ShapeCheck = (r) => (isJsonObject(r) ? undefined : 'expected an object');

/** `<table-updates>`: an object (its tables are checked as the update appliers read them). */
const tableUpdates: ShapeCheck = (r) => (isJsonObject(r) ? undefined : 'expected an object of table updates');

/** One element of a transact result: null (not run) or an object whose known members have their types. */
function operationResultProblem(element: unknown, index: number): string | undefined {
  if (element === null) return undefined;
  if (!isJsonObject(element)) return `result ${index} is neither an object nor null`;
  const { uuid, rows, count, error } = element;
  if (uuid !== undefined && !(Array.isArray(uuid) && uuid[0] === 'uuid' && typeof uuid[1] === 'string')) {
    return `result ${index} has a uuid that is not ["uuid", <string>]`;
  }
  if (rows !== undefined && !Array.isArray(rows)) return `result ${index} has rows that are not an array`;
  if (count !== undefined && !Number.isInteger(count))
    return `result ${index} has a count that is not an integer`;
  if (error !== undefined && typeof error !== 'string')
    return `result ${index} has an error that is not a string`;
  return undefined;
}

const checks: Record<string, ShapeCheck> = {
  list_dbs: (r) =>
    Array.isArray(r) && r.every((name) => typeof name === 'string')
      ? undefined
      : 'expected an array of strings',
  get_schema: anObject,
  transact: (r, params) => {
    if (!Array.isArray(r)) return 'expected an array of operation results';
    // One result per operation (those not run are null), plus a trailing error at most.
    const operations = params - 1;
    if (r.length < operations || r.length > operations + 1) {
      return `${r.length} results for ${operations} operations`;
    }
    for (let i = 0; i < r.length; i++) {
      const problem = operationResultProblem(r[i], i);
      if (problem !== undefined) return problem;
    }
    return undefined;
  },
  monitor: tableUpdates,
  monitor_cond: tableUpdates,
  monitor_cond_since: (r) => {
    if (!Array.isArray(r) || r.length !== 3) return 'expected [found, last-txn-id, table-updates]';
    if (typeof r[0] !== 'boolean') return 'found is not a boolean';
    if (typeof r[1] !== 'string') return 'last-txn-id is not a string';
    return tableUpdates(r[2], 0);
  },
  monitor_cond_change: anObject,
  monitor_cancel: anObject,
  lock: (r) =>
    isJsonObject(r) && typeof r.locked === 'boolean' ? undefined : 'expected {"locked": <boolean>}',
  steal: (r) =>
    isJsonObject(r) && typeof r.locked === 'boolean' ? undefined : 'expected {"locked": <boolean>}',
  unlock: anObject,
  echo: (r) => (Array.isArray(r) ? undefined : 'expected the array of params sent'),
  set_db_change_aware: anObject,
  convert: anObject,
  get_server_id: (r) => (typeof r === 'string' ? undefined : 'expected a string'),
};

/**
 * What is wrong with `result` as the reply to a `method` request of `params` params, or
 * undefined when it has the shape the protocol gives (or the method's reply shape is not known).
 */
export function replyShapeProblem(method: string, result: unknown, params: number): string | undefined {
  const check = checks[method];
  return check === undefined ? undefined : check(result, params);
}

/**
 * The same for a big reply read lazily, of which only the outline is parsed (its deep values
 * are placeholder strings until read): only what the outline holds for sure is checked.
 */
export function lazyReplyShapeProblem(method: string, root: unknown): string | undefined {
  if (method === 'monitor_cond_since') {
    if (!Array.isArray(root) || root.length !== 3) return 'expected [found, last-txn-id, table-updates]';
    if (typeof root[0] !== 'boolean') return 'found is not a boolean';
    if (typeof root[1] !== 'string') return 'last-txn-id is not a string';
    return undefined;
  }
  return isJsonObject(root) || typeof root === 'string' ? undefined : 'expected an object of table updates';
}
