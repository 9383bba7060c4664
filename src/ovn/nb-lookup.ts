/**
 * Finding NB rows by name in a replica (the cache every helper reads), with the checks
 * ovn-nbctl makes: a name two rows share is an error, not a guess.
 */
import type { Replica } from '../cache/replica.js';
import type { Tables as NbTables } from '../generated/nb/rows.js';
import { DuplicateNameError, ObjectNotFoundError } from './ovn-errors.js';

/**
 * What the helpers read of the OVN Northbound database: a `Replica` of the generated
 * `ovndb/nb` model fits as it is. Only reads, so a planner can also pass a view that overlays
 * rows a transaction is about to create.
 */
export type NbReplica = Pick<
  Replica<NbTables>,
  'get' | 'list' | 'rows' | 'count' | 'where' | 'find' | 'findOne' | 'indexes' | 'has'
>;

/** NB tables whose rows have a `name` column. */
export type NamedTable = {
  [K in keyof NbTables & string]: NbTables[K] extends { readonly name: string } ? K : never;
}[keyof NbTables & string];

/**
 * The row of `table` named `name`, or undefined. Uses the table's schema index on `name`
 * when it has one (router and switch ports, ...); otherwise scans (routers and switches have
 * no index, so OVN allows two with one name).
 * @throws {@link DuplicateNameError} when several rows carry the name.
 */
export function findNamed<K extends NamedTable>(
  nb: NbReplica,
  table: K,
  name: string,
): NbTables[K] | undefined {
  const rows: NbTables[K][] = nb.indexes(table).includes('name')
    ? nb.find(table, 'name', name)
    : nb.where(table, (row) => (row as { name: string }).name === name);
  if (rows.length > 1) {
    throw new DuplicateNameError(
      table,
      name,
      rows.map((row) => (row as { _uuid: string })._uuid),
    );
  }
  return rows[0];
}

/**
 * The row of `table` named `name`.
 * @throws {@link ObjectNotFoundError} when there is none; {@link DuplicateNameError} when several.
 */
export function requireNamed<K extends NamedTable>(nb: NbReplica, table: K, name: string): NbTables[K] {
  const row = findNamed(nb, table, name);
  if (row === undefined) throw new ObjectNotFoundError(table, name);
  return row;
}
