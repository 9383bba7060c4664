/**
 * `--where` arguments: `COLUMN OP VALUE`, e.g. `name==lr0`, `priority>=100`,
 * `'external_ids includes {"vpc":"vpc1"}'`. VALUE is JSON when it parses as JSON, else text.
 */
import type { AnyCondition } from '../model/typed-clauses.js';
import type { ConditionFunction } from '../protocol/conditions.js';
import { findColumn, type TableSchema } from '../protocol/schema.js';
import { CliUsageError } from './cli-errors.js';

// Longer operators first, so that `<=` is not read as `<` followed by `=...`.
const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(==|!=|<=|>=|<|>|\s+includes\s+|\s+excludes\s+)\s*(.*)$/s;

/** The text of a VALUE as the typed form of a column: JSON when it parses, the text itself otherwise. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Parses one `--where` argument against `table`. Throws {@link CliUsageError} naming the
 * argument when it is not `COLUMN OP VALUE` or the column is not in the table.
 */
export function parseWhereClause(table: TableSchema, text: string): AnyCondition {
  const match = CLAUSE.exec(text);
  if (match === null) {
    throw new CliUsageError(
      '--where',
      `${JSON.stringify(text)} is not COLUMN OP VALUE (OP: == != < <= > >= includes excludes)`,
    );
  }
  const [, column, op, valueText] = match as unknown as [string, string, string, string];
  const found = findColumn(table, column);
  if (found === undefined) {
    throw new CliUsageError(
      '--where',
      `table ${table.name} has no column ${column} (in ${JSON.stringify(text)})`,
    );
  }
  let value = parseValue(valueText);
  // A single element stands for a one-element set, as on the wire.
  if (found.type.max !== 1 && found.type.value === undefined && !Array.isArray(value)) value = [value];
  return { column, fn: op.trim() as ConditionFunction, value };
}

/** Every `--where` argument, in order. */
export function parseWhereClauses(table: TableSchema, texts: readonly string[] = []): AnyCondition[] {
  return texts.map((text) => parseWhereClause(table, text));
}
