/**
 * Rows printed the way Open vSwitch's tests/test-ovsdb.py prints them for its `idl` command.
 * That driver formats a row with Python's `str()`/`repr()` of the IDL's column values (sorted
 * lists, sorted `(key, value)` tuples for maps, `UUID('...')` inside lists) and then scrubs the
 * text with a few regular expressions (commas, quotes and `UUID(...)` removed, `True` and
 * `False` lowercased). This module builds the same Python text and applies the same scrubbing,
 * so quirks such as a comma vanishing from a string value come out identical.
 */
import type { BaseType } from '../../../src/protocol/base-type.js';
import type { ColumnType } from '../../../src/protocol/column-type.js';
import { printNumber } from './data-json.js';
import type { IdlRow, IdlView, Notice } from './idl-view.js';

/** Where a print goes (one line, without its newline). */
export type Print = (line: string) => void;

/** The columns test-ovsdb.py prints for table `simple`, in order. */
export const SIMPLE_COLUMNS: ReadonlyArray<string> = ['i', 'r', 'b', 's', 'u', 'ia', 'ra', 'ba', 'sa', 'ua'];

/** A column value looked up on a row: absent when Python's `hasattr` would be false. */
export type ColumnLookup = (column: string) => { type: ColumnType; value: unknown } | undefined;

/** `%03d`. */
export function stepText(step: number): string {
  return String(step).padStart(3, '0');
}

/**
 * A real as Python holds it after reading the server's `%.17g` JSON: integral values below
 * 1e17 arrive without a dot or exponent and so become Python ints.
 */
function realText(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e17) return BigInt(x).toString();
  return printNumber(x);
}

/** Python's `repr()` of a str. */
function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const parts: string[] = [quote];
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\') parts.push('\\\\');
    else if (ch === quote) parts.push(`\\${quote}`);
    else if (ch === '\n') parts.push('\\n');
    else if (ch === '\r') parts.push('\\r');
    else if (ch === '\t') parts.push('\\t');
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) parts.push(`\\x${c.toString(16).padStart(2, '0')}`);
    else parts.push(ch);
  }
  parts.push(quote);
  return parts.join('');
}

/** Python's `str()` of an atom (a referenced row stands for its UUID). */
function atomStr(base: BaseType, atom: unknown): string {
  switch (base.type) {
    case 'real':
      return realText(atom as number);
    case 'boolean':
      return atom ? 'True' : 'False';
    default:
      return String(atom);
  }
}

/** Python's `repr()` of an atom inside a list or tuple. */
function atomRepr(base: BaseType, atom: unknown): string {
  if (base.type === 'string') return pyStringRepr(atom as string);
  if (base.type === 'uuid') return `UUID('${atom as string}')`;
  return atomStr(base, atom);
}

/** Python's ordering of atoms of one type (UUIDs order as their hex text). */
function compareAtoms(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    // Code point order, as Python compares str.
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }
  const na = typeof a === 'boolean' ? Number(a) : (a as number | bigint);
  const nb = typeof b === 'boolean' ? Number(b) : (b as number | bigint);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/**
 * The elements of a set or the pairs of a map, as the Python IDL hands them out: references
 * to rows it does not hold are dropped.
 */
function entriesOf(view: IdlView, type: ColumnType, value: unknown): Array<[unknown, unknown]> | unknown[] {
  const live = (base: BaseType, atom: unknown) =>
    base.refTable === undefined || view.rowOf(base.refTable, atom as string) !== undefined;
  if (type.value !== undefined) {
    const pairs: Array<[unknown, unknown]> =
      value instanceof Map ? [...value.entries()] : Object.entries((value ?? {}) as Record<string, unknown>);
    return pairs.filter(([k, v]) => live(type.key, k) && live(type.value as BaseType, v));
  }
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.filter((atom) => live(type.key, atom));
}

/** Python's `str()` of a column value as test-ovsdb.py formats it, before scrubbing. */
export function pythonValue(view: IdlView, type: ColumnType, value: unknown): string {
  if (type.value === undefined && type.min === 1 && type.max === 1) return atomStr(type.key, value);
  if (type.value !== undefined) {
    const pairs = (entriesOf(view, type, value) as Array<[unknown, unknown]>).sort(
      (a, b) => compareAtoms(a[0], b[0]) || compareAtoms(a[1], b[1]),
    );
    const base = type.value;
    return `[${pairs.map(([k, v]) => `(${atomRepr(type.key, k)}, ${atomRepr(base, v)})`).join(', ')}]`;
  }
  const atoms = (entriesOf(view, type, value) as unknown[]).sort(compareAtoms);
  return `[${atoms.map((a) => atomRepr(type.key, a)).join(', ')}]`;
}

/** test-ovsdb.py's clean-up of the Python text of a row. */
function scrub(text: string): string {
  return text
    .replace(/""|,|u?'/g, '')
    .replace(/UUID\(([^)]+)\)/g, '$1')
    .replace(/False/g, 'false')
    .replace(/True/g, 'true')
    .replace(/(ba)=([^[][^ ]*) /g, '$1=[$2] ');
}

/**
 * `get_simple_printable_row_string`: `column=value` for each of `columns` the row has, scrubbed.
 * The pseudo-column `uuid` is the row's UUID.
 */
export function rowString(
  view: IdlView,
  uuid: string,
  lookup: ColumnLookup,
  columns: ReadonlyArray<string>,
): string {
  const parts: string[] = [];
  for (const column of columns) {
    if (column === 'uuid') {
      parts.push(`uuid=${uuid}`);
      continue;
    }
    const found = lookup(column);
    if (found !== undefined) parts.push(`${column}=${pythonValue(view, found.type, found.value)}`);
  }
  return scrub(parts.join(' ').trim());
}

/** The `i` of the row a reference points at, or undefined when that row is not held. */
function refI(view: IdlView, table: string, uuid: unknown): string | undefined {
  if (typeof uuid !== 'string') return undefined;
  const target = view.rowOf(table, uuid);
  return target === undefined ? undefined : String(target.data.i);
}

function link1Contents(view: IdlView, row: IdlRow): string {
  const out = [`i=${String(row.data.i)} k=`];
  const k = row.lookup('k');
  if (k !== undefined) out.push(refI(view, 'link1', k.value) ?? '');
  const ka = row.lookup('ka');
  if (ka !== undefined) {
    // Python sorts the `i`s as text here.
    const is = (entriesOf(view, ka.type, ka.value) as string[]).map((u) => refI(view, 'link1', u) as string);
    out.push(` ka=[${is.sort().join(' ')}] l2=`);
  }
  const l2 = row.lookup('l2');
  if (l2 !== undefined) {
    const targets = (entriesOf(view, l2.type, l2.value) as string[]).sort();
    if (targets.length > 0) out.push(refI(view, 'link2', targets[0]) as string);
  }
  return out.join('');
}

function link2Contents(view: IdlView, row: IdlRow): string {
  let s = `i=${String(row.data.i)} l1=`;
  const l1 = row.lookup('l1');
  if (l1 !== undefined) {
    const targets = (entriesOf(view, l1.type, l1.value) as string[]).sort();
    if (targets.length > 0) s += refI(view, 'link1', targets[0]) as string;
  }
  return s;
}

/** How test-ovsdb.py prints the rows of each table it knows, in the order it prints them. */
const TABLE_PRINTERS: ReadonlyArray<[string, (view: IdlView, row: IdlRow) => string]> = [
  ['simple', (view, row) => rowString(view, row.uuid, row.lookup, SIMPLE_COLUMNS)],
  ['simple2', (view, row) => rowString(view, row.uuid, row.lookup, ['name', 'smap', 'imap'])],
  ['simple3', (view, row) => rowString(view, row.uuid, row.lookup, ['name', 'uset', 'uref'])],
  ['simple4', (view, row) => rowString(view, row.uuid, row.lookup, ['name'])],
  ['simple5', (view, row) => rowString(view, row.uuid, row.lookup, ['name', 'irefmap'])],
  ['simple6', (view, row) => rowString(view, row.uuid, row.lookup, ['name', 'weak_ref'])],
  ['link1', link1Contents],
  ['link2', link2Contents],
  ['singleton', (_view, row) => `name=${String(row.data.name)}`],
];

/** `print_idl`: every row of the tables test-ovsdb.py knows, or `NNN: empty`. */
export function printIdl(view: IdlView, step: number, terse: boolean, print: Print): void {
  let n = 0;
  for (const [table, contents] of TABLE_PRINTERS) {
    for (const row of view.rowsOf(table)) {
      if (terse) print(`${stepText(step)}: table ${table}`);
      else print(`${stepText(step)}: table ${table}: ${contents(view, row)} uuid=${row.uuid}`);
      n++;
    }
  }
  if (n === 0) print(`${stepText(step)}: empty`);
}

/** test-ovsdb.py's `track-notify` line for one notification (`mock_notify`). */
export function notifyLine(view: IdlView, step: number, notice: Notice): string {
  const { row, updates } = notice;
  const contents = rowString(view, row.uuid, row.lookup, [...SIMPLE_COLUMNS, 'l2', 'l1']);
  const old =
    updates === undefined ? 'None' : `{${rowString(view, row.uuid, updates.lookup, SIMPLE_COLUMNS)}}`;
  return `${stepText(step)}: event:${notice.event}, row={${contents}}, uuid=${row.uuid}, updates=${old}`;
}
