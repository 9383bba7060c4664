import { OvndbError } from '../errors.js';
import type { BaseType } from '../protocol/base-type.js';
import { type ColumnType, columnTypeToJson } from '../protocol/column-type.js';
import type { ColumnSchema, DatabaseSchema } from '../protocol/schema.js';
import type { DatabaseModel } from './descriptor.js';

/** Which part of a column type an enum belongs to: set elements / map keys, or map values. */
export type EnumSide = 'key' | 'value';

/**
 * One way a model's schema and a server's schema disagree. `model` and `server` hold
 * each side's view where both sides have one.
 */
export type SchemaDifference =
  /** The two schemas describe different databases. */
  | { readonly kind: 'database-name'; readonly model: string; readonly server: string }
  /** The schema versions differ (either may be undeclared). */
  | {
      readonly kind: 'database-version';
      readonly model: string | undefined;
      readonly server: string | undefined;
    }
  /** A table the model has and the server lacks. */
  | { readonly kind: 'table-only-in-model'; readonly table: string }
  /** A table the server has and the model lacks. */
  | { readonly kind: 'table-only-on-server'; readonly table: string }
  /** A column the model has and the server lacks. */
  | { readonly kind: 'column-only-in-model'; readonly table: string; readonly column: string }
  /** A column the server has and the model lacks. */
  | { readonly kind: 'column-only-on-server'; readonly table: string; readonly column: string }
  /**
   * A column both have whose values have a different shape: key or value atomic type,
   * map versus set, `min`/`max`, `refTable` or `refType`. `changes` names what differs.
   */
  | {
      readonly kind: 'column-type';
      readonly table: string;
      readonly column: string;
      readonly model: ColumnType;
      readonly server: ColumnType;
      readonly changes: ReadonlyArray<string>;
    }
  /** Enum values of one column side that only the model allows. */
  | {
      readonly kind: 'enum-only-in-model';
      readonly table: string;
      readonly column: string;
      readonly side: EnumSide;
      readonly values: ReadonlyArray<number | boolean | string>;
    }
  /** Enum values of one column side that only the server allows. */
  | {
      readonly kind: 'enum-only-on-server';
      readonly table: string;
      readonly column: string;
      readonly side: EnumSide;
      readonly values: ReadonlyArray<number | boolean | string>;
    };

/** The kinds of {@link SchemaDifference}. */
export type SchemaDifferenceKind = SchemaDifference['kind'];

/** Every difference between a model's schema and a server's, found in one pass. */
export interface SchemaSkew {
  /** All differences, sorted by table, column, kind (database-level ones first). */
  readonly differences: ReadonlyArray<SchemaDifference>;
  /**
   * True when the model can be used against the server: every difference is something
   * the model has and the server lacks, something extra on the server, or a version
   * change. False when a column both have differs in type, or the database names differ.
   */
  readonly compatible: boolean;
  /** The server schema's version, when declared. */
  readonly serverVersion: string | undefined;
  /** One line per difference, in the order of {@link SchemaSkew.differences}. */
  describe(): string;
}

/**
 * Thrown by callers that require the model and server schemas to match exactly (or at
 * least to be compatible); carries the full {@link SchemaSkew}.
 */
export class SchemaSkewError extends OvndbError {
  /** Every difference found. */
  readonly skew: SchemaSkew;

  constructor(skew: SchemaSkew) {
    const n = skew.differences.length;
    super(
      'OVNDB_SCHEMA_SKEW',
      `model and server schemas differ (${n} difference${n === 1 ? '' : 's'}` +
        `${skew.compatible ? '' : ', incompatible'}):\n${skew.describe()}`,
      { details: skew.differences },
    );
    this.skew = skew;
  }
}

// Kinds that leave the model usable; any other kind makes the skew incompatible.
const COMPATIBLE_KINDS: ReadonlySet<SchemaDifferenceKind> = new Set([
  'database-version',
  'table-only-in-model',
  'table-only-on-server',
  'column-only-in-model',
  'column-only-on-server',
  'enum-only-in-model',
  'enum-only-on-server',
]);

// The order of kinds within one table/column, so output is stable.
const KIND_ORDER: ReadonlyArray<SchemaDifferenceKind> = [
  'database-name',
  'database-version',
  'table-only-in-model',
  'table-only-on-server',
  'column-only-in-model',
  'column-only-on-server',
  'column-type',
  'enum-only-in-model',
  'enum-only-on-server',
];

// Code-unit order: the same on every machine and locale.
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares the schema a model was generated from with a live server's schema and
 * reports every difference at once: tables and columns only on one side, columns whose
 * type differs, enum values only on one side, and the database name and version.
 * Constraints other than enums (integer ranges, string lengths) and table options
 * (indexes, `isRoot`, `maxRows`) are not compared: the server enforces them on writes.
 */
export function compareSchemas(
  // biome-ignore lint/suspicious/noExplicitAny: any model's Tables type is accepted.
  model: DatabaseModel<any> | DatabaseSchema,
  server: DatabaseSchema,
): SchemaSkew {
  const mine: DatabaseSchema = 'schema' in model ? model.schema : model;
  const found: SchemaDifference[] = [];
  if (mine.name !== server.name) found.push({ kind: 'database-name', model: mine.name, server: server.name });
  if (mine.version !== server.version) {
    found.push({ kind: 'database-version', model: mine.version, server: server.version });
  }
  for (const [tableName, table] of mine.tables) {
    const theirs = server.tables.get(tableName);
    if (theirs === undefined) {
      found.push({ kind: 'table-only-in-model', table: tableName });
      continue;
    }
    for (const [columnName, column] of table.columns) {
      const other = theirs.columns.get(columnName);
      if (other === undefined)
        found.push({ kind: 'column-only-in-model', table: tableName, column: columnName });
      else compareColumns(tableName, column, other, found);
    }
    for (const columnName of theirs.columns.keys()) {
      if (!table.columns.has(columnName)) {
        found.push({ kind: 'column-only-on-server', table: tableName, column: columnName });
      }
    }
  }
  for (const tableName of server.tables.keys()) {
    if (!mine.tables.has(tableName)) found.push({ kind: 'table-only-on-server', table: tableName });
  }
  return makeSkew(found, server.version);
}

function compareColumns(
  table: string,
  mine: ColumnSchema,
  theirs: ColumnSchema,
  found: SchemaDifference[],
): void {
  const a = mine.type;
  const b = theirs.type;
  const changes: string[] = [];
  compareBase('key', a.key, b.key, changes);
  if ((a.value === undefined) !== (b.value === undefined)) changes.push('map/set');
  else if (a.value !== undefined && b.value !== undefined) compareBase('value', a.value, b.value, changes);
  if (a.min !== b.min) changes.push('min');
  if (a.max !== b.max) changes.push('max');
  if (changes.length > 0) {
    found.push({ kind: 'column-type', table, column: mine.name, model: a, server: b, changes });
    return;
  }
  // Enum values only mean the same thing when the atomic types agree, as they do here.
  compareEnums(table, mine.name, 'key', a.key, b.key, found);
  if (a.value !== undefined && b.value !== undefined)
    compareEnums(table, mine.name, 'value', a.value, b.value, found);
}

function compareBase(side: EnumSide, a: BaseType, b: BaseType, changes: string[]): void {
  if (a.type !== b.type) changes.push(`${side} type`);
  if (a.refTable !== b.refTable) changes.push(`${side} refTable`);
  else if (a.refType !== b.refType) changes.push(`${side} refType`);
}

// An absent enum allows every value of the type, so only enums on both sides compare.
function compareEnums(
  table: string,
  column: string,
  side: EnumSide,
  a: BaseType,
  b: BaseType,
  found: SchemaDifference[],
): void {
  if (a.enum === undefined || b.enum === undefined) return;
  const theirs = new Set(b.enum);
  const mine = new Set(a.enum);
  const onlyMine = a.enum.filter((v) => !theirs.has(v));
  const onlyTheirs = b.enum.filter((v) => !mine.has(v));
  if (onlyMine.length > 0) found.push({ kind: 'enum-only-in-model', table, column, side, values: onlyMine });
  if (onlyTheirs.length > 0)
    found.push({ kind: 'enum-only-on-server', table, column, side, values: onlyTheirs });
}

function sortKey(d: SchemaDifference): [string, string, number, string] {
  const table = 'table' in d ? d.table : '';
  const column = 'column' in d ? d.column : '';
  const side = 'side' in d ? d.side : '';
  return [table, column, KIND_ORDER.indexOf(d.kind), side];
}

function compareDifferences(x: SchemaDifference, y: SchemaDifference): number {
  const a = sortKey(x);
  const b = sortKey(y);
  return byCodeUnit(a[0], b[0]) || byCodeUnit(a[1], b[1]) || a[2] - b[2] || byCodeUnit(a[3], b[3]);
}

function makeSkew(found: SchemaDifference[], serverVersion: string | undefined): SchemaSkew {
  const differences = Object.freeze(found.sort(compareDifferences));
  const compatible = differences.every((d) => COMPATIBLE_KINDS.has(d.kind));
  return Object.freeze({
    differences,
    compatible,
    serverVersion,
    describe: () => differences.map(describeDifference).join('\n'),
  });
}

function typeText(t: ColumnType): string {
  return JSON.stringify(columnTypeToJson(t));
}

function valuesText(values: ReadonlyArray<number | boolean | string>): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** One human-readable line for a difference. */
export function describeDifference(d: SchemaDifference): string {
  switch (d.kind) {
    case 'database-name':
      return `database name: model ${d.model}, server ${d.server}`;
    case 'database-version':
      return `database version: model ${d.model ?? '(none)'}, server ${d.server ?? '(none)'}`;
    case 'table-only-in-model':
      return `table ${d.table}: only in model`;
    case 'table-only-on-server':
      return `table ${d.table}: only on server`;
    case 'column-only-in-model':
      return `column ${d.table}.${d.column}: only in model`;
    case 'column-only-on-server':
      return `column ${d.table}.${d.column}: only on server`;
    case 'column-type':
      return (
        `column ${d.table}.${d.column}: type differs (${d.changes.join(', ')}): ` +
        `model ${typeText(d.model)}, server ${typeText(d.server)}`
      );
    case 'enum-only-in-model':
      return `column ${d.table}.${d.column}: ${d.side} enum values only in model: ${valuesText(d.values)}`;
    case 'enum-only-on-server':
      return `column ${d.table}.${d.column}: ${d.side} enum values only on server: ${valuesText(d.values)}`;
  }
}
