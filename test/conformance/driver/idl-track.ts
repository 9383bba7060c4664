/**
 * The `-c` (change tracking) output of Open vSwitch's C tests/test-ovsdb: after each wait the
 * rows the C IDL tracked since the previous print (`print_idl_track`), then tracking is
 * cleared; the final dump lists every row (`print_idl`). Rows print in the C driver's format
 * (`%g` reals, arrays in datum order), marked `inserted row: `, `deleted row: ` or
 * `inserted/deleted row: `, followed by `updated columns: ...` when columns changed.
 *
 * What the C IDL tracks, rebuilt from our replica's change events: an inserted row that has
 * any non-default column (the columns the server sent are its updated columns), a modified
 * row (the columns in the diff), a deleted row, and any row holding a reference to a row that
 * was inserted or deleted (the C IDL re-parses such rows).
 */
import type { RowChange } from '../../../src/cache/change.js';
import { decodeValue } from '../../../src/model/row-codec.js';
import type { ColumnType } from '../../../src/protocol/column-type.js';
import { defaultDatum } from '../../../src/protocol/datum.js';
import { type Print, stepText } from './idl-print.js';
import type { IdlView } from './idl-view.js';

type Row = Readonly<Record<string, unknown>>;

/** One tracked row. */
interface Tracked {
  readonly table: string;
  readonly uuid: string;
  inserted: boolean;
  deleted: boolean;
  readonly updated: Set<string>;
  data: Row;
}

function key(table: string, uuid: string): string {
  return `${table}\u0000${uuid}`;
}

/** A stable text of a typed value, to compare it with the column's default. */
function canonical(value: unknown): string {
  if (value === undefined) return '';
  if (value instanceof Map) return JSON.stringify([...value].map(([k, v]) => [String(k), v]).sort());
  if (Array.isArray(value)) return JSON.stringify([...value].map(String).sort());
  if (value !== null && typeof value === 'object') return JSON.stringify(Object.entries(value).sort());
  return String(value);
}

function isDefault(type: ColumnType, value: unknown): boolean {
  if (value === undefined) return true;
  return canonical(value) === canonical(decodeValue(type, defaultDatum(type)) ?? []);
}

/** The C IDL's change tracking over an {@link IdlView}. */
export class ChangeTracker {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly view: IdlView) {
    view.observe = (change) => this.observe(change);
  }

  private entry(table: string, uuid: string, data: Row): Tracked {
    let t = this.tracked.get(key(table, uuid));
    if (t === undefined) {
      t = { table, uuid, inserted: false, deleted: false, updated: new Set(), data };
      this.tracked.set(key(table, uuid), t);
    }
    t.data = data;
    return t;
  }

  private observe(change: RowChange): void {
    const schema = this.view.tables.get(change.table)?.schema;
    if (schema === undefined) return;
    if (change.kind === 'insert') {
      const sent = [...schema.columns].filter(([name, c]) => !isDefault(c.type, change.new[name]));
      if (sent.length > 0) {
        const t = this.entry(change.table, change.uuid, change.new);
        t.inserted = true;
        t.deleted = false;
        for (const [name] of sent) t.updated.add(name);
      }
    } else if (change.kind === 'update') {
      const t = this.entry(change.table, change.uuid, change.new);
      for (const column of change.columns) t.updated.add(column);
      return;
    } else {
      this.entry(change.table, change.uuid, change.old).deleted = true;
    }
    this.trackReferrers(change.table, change.uuid);
  }

  /** Tracks every row that references `uuid` of `table`: the C IDL re-parses those. */
  private trackReferrers(table: string, uuid: string): void {
    for (const [name, t] of this.view.tables) {
      const refColumns = [...t.schema.columns].filter(
        ([, c]) => c.type.key.refTable === table || c.type.value?.refTable === table,
      );
      if (refColumns.length === 0) continue;
      for (const [rowUuid, data] of t.rows) {
        if (this.tracked.has(key(name, rowUuid))) continue;
        const refers = refColumns.some(([column, c]) => {
          const v = data[column];
          if (c.type.value !== undefined) {
            const pairs = v instanceof Map ? [...v] : Object.entries((v ?? {}) as object);
            return pairs.some(([k, x]) => k === uuid || x === uuid);
          }
          return Array.isArray(v) ? v.includes(uuid) : v === uuid;
        });
        if (refers) this.entry(name, rowUuid, data);
      }
    }
  }

  /** The tracked entry of a row, if any. */
  get(table: string, uuid: string): Tracked | undefined {
    return this.tracked.get(key(table, uuid));
  }

  /** The tracked rows of `table`, deleted ones included. */
  rowsOf(table: string): Tracked[] {
    return [...this.tracked.values()].filter((t) => t.table === table);
  }

  /** Forgets everything tracked (`ovsdb_idl_track_clear`). */
  clear(): void {
    this.tracked.clear();
  }
}

/** C's `%g`. */
function formatG(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [mantissa = '', expText = '0'] = x.toExponential(5).split('e');
  const exp = Number(expText);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) {
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(5 - exp));
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** C `strcmp` / numeric order, as the C IDL keeps a datum's atoms. */
function byAtom(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return Buffer.compare(x, y);
  }
  return Number(a) - Number(b);
}

/** The C driver's text of one row (`print_idl_row_*` without the prefix), or undefined for a table it skips. */
function contents(view: IdlView, table: string, data: Row, live: boolean): string | undefined {
  // A deleted row keeps the references it had; a live one shows only rows the IDL holds.
  const refs = (target: string, value: unknown) =>
    (list(value) as string[]).filter((u) => !live || view.rowOf(target, u) !== undefined).sort(byAtom);
  const iOf = (target: string, uuid: string) => String(view.rowOf(target, uuid)?.data.i ?? '');
  switch (table) {
    case 'simple': {
      const arr = (v: unknown, f: (x: unknown) => string) => `[${list(v).sort(byAtom).map(f).join(' ')}]`;
      return (
        `i=${String(data.i)} r=${formatG(data.r as number)} b=${String(data.b)} s=${String(data.s)} ` +
        `u=${String(data.u)} ia=${arr(data.ia, String)} ra=${arr(data.ra, (x) => formatG(x as number))} ` +
        `ba=${arr(data.ba, String)} sa=${arr(data.sa, String)} ua=${arr(data.ua, String)}`
      );
    }
    case 'link1': {
      const k = refs('link1', data.k)[0];
      const ka = refs('link1', data.ka)
        .map((u) => Number(iOf('link1', u)))
        .sort((a, b) => a - b);
      const l2 = refs('link2', data.l2)[0];
      return `i=${String(data.i)} k=${k === undefined ? '' : iOf('link1', k)} ka=[${ka.join(' ')}] l2=${l2 === undefined ? '' : iOf('link2', l2)}`;
    }
    case 'link2': {
      const l1 = refs('link1', data.l1)[0];
      return `i=${String(data.i)} l1=${l1 === undefined ? '' : iOf('link1', l1)}`;
    }
    case 'simple3':
      return `name=${String(data.name)} uset=[${list(data.uset).sort(byAtom).join(',')}] uref=[${refs('simple4', data.uref).join(',')}]`;
    case 'simple4':
    case 'singleton':
      return `name=${String(data.name)}`;
    case 'simple6':
      return `name=${String(data.name)} weak_ref=[${refs('simple', data.weak_ref).join(' ')}]`;
    default:
      return undefined;
  }
}

const C_TABLES = ['simple', 'link1', 'link2', 'simple3', 'simple4', 'simple6', 'singleton'];

function printRow(
  view: IdlView,
  tracker: ChangeTracker,
  row: { table: string; uuid: string; data: Row },
  step: number,
  terse: boolean,
  print: Print,
): boolean {
  const t = tracker.get(row.table, row.uuid);
  const text = contents(view, row.table, row.data, !t?.deleted);
  if (text === undefined) return false;
  const change =
    t?.inserted && t.deleted
      ? 'inserted/deleted row: '
      : t?.inserted
        ? 'inserted row: '
        : t?.deleted
          ? 'deleted row: '
          : '';
  if (terse) print(`${stepText(step)}: table ${row.table}`);
  else print(`${stepText(step)}: table ${row.table}: ${change}${text} uuid=${row.uuid}`);
  if (t !== undefined && t.updated.size > 0) {
    print(`${stepText(step)}: table ${row.table}: updated columns: ${[...t.updated].sort().join(' ')}`);
  }
  return true;
}

/**
 * `print_idl_track` (only tracked rows; `trackedOnly`) or the C `print_idl` (every row, with
 * what is tracked about it); `NNN: empty` when nothing was printed.
 */
export function printIdlC(
  view: IdlView,
  tracker: ChangeTracker,
  step: number,
  terse: boolean,
  trackedOnly: boolean,
  print: Print,
): void {
  let n = 0;
  for (const table of C_TABLES) {
    if (trackedOnly && table === 'singleton') continue;
    const rows = trackedOnly
      ? tracker
          .rowsOf(table)
          .map((t) => (t.deleted ? t : { ...t, data: view.rowOf(table, t.uuid)?.data ?? t.data }))
      : view.rowsOf(table);
    for (const row of rows) if (printRow(view, tracker, row, step, terse, print)) n++;
  }
  if (n === 0) print(`${stepText(step)}: empty`);
}
