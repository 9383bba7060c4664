/**
 * What validation needs to know about each column of a table, worked out once per table:
 * the column's schema (declared or implicit), and the quick checks for its values as written,
 * as `includes`/`excludes` and set mutators take them (any size), and as map keys.
 */
import type { ColumnType } from './column-type.js';
import { type QuickCheck, quickCheckFor } from './fast-check.js';
import { type ColumnSchema, IMPLICIT_COLUMNS, type TableSchema } from './schema.js';

/** One column's facts for validation. */
export interface ColumnRule {
  readonly schema: ColumnSchema;
  /** `_uuid` or `_version`: set by the server, never written by a client. */
  readonly implicit: boolean;
  readonly check: QuickCheck;
  /** The column's type with any number of elements, and its quick check. */
  readonly anySizeType: ColumnType;
  readonly checkAnySize: QuickCheck;
  /** For maps: a set of keys of any size (the operand of deleting by key), and its quick check. */
  readonly keysType: ColumnType;
  readonly checkKeys: QuickCheck;
}

function ruleFor(schema: ColumnSchema, implicit: boolean): ColumnRule {
  const anySizeType = { ...schema.type, min: 0, max: Number.POSITIVE_INFINITY };
  const keysType = { key: schema.type.key, min: 0, max: Number.POSITIVE_INFINITY };
  return {
    schema,
    implicit,
    check: quickCheckFor(schema.type),
    anySizeType,
    checkAnySize: quickCheckFor(anySizeType),
    keysType,
    checkKeys: quickCheckFor(keysType),
  };
}

const cache = new WeakMap<TableSchema, ReadonlyMap<string, ColumnRule>>();

/** The rules of every column of `table`, the implicit `_uuid` and `_version` included. */
export function columnRules(table: TableSchema): ReadonlyMap<string, ColumnRule> {
  let rules = cache.get(table);
  if (rules === undefined) {
    const built = new Map<string, ColumnRule>();
    for (const column of IMPLICIT_COLUMNS.values()) built.set(column.name, ruleFor(column, true));
    for (const column of table.columns.values()) built.set(column.name, ruleFor(column, false));
    rules = built;
    cache.set(table, rules);
  }
  return rules;
}
