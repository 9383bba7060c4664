/**
 * Conditions checked against a table schema and evaluated against rows, with
 * ovsdb-server's semantics, so a replica can decide locally which rows a `where` clause
 * or a monitor_cond condition selects.
 *
 * Rows hold canonical data (sorted, distinct; as {@link parseDatum} returns and as
 * ovsdb-server sends): lookups use binary search and rely on it.
 */
import { compareAtoms } from './atom.js';
import type { ColumnType } from './column-type.js';
import { type ConditionFunction, conditionFunctions } from './conditions.js';
import { defaultDatum, parseDatum } from './datum.js';
import { ClauseError, typeToEnglish } from './mutation-errors.js';
import type { WireAtom, WireValue } from './notation.js';
import { type ColumnSchema, findColumn, type TableSchema } from './schema.js';

/** A checked condition clause: a column test, or a constant (`true`/`false`, monitor_cond only). */
export type ParsedClause =
  | { readonly kind: 'constant'; readonly value: boolean }
  | {
      readonly kind: 'test';
      /** The column tested. */
      readonly column: ColumnSchema;
      /** The function applied. */
      readonly fn: ConditionFunction;
      /** The argument, canonical. */
      readonly arg: WireValue;
      /** What the column holds when a row lacks it: its default. */
      readonly missing: WireValue;
    };

/** A checked condition: its clauses in ovsdb-server's order (see {@link parseConditions}). */
export type ParsedCondition = ReadonlyArray<ParsedClause>;

// ovsdb-server orders clauses by function, cheapest-to-filter first; constants lead.
const FUNCTION_RANK: Readonly<Record<ConditionFunction | 'false' | 'true', number>> = {
  false: 0,
  true: 1,
  '==': 2,
  includes: 3,
  '<=': 4,
  '<': 5,
  '>=': 6,
  '>': 7,
  excludes: 8,
  '!=': 9,
};

/** A canonical datum's elements: set members or map pairs; a bare atom is one member. */
export function datumElements(wire: WireValue): ReadonlyArray<WireAtom | [WireAtom, WireAtom]> {
  if (Array.isArray(wire) && (wire[0] === 'set' || wire[0] === 'map')) {
    return wire[1] as ReadonlyArray<WireAtom | [WireAtom, WireAtom]>;
  }
  return [wire as WireAtom];
}

function keyOf(e: WireAtom | [WireAtom, WireAtom], isMap: boolean): WireAtom {
  return isMap ? (e as [WireAtom, WireAtom])[0] : (e as WireAtom);
}

/**
 * Index of the element of sorted `elements` whose key equals `key`, or -1. Binary search:
 * canonical data are sorted by key.
 */
export function findKey(
  elements: ReadonlyArray<WireAtom | [WireAtom, WireAtom]>,
  key: WireAtom,
  isMap: boolean,
): number {
  let lo = 0;
  let hi = elements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAtoms(keyOf(elements[mid] as WireAtom, isMap), key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * True when `b` holds element `e`; for maps a pair matches only with the same value
 * (and `keysOnly` matches map keys alone).
 */
export function holdsElement(
  b: ReadonlyArray<WireAtom | [WireAtom, WireAtom]>,
  e: WireAtom | [WireAtom, WireAtom],
  isMap: boolean,
  keysOnly = false,
): boolean {
  const i = findKey(b, isMap && !keysOnly ? (e as [WireAtom, WireAtom])[0] : (e as WireAtom), isMap);
  if (i < 0) return false;
  if (!isMap || keysOnly) return true;
  return compareAtoms((b[i] as [WireAtom, WireAtom])[1], (e as [WireAtom, WireAtom])[1]) === 0;
}

/**
 * Orders two canonical data of one type the way ovsdb-server does: by size, then keys in
 * order, then map values in order.
 */
export function compareData(type: ColumnType, a: WireValue, b: WireValue): number {
  const x = datumElements(a);
  const y = datumElements(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  const isMap = type.value !== undefined;
  for (let i = 0; i < x.length; i++) {
    const c = compareAtoms(keyOf(x[i] as WireAtom, isMap), keyOf(y[i] as WireAtom, isMap));
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  if (!isMap) return 0;
  for (let i = 0; i < x.length; i++) {
    const c = compareAtoms((x[i] as [WireAtom, WireAtom])[1], (y[i] as [WireAtom, WireAtom])[1]);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/** True when two canonical data of one type are equal. */
export function datumEquals(type: ColumnType, a: WireValue, b: WireValue): boolean {
  return a === b || compareData(type, a, b) === 0;
}

function isScalarOrOptional(t: ColumnType): boolean {
  return t.value === undefined && t.max === 1;
}

// The argument type ovsdb-server accepts for each function: ordering tests need one
// atom; includes/excludes on non-scalars take any subset (excludes: of any size).
function argumentType(column: ColumnSchema, fn: ConditionFunction, json: unknown): ColumnType {
  const t = column.type;
  switch (fn) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!isScalarOrOptional(t) || (t.key.type !== 'integer' && t.key.type !== 'real')) {
        throw new ClauseError(
          'syntax error',
          `Type mismatch: "${fn}" operator may not be applied to column ${column.name} of type ${typeToEnglish(t)}.`,
          json,
        );
      }
      return { ...t, min: 1 };
    case 'includes':
      return t.min === 1 && t.max === 1 && t.value === undefined ? t : { ...t, min: 0 };
    case 'excludes':
      return t.min === 1 && t.max === 1 && t.value === undefined
        ? t
        : { ...t, min: 0, max: Number.POSITIVE_INFINITY };
    default:
      return t;
  }
}

/**
 * Checks one clause against `table`: `true`/`false`, or `[column, function, value]` with
 * the column present (including `_uuid`, `_version`), the function allowed for its type
 * and the value of the column's type (relaxed as ovsdb-server relaxes it for includes
 * and excludes). Throws {@link ClauseError} or {@link InvalidValueError}.
 */
export function parseClause(table: TableSchema, json: unknown): ParsedClause {
  if (typeof json === 'boolean') return { kind: 'constant', value: json };
  if (
    !Array.isArray(json) ||
    json.length !== 3 ||
    typeof json[0] !== 'string' ||
    typeof json[1] !== 'string'
  ) {
    throw new ClauseError('syntax error', 'Parse error in condition.', json);
  }
  const [name, fn, value] = json as [string, string, unknown];
  const column = findColumn(table, name);
  if (column === undefined) {
    throw new ClauseError('unknown column', `No column ${name} in table ${table.name}.`, json);
  }
  if (!conditionFunctions.has(fn))
    throw new ClauseError('unknown function', `No function named ${fn}.`, json);
  const type = argumentType(column, fn as ConditionFunction, json);
  const arg = parseDatum(type, value, { table: table.name, column: name });
  return { kind: 'test', column, fn: fn as ConditionFunction, arg, missing: defaultDatum(column.type) };
}

/** Orders two clauses as ovsdb-server sorts them: function, then column, then argument. */
export function compareClauses(a: ParsedClause, b: ParsedClause): number {
  const fa = FUNCTION_RANK[a.kind === 'constant' ? (String(a.value) as 'true') : a.fn];
  const fb = FUNCTION_RANK[b.kind === 'constant' ? (String(b.value) as 'true') : b.fn];
  if (fa !== fb) return fa < fb ? -1 : 1;
  if (a.kind === 'constant' || b.kind === 'constant') return 0;
  const ca = a.column.name;
  const cb = b.column.name;
  if (ca !== cb) {
    // _uuid and _version come first (in that order), then columns by name.
    const ra = ca === '_uuid' ? 0 : ca === '_version' ? 1 : 2;
    const rb = cb === '_uuid' ? 0 : cb === '_version' ? 1 : 2;
    if (ra !== rb) return ra < rb ? -1 : 1;
    return ca < cb ? -1 : 1;
  }
  return compareData(a.column.type, a.arg, b.arg);
}

/**
 * Checks a condition (an array of clauses) against `table` and returns its clauses
 * sorted in ovsdb-server's order, which its printed form and {@link compareConditions}
 * rely on. Throws {@link ClauseError} or {@link InvalidValueError}.
 */
export function parseConditions(table: TableSchema, json: unknown): ParsedCondition {
  if (!Array.isArray(json)) throw new ClauseError('syntax error', 'Parse error in condition.', json);
  const clauses = json.map((c) => parseClause(table, c));
  return clauses.sort(compareClauses);
}

/** The wire form of a parsed condition, canonical and in sorted order. */
export function conditionToJson(cnd: ParsedCondition): unknown[] {
  return cnd.map((c) => (c.kind === 'constant' ? c.value : [c.column.name, c.fn, c.arg]));
}

/** Orders two parsed conditions as ovsdb-server does: by clause count, then clause by clause. */
export function compareConditions(a: ParsedCondition, b: ParsedCondition): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    const c = compareClauses(a[i] as ParsedClause, b[i] as ParsedClause);
    if (c !== 0) return c;
  }
  return 0;
}

/** Every element of `a` is in `b` (map pairs must match key and value). */
function includesAll(a: WireValue, b: WireValue, isMap: boolean): boolean {
  const x = datumElements(a);
  const y = datumElements(b);
  if (x.length > y.length) return false;
  for (const e of x) if (!holdsElement(y, e, isMap)) return false;
  return true;
}

/** No element of `a` is in `b`. */
function excludesAll(a: WireValue, b: WireValue, isMap: boolean): boolean {
  const y = datumElements(b);
  for (const e of datumElements(a)) if (holdsElement(y, e, isMap)) return false;
  return true;
}

/** A row as column name to canonical value; absent columns read as their defaults. */
export type RowData = Readonly<Record<string, WireValue | undefined>>;

/** Evaluates one clause against a row, as ovsdb-server does. */
export function evaluateClause(row: RowData, c: ParsedClause): boolean {
  if (c.kind === 'constant') return c.value;
  const type = c.column.type;
  const field = row[c.column.name] ?? c.missing;
  if (isScalarOrOptional(type)) {
    const x = datumElements(field);
    // An absent optional value satisfies no ordering test.
    if (x.length === 0 && (c.fn === '<' || c.fn === '<=' || c.fn === '>' || c.fn === '>=')) return false;
    const y = datumElements(c.arg);
    if (x.length === 1 && y.length === 1) {
      const cmp = compareAtoms(x[0] as WireAtom, y[0] as WireAtom);
      switch (c.fn) {
        case '<':
          return cmp < 0;
        case '<=':
          return cmp <= 0;
        case '>':
          return cmp > 0;
        case '>=':
          return cmp >= 0;
        case '==':
        case 'includes':
          return cmp === 0;
        default:
          return cmp !== 0;
      }
    }
  }
  const isMap = type.value !== undefined;
  switch (c.fn) {
    case '==':
      return datumEquals(type, field, c.arg);
    case '!=':
      return !datumEquals(type, field, c.arg);
    case 'includes':
      return includesAll(c.arg, field, isMap);
    case 'excludes':
      return excludesAll(c.arg, field, isMap);
    default:
      // Ordering tests only reach here on scalars, handled above.
      return false;
  }
}

/** True when `row` satisfies every clause (AND; an empty condition selects every row). */
export function evaluateConditions(row: RowData, cnd: ParsedCondition): boolean {
  for (const c of cnd) if (!evaluateClause(row, c)) return false;
  return true;
}

/**
 * True when `row` satisfies any clause (OR), as ovsdb-server evaluates monitor_cond
 * conditions; an empty condition selects every row.
 */
export function evaluateConditionsAny(row: RowData, cnd: ParsedCondition): boolean {
  if (cnd.length === 0) return true;
  for (const c of cnd) if (evaluateClause(row, c)) return true;
  return false;
}
