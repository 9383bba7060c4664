/** One lookup of a table's descriptor by name, for every part of the runner. */
import type { DatabaseModel, TableDescriptor } from '../model/descriptor.js';
import { InvalidOperationError } from '../protocol/validation.js';

/**
 * The descriptor of `table` in `model`. Throws `InvalidOperationError` (reason
 * `unknown-table`) for a name the model lacks: only untyped callers get that far, since the
 * table parameters of the runner are typed by the model.
 */
export function descriptorOf<T extends object, K extends keyof T & string>(
  model: DatabaseModel<T>,
  table: K,
): TableDescriptor<K, T[K]> {
  const descriptor = Object.hasOwn(model.tables, table) ? model.tables[table] : undefined;
  if (descriptor === undefined) {
    throw new InvalidOperationError('unknown-table', `database ${model.name} has no table ${table}`, {
      operationIndex: -1,
      table,
    });
  }
  return descriptor;
}
