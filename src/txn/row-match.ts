/**
 * Whether a typed row (as a replica or the row codec holds it) matches a `where` clause, with
 * ovsdb-server's rules: the columns a clause tests are encoded to their canonical wire form
 * and evaluated as the server would. A clause of one `_uuid ==` test, the form nearly every
 * targeted write takes, is decided without encoding anything.
 */
import { encodeValue } from '../model/row-encode.js';
import type { ColumnType } from '../protocol/column-type.js';
import {
  evaluateConditions,
  type ParsedCondition,
  parseConditions,
  type RowData,
} from '../protocol/condition-eval.js';
import { normalizeDatum } from '../protocol/datum.js';
import type { WireValue } from '../protocol/notation.js';
import { implicitColumnType, type TableSchema } from '../protocol/schema.js';

type Row = Readonly<Record<string, unknown>>;

/** A `where` clause checked against its table, ready to be evaluated on typed rows. */
export interface RowCondition {
  readonly condition: ParsedCondition;
  /** The columns its tests read. */
  readonly columns: ReadonlySet<string>;
  /** The UUID, when the clause is exactly `_uuid == <uuid>`. */
  readonly uuid?: string;
}

/** Checks wire `where` against `table` (throws as ovsdb-server would refuse it). */
export function rowCondition(table: TableSchema, where: readonly unknown[]): RowCondition {
  const uuid = singleUuid(where);
  const condition = parseConditions(table, where);
  const columns = new Set<string>();
  for (const clause of condition) if (clause.kind === 'test') columns.add(clause.column.name);
  return uuid === undefined ? { condition, columns } : { condition, columns, uuid };
}

/** The UUID of a `where` that is exactly `[["_uuid", "==", ["uuid", U]]]`. */
export function singleUuid(where: readonly unknown[]): string | undefined {
  if (where.length !== 1) return undefined;
  const clause = where[0];
  if (!Array.isArray(clause) || clause[0] !== '_uuid' || clause[1] !== '==') return undefined;
  const value = clause[2] as unknown;
  return Array.isArray(value) && value[0] === 'uuid' && typeof value[1] === 'string'
    ? value[1].toLowerCase()
    : undefined;
}

/** True when typed row `row` of `table` satisfies every test of `where`. */
export function rowMatches(table: TableSchema, row: Row, where: RowCondition): boolean {
  if (where.uuid !== undefined) return row._uuid === where.uuid;
  return evaluateConditions(rowData(table, row, where.columns), where.condition);
}

/** The canonical wire form of columns `columns` of typed row `row`. */
export function rowData(table: TableSchema, row: Row, columns: Iterable<string>): RowData {
  const out: Record<string, WireValue | undefined> = {};
  for (const column of columns) {
    const type: ColumnType | undefined = table.columns.get(column)?.type ?? implicitColumnType(column);
    if (type === undefined) continue;
    const value = row[column];
    const where = { table: table.name, column };
    out[column] =
      value === undefined ? undefined : normalizeDatum(type, encodeValue(type, value, where), where);
  }
  return out;
}
