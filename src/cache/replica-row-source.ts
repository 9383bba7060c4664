/**
 * Transactions that read from a replica: `runTransaction(..., { rowSource: replicaRowSource(r) })`
 * reads rows from memory, synchronously, and still verifies them at commit, so a read that
 * the server has since changed makes the transaction retry with the replica's newer rows.
 */
import { encodeValue } from '../model/row-codec.js';
import type { TypedCondition } from '../model/typed-clauses.js';
import { encodeCondition } from '../model/typed-clauses.js';
import type { ColumnType } from '../protocol/column-type.js';
import { evaluateConditions, parseConditions, type RowData } from '../protocol/condition-eval.js';
import { normalizeDatum } from '../protocol/datum.js';
import type { WireValue } from '../protocol/notation.js';
import { implicitColumnType } from '../protocol/schema.js';
import type { RowSource, TableNameOf } from '../txn/row-source.js';
import type { Replica } from './replica.js';

/** The wire form, canonical, of the columns `columns` of typed row `row`. */
function wireColumns(
  table: { readonly name: string; readonly columns: ReadonlyMap<string, { readonly type: ColumnType }> },
  row: Readonly<Record<string, unknown>>,
  columns: ReadonlySet<string>,
): RowData {
  const out: Record<string, WireValue | undefined> = {};
  for (const column of columns) {
    const type = table.columns.get(column)?.type ?? implicitColumnType(column);
    if (type === undefined) continue;
    const value = row[column];
    const where = { table: table.name, column };
    out[column] = normalizeDatum(type, encodeValue(type, value, where), where);
  }
  return out;
}

/**
 * A row source for the transaction runner (src/txn) answered from `replica`: `get` is a map
 * look-up, `select` evaluates the conditions (all must hold) with ovsdb-server's rules.
 */
export function replicaRowSource<T extends object>(replica: Replica<T>): RowSource<T> {
  return {
    get(table, uuid) {
      return replica.get(table, uuid);
    },
    select<K extends TableNameOf<T>>(table: K, where: ReadonlyArray<TypedCondition<T[K]>>) {
      if (where.length === 0) return replica.list(table);
      const schema = replica.view.server.tables.get(table);
      if (schema === undefined) return replica.list(table);
      const wire = where.map((c) => encodeCondition(schema, c));
      const condition = parseConditions(schema, wire);
      const columns = new Set(wire.map((c) => c[0]));
      return replica.where(table, (row) =>
        evaluateConditions(wireColumns(schema, row as Readonly<Record<string, unknown>>, columns), condition),
      );
    },
  };
}
