/**
 * Mutations checked against a table schema and executed on rows with ovsdb-server's
 * semantics and errors, so a replica can apply a `mutate` exactly as the server would.
 *
 * Rows hold canonical data (sorted, distinct; as {@link parseDatum} returns and as
 * ovsdb-server sends). Executing never changes its input: it returns new values.
 */
import { compareAtoms, parseAtom } from './atom.js';
import type { ColumnType } from './column-type.js';
import { datumElements, findKey, holdsElement, type RowData } from './condition-eval.js';
import { defaultDatum, parseDatum } from './datum.js';
import { ClauseError, MutationError, typeToEnglish } from './mutation-errors.js';
import { type ArithmeticMutator, arithmeticMutators, type Mutator } from './mutations.js';
import type { WireAtom, WireValue } from './notation.js';
import { type ColumnSchema, findColumn, type TableSchema } from './schema.js';
import { InvalidValueError } from './validation-errors.js';

/** A checked mutation. */
export interface ParsedMutation {
  /** The column mutated. */
  readonly column: ColumnSchema;
  /** The mutator. */
  readonly mutator: Mutator;
  /** The argument, canonical. */
  readonly arg: WireValue;
  /**
   * The type `arg` was checked against: one unconstrained atom for arithmetic; for
   * insert and delete the column's type with relaxed sizes, or a set of keys when a map
   * delete names keys only.
   */
  readonly argType: ColumnType;
  /** What the column holds when a row lacks it: its default. */
  readonly missing: WireValue;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function typeMismatch(m: string, column: ColumnSchema, json: unknown): never {
  throw new ClauseError(
    'syntax error',
    `Type mismatch: "${m}" operator may not be applied to column ${column.name} of type ${typeToEnglish(column.type)}.`,
    json,
  );
}

/**
 * Checks one mutation `[column, mutator, value]` against `table`: the column exists and
 * is mutable, the mutator suits its type (arithmetic on integer/real scalars and sets,
 * `%=` on integers only; insert/delete on sets and maps) and the value has the type
 * ovsdb-server expects. Throws {@link ClauseError} or {@link InvalidValueError}.
 */
export function parseMutation(table: TableSchema, json: unknown): ParsedMutation {
  if (
    !Array.isArray(json) ||
    json.length !== 3 ||
    typeof json[0] !== 'string' ||
    typeof json[1] !== 'string'
  ) {
    throw new ClauseError('syntax error', 'Parse error in mutation.', json);
  }
  const [name, mutator, value] = json as [string, string, unknown];
  const column = findColumn(table, name);
  if (column === undefined) {
    throw new ClauseError('unknown column', `No column ${name} in table ${table.name}.`, json);
  }
  if (!column.mutable) {
    throw new ClauseError(
      'constraint violation',
      `Cannot mutate immutable column ${name} in table ${table.name}.`,
      json,
    );
  }
  const t = column.type;
  const where = { table: table.name, column: name };
  const missing = defaultDatum(t);
  if (arithmeticMutators.has(mutator)) {
    const numeric = t.key.type === 'integer' || (t.key.type === 'real' && mutator !== '%=');
    if (t.value !== undefined || !numeric) typeMismatch(mutator, column, json);
    // The operand is one atom; the column's constraints apply to results, not to it.
    const argType: ColumnType = { key: { type: t.key.type }, min: 1, max: 1 };
    return { column, mutator: mutator as Mutator, arg: parseDatum(argType, value, where), argType, missing };
  }
  if (mutator !== 'insert' && mutator !== 'delete') {
    throw new ClauseError('unknown mutator', `No mutator named ${mutator}.`, json);
  }
  if (t.value === undefined && t.min === 1 && t.max === 1) typeMismatch(mutator, column, json);
  const argType: ColumnType =
    mutator === 'insert' ? { ...t, min: 0 } : { ...t, min: 0, max: Number.POSITIVE_INFINITY };
  try {
    return { column, mutator, arg: parseDatum(argType, value, where), argType, missing };
  } catch (e) {
    if (!(e instanceof InvalidValueError) || mutator !== 'delete' || t.value === undefined) throw e;
    // A map delete may also name just the keys to remove.
    const keysType: ColumnType = { key: t.key, min: 0, max: Number.POSITIVE_INFINITY };
    return { column, mutator, arg: parseDatum(keysType, value, where), argType: keysType, missing };
  }
}

/** Checks a list of mutations against `table` (see {@link parseMutation}). */
export function parseMutations(table: TableSchema, json: unknown): ParsedMutation[] {
  if (!Array.isArray(json)) throw new ClauseError('syntax error', 'Parse error in mutation.', json);
  return json.map((m) => parseMutation(table, m));
}

/** The wire form of parsed mutations, canonical. */
export function mutationsToJson(mutations: ReadonlyArray<ParsedMutation>): unknown[] {
  return mutations.map((m) => [m.column.name, m.mutator, m.arg]);
}

function rangeError(m: ArithmeticMutator): never {
  throw new MutationError('range error', `Result of "${m}" operation is out of range.`);
}

function domainError(): never {
  throw new MutationError('domain error', 'Division by zero.');
}

function fromBig(v: bigint): WireAtom {
  const n = Number(v);
  // bigint travels outside WireAtom's declared types; only 64-bit integers use it.
  return (Number.isSafeInteger(n) ? n : v) as unknown as WireAtom;
}

// 64-bit signed arithmetic with ovsdb-server's overflow rules.
function integerOp(m: ArithmeticMutator, a: WireAtom, b: WireAtom): WireAtom {
  if ((m === '+=' || m === '-=') && typeof a === 'number' && typeof b === 'number') {
    const r = m === '+=' ? a + b : a - b;
    if (Number.isSafeInteger(r)) return r + 0;
  }
  const x = BigInt(a as number);
  const y = BigInt(b as number);
  switch (m) {
    case '+=':
    case '-=': {
      const r = m === '+=' ? x + y : x - y;
      if (r < INT64_MIN || r > INT64_MAX) rangeError(m);
      return fromBig(r);
    }
    case '*=': {
      if (y === 0n) return 0;
      // The server's overflow test, kept as is (truncating division): it is exact except
      // that it also refuses a few products that fit, and the result wraps when it misses.
      const overflow =
        x > 0n
          ? y > 0n
            ? x >= INT64_MAX / y
            : y < INT64_MIN / x
          : y > 0n
            ? x < INT64_MIN / y
            : x !== 0n && y < INT64_MAX / y;
      if (overflow) rangeError(m);
      return fromBig(BigInt.asIntN(64, x * y));
    }
    default:
      if (y === 0n) domainError();
      if (x === INT64_MIN && y === -1n) rangeError(m);
      // bigint division and remainder truncate toward zero, as C's do.
      return fromBig(m === '/=' ? x / y : x % y);
  }
}

function realOp(m: ArithmeticMutator, a: WireAtom, b: WireAtom): WireAtom {
  const x = a as number;
  const y = b as number;
  let r: number;
  if (m === '+=') r = x + y;
  else if (m === '-=') r = x - y;
  else if (m === '*=') r = x * y;
  else {
    if (y === 0) domainError();
    r = x / y;
  }
  if (!Number.isFinite(r)) rangeError(m);
  return r + 0;
}

function fromElements(t: ColumnType, elements: Array<WireAtom | [WireAtom, WireAtom]>): WireValue {
  if (t.value !== undefined) return ['map', elements as [WireAtom, WireAtom][]];
  return elements.length === 1 ? (elements[0] as WireAtom) : ['set', elements as WireAtom[]];
}

function arithmetic(m: ParsedMutation, field: WireValue): WireValue {
  const op = m.mutator as ArithmeticMutator;
  const base = m.column.type.key;
  const elements = datumElements(field) as ReadonlyArray<WireAtom>;
  if (elements.length === 0) return field;
  const y = m.arg as WireAtom;
  const out = new Array<WireAtom>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const x = elements[i] as WireAtom;
    out[i] = base.type === 'integer' ? integerOp(op, x, y) : realOp(op, x, y);
  }
  for (const atom of out) {
    try {
      parseAtom(base, atom);
    } catch (e) {
      if (e instanceof InvalidValueError)
        throw new MutationError('constraint violation', e.reason, { cause: e });
      throw e;
    }
  }
  if (out.length > 1) {
    out.sort(compareAtoms);
    // Equal neighbours after sorting: two elements collapsed to one value.
    for (let i = 1; i < out.length; i++) {
      if (compareAtoms(out[i - 1] as WireAtom, out[i] as WireAtom) === 0) {
        throw new MutationError('constraint violation', `Result of "${op}" operation contains duplicates.`);
      }
    }
  }
  return fromElements(m.column.type, out);
}

function checkCount(t: ColumnType, n: number): void {
  if (n < t.min || n > t.max) {
    throw new MutationError(
      'constraint violation',
      `Attempted to store ${n} elements in ${typeToEnglish(t)}.`,
    );
  }
}

function insert(m: ParsedMutation, field: WireValue): WireValue {
  const t = m.column.type;
  const isMap = t.value !== undefined;
  const a = datumElements(field);
  const b = datumElements(m.arg);
  // Merge two sorted lists; an existing key keeps its value, as in ovsdb-server.
  let out: Array<WireAtom | [WireAtom, WireAtom]> | undefined;
  let i = 0;
  for (const e of b) {
    const key = isMap ? (e as [WireAtom, WireAtom])[0] : (e as WireAtom);
    if (findKey(a, key, isMap) >= 0) continue;
    out ??= [];
    while (i < a.length && compareKey(a[i] as WireAtom, key, isMap) < 0) out.push(a[i++] as WireAtom);
    out.push(e);
  }
  if (out === undefined) {
    checkCount(t, a.length);
    return field;
  }
  while (i < a.length) out.push(a[i++] as WireAtom);
  checkCount(t, out.length);
  return fromElements(t, out);
}

function compareKey(e: WireAtom | [WireAtom, WireAtom], key: WireAtom, isMap: boolean): number {
  const k = isMap ? (e as [WireAtom, WireAtom])[0] : (e as WireAtom);
  return compareAtoms(k, key);
}

function remove(m: ParsedMutation, field: WireValue): WireValue {
  const t = m.column.type;
  const isMap = t.value !== undefined;
  const byKeys = isMap && m.argType.value === undefined;
  const a = datumElements(field);
  const b = datumElements(m.arg);
  let out: Array<WireAtom | [WireAtom, WireAtom]> | undefined;
  for (let i = 0; i < a.length; i++) {
    const e = a[i] as WireAtom | [WireAtom, WireAtom];
    const gone = byKeys ? findKey(b, (e as [WireAtom, WireAtom])[0], false) >= 0 : holdsElement(b, e, isMap);
    if (gone) out ??= a.slice(0, i) as Array<WireAtom | [WireAtom, WireAtom]>;
    else out?.push(e);
  }
  if (out === undefined) {
    checkCount(t, a.length);
    return field;
  }
  checkCount(t, out.length);
  return fromElements(t, out);
}

/**
 * Applies one mutation to a column value and returns the new value (the same object
 * when nothing changed). Throws {@link MutationError} as ovsdb-server would fail.
 */
export function mutateValue(m: ParsedMutation, field: WireValue): WireValue {
  try {
    if (m.mutator === 'insert') return insert(m, field);
    if (m.mutator === 'delete') return remove(m, field);
    return arithmetic(m, field);
  } catch (e) {
    if (e instanceof MutationError) {
      throw new MutationError(e.tag, e.reason, { column: m.column.name, cause: e.cause });
    }
    throw e;
  }
}

/**
 * Executes mutations in order on `row` and returns the new row (a shallow copy with the
 * mutated columns replaced; `row` is left as it was). Absent columns start from their
 * defaults. Throws {@link MutationError} on the first failure, as ovsdb-server does.
 */
export function executeMutations(
  row: RowData,
  mutations: ReadonlyArray<ParsedMutation>,
): Record<string, WireValue> {
  const out = { ...row } as Record<string, WireValue>;
  for (const m of mutations) {
    const name = m.column.name;
    out[name] = mutateValue(m, out[name] ?? m.missing);
  }
  return out;
}
