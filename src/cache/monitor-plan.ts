/**
 * Works out what a replica asks the server for: which tables and columns (what the model
 * wants, cut down to what the server has), with which conditions, and which indexes each
 * table keeps. Pure: the same inputs always give the same plan.
 */
import type { DatabaseModel } from '../model/descriptor.js';
import { type AnyCondition, encodeCondition } from '../model/typed-clauses.js';
import type { Condition, MonitorCondition } from '../protocol/conditions.js';
import type { DatabaseSchema, TableSchema } from '../protocol/schema.js';
import { validateConditions } from '../protocol/validation.js';
import type { ReplicaOptions, ReplicaTableOptions } from './replica-options.js';
import type { IndexSpec } from './row-index.js';

/** One table of the plan. */
export interface TablePlan {
  /** The table as the server has it. */
  readonly schema: TableSchema;
  /** Columns to monitor: all of the server's when undefined. */
  readonly columns: ReadonlyArray<string> | undefined;
  /** Wire condition; undefined: every row. */
  readonly where: MonitorCondition[] | undefined;
  readonly indexes: ReadonlyArray<IndexSpec>;
}

/** The whole plan: tables to monitor, and what was asked for that the server lacks. */
export interface MonitorPlan {
  readonly tables: ReadonlyMap<string, TablePlan>;
  /** `table` or `table.column` names asked for (explicitly or through the model) the server lacks. */
  readonly leftOut: ReadonlyArray<string>;
}

/** The wire form of a table's monitor condition. */
export function encodeMonitorCondition(
  table: TableSchema,
  where: ReadonlyArray<AnyCondition | boolean>,
): MonitorCondition[] {
  const encoded = where.map((c) => (typeof c === 'boolean' ? c : encodeCondition(table, c)));
  // Checked as a transaction's are: a value the server cannot read would close the connection.
  validateConditions(
    table,
    encoded.filter((c): c is Condition => typeof c !== 'boolean'),
  );
  return encoded;
}

/** The monitor plan for `model` against a server with schema `server`. */
export function planMonitor<T extends object>(
  model: DatabaseModel<T>,
  server: DatabaseSchema,
  options: ReplicaOptions<T>,
): MonitorPlan {
  const leftOut: string[] = [];
  const tables = new Map<string, TablePlan>();
  const wanted: Array<[string, ReplicaTableOptions<Record<string, unknown>> | true]> = options.tables
    ? (Object.entries(options.tables) as Array<[string, ReplicaTableOptions<Record<string, unknown>> | true]>)
    : model.tableNames.map((name) => [name, true]);
  for (const name of options.extraTables ?? []) wanted.push([name, true]);
  wanted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, tableOptions] of wanted) {
    const schema = server.tables.get(name);
    if (schema === undefined) {
      leftOut.push(name);
      continue;
    }
    const opts: ReplicaTableOptions<Record<string, unknown>> = tableOptions === true ? {} : tableOptions;
    let columns: string[] | undefined;
    if (opts.columns !== undefined) {
      columns = [];
      for (const column of opts.columns as ReadonlyArray<string>) {
        if (schema.columns.has(column)) columns.push(column);
        else leftOut.push(`${name}.${column}`);
      }
      columns.sort();
    } else {
      const mine = model.schema.tables.get(name);
      for (const column of mine?.columns.keys() ?? []) {
        if (!schema.columns.has(column)) leftOut.push(`${name}.${column}`);
      }
    }
    const where =
      opts.where === undefined
        ? undefined
        : encodeMonitorCondition(schema, opts.where as ReadonlyArray<AnyCondition | boolean>);
    tables.set(name, { schema, columns, where, indexes: opts.indexes ?? [] });
  }
  return { tables, leftOut: leftOut.sort() };
}
