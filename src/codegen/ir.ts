import type { BaseType } from '../protocol/base-type.js';
import type { ColumnType } from '../protocol/column-type.js';
import { type ColumnSchema, parseDatabaseSchema } from '../protocol/schema.js';
import { CodegenError } from './codegen-errors.js';
import { compareNames, RESERVED_NAMES, toPascalCase } from './names.js';

/** The TypeScript shape of one atom (a scalar value, set element, map key or map value). */
export type AtomShape =
  | { readonly kind: 'number' }
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'uuid'; readonly refTable?: string }
  | {
      readonly kind: 'enum';
      /** Name of the generated union type alias. */
      readonly alias: string;
      /** Allowed values, in the schema's (sorted) order. */
      readonly values: ReadonlyArray<string | number | boolean>;
    };

/** The TypeScript shape of a column value. */
export type ColumnShape =
  | { readonly kind: 'scalar'; readonly atom: AtomShape }
  | { readonly kind: 'optional'; readonly atom: AtomShape }
  | { readonly kind: 'set'; readonly atom: AtomShape }
  | { readonly kind: 'map'; readonly key: AtomShape; readonly value: AtomShape };

/** One column in the intermediate form. */
export interface ColumnIr {
  /** Column name, as in the schema. */
  readonly name: string;
  /** The column's OVSDB type. */
  readonly type: ColumnType;
  /** Its TypeScript shape. */
  readonly shape: ColumnShape;
  /** The TypeScript type text of the property (without `?` for optional columns). */
  readonly tsType: string;
  /** True when the property is optional (`col?: X`). */
  readonly optional: boolean;
}

/** A union type alias generated for an enum. */
export interface EnumIr {
  /** Alias name, e.g. `LogicalRouterStaticRoutePolicy`. */
  readonly alias: string;
  /** The table and column it belongs to, for its comment. */
  readonly table: string;
  readonly column: string;
  /** `key` or `value` for maps, `undefined` otherwise. */
  readonly part?: 'key' | 'value';
  /** Allowed values. */
  readonly values: ReadonlyArray<string | number | boolean>;
}

/** One table in the intermediate form. */
export interface TableIr {
  /** Table name, as in the schema. */
  readonly name: string;
  /** Row interface name, e.g. `LogicalRouterStaticRoute`. */
  readonly typeName: string;
  /** Descriptor constant name, e.g. `LogicalRouterStaticRouteTable`. */
  readonly descriptorName: string;
  /** Declared columns, sorted by name. */
  readonly columns: ReadonlyArray<ColumnIr>;
  /** Enum aliases of the table's columns, sorted by column. */
  readonly enums: ReadonlyArray<EnumIr>;
  /** The schema's indexes, sorted by name. */
  readonly indexes: ReadonlyArray<IndexIr>;
}

/** One index the schema declares on a table. */
export interface IndexIr {
  /** Its columns joined with `+`: the name a replica looks it up by. */
  readonly name: string;
  /** Its columns, in the schema's order. */
  readonly columns: ReadonlyArray<string>;
}

/** A database in the intermediate form: plain data, sorted, ready to print. */
export interface DatabaseIr {
  /** Database name, e.g. `OVN_Northbound`. */
  readonly name: string;
  /** Schema version, when declared. */
  readonly version?: string;
  /** Tables sorted by name. */
  readonly tables: ReadonlyArray<TableIr>;
  /** The schema JSON, unchanged. */
  readonly schemaJson: unknown;
}

function atomShape(base: BaseType, alias: string): AtomShape {
  // A uuid enum cannot be a literal union of branded strings: it stays a Uuid.
  if (base.enum !== undefined && base.type !== 'uuid') return { kind: 'enum', alias, values: base.enum };
  switch (base.type) {
    case 'integer':
    case 'real':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      return { kind: 'string' };
    case 'uuid':
      return base.refTable === undefined ? { kind: 'uuid' } : { kind: 'uuid', refTable: base.refTable };
  }
}

/** The TypeScript text of an atom shape. */
export function atomTsType(atom: AtomShape): string {
  switch (atom.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return atom.kind;
    case 'uuid':
      return atom.refTable === undefined ? 'Uuid' : `Uuid<${quoteString(atom.refTable)}>`;
    case 'enum':
      return atom.alias;
  }
}

/** The TypeScript text of a column shape. */
export function columnTsType(shape: ColumnShape): string {
  switch (shape.kind) {
    case 'scalar':
    case 'optional':
      return atomTsType(shape.atom);
    case 'set':
      return `readonly ${atomTsType(shape.atom)}[]`;
    case 'map': {
      const key = atomTsType(shape.key);
      const value = atomTsType(shape.value);
      // Records only for string keys: other keys would not survive as object property names.
      if (shape.key.kind === 'string') return `Readonly<Record<string, ${value}>>`;
      if (shape.key.kind === 'enum' && shape.key.values.every((v) => typeof v === 'string')) {
        // Not every enum key need be present.
        return `Readonly<Partial<Record<${key}, ${value}>>>`;
      }
      return `ReadonlyMap<${key}, ${value}>`;
    }
  }
}

/** A string literal as biome prints it: single quotes unless that needs more escapes. */
export function quoteString(s: string): string {
  const body = JSON.stringify(s).slice(1, -1);
  let singles = 0;
  let doubles = 0;
  for (const ch of s) {
    if (ch === "'") singles++;
    else if (ch === '"') doubles++;
  }
  if (singles > doubles) return `"${body}"`;
  return `'${body.replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

function columnIr(table: string, typeName: string, column: ColumnSchema, enums: EnumIr[]): ColumnIr {
  const t = column.type;
  const aliasBase = typeName + toPascalCase(column.name);
  const atom = (base: BaseType, part?: 'key' | 'value'): AtomShape => {
    const alias = part === undefined ? aliasBase : aliasBase + toPascalCase(part);
    const shape = atomShape(base, alias);
    if (shape.kind === 'enum') {
      enums.push(
        part === undefined
          ? { alias, table, column: column.name, values: shape.values }
          : { alias, table, column: column.name, part, values: shape.values },
      );
    }
    return shape;
  };
  let shape: ColumnShape;
  if (t.value !== undefined) shape = { kind: 'map', key: atom(t.key, 'key'), value: atom(t.value, 'value') };
  else if (t.min === 1 && t.max === 1) shape = { kind: 'scalar', atom: atom(t.key) };
  else if (t.min === 0 && t.max === 1) shape = { kind: 'optional', atom: atom(t.key) };
  else shape = { kind: 'set', atom: atom(t.key) };
  return {
    name: column.name,
    type: t,
    shape,
    tsType: columnTsType(shape),
    optional: shape.kind === 'optional',
  };
}

/**
 * Builds the intermediate form of a schema: parses it with `parseDatabaseSchema` (so a
 * bad schema throws `SchemaError`), sorts tables and columns by name and maps every
 * column to its TypeScript shape. Throws {@link CodegenError} when two generated names
 * collide.
 */
export function buildDatabaseIr(schemaJson: unknown): DatabaseIr {
  const schema = parseDatabaseSchema(schemaJson);
  const owners = new Map<string, string>();
  const claim = (name: string, owner: string): void => {
    const previous = RESERVED_NAMES.has(name) ? 'a name the generated code reserves' : owners.get(name);
    if (previous !== undefined) {
      throw new CodegenError(
        `${schema.name}: ${owner} would be named ${name}, which is already ${previous}`,
        { details: { database: schema.name, name } },
      );
    }
    owners.set(name, owner);
  };
  const tableNames = [...schema.tables.keys()].sort(compareNames);
  const tables: TableIr[] = [];
  for (const name of tableNames) {
    const table = schema.tables.get(name)!;
    const typeName = toPascalCase(name);
    const descriptorName = `${typeName}Table`;
    claim(typeName, `the row type of table ${name}`);
    claim(descriptorName, `the descriptor of table ${name}`);
    const enums: EnumIr[] = [];
    const columns = [...table.columns.values()]
      .sort((a, b) => compareNames(a.name, b.name))
      .map((column) => columnIr(name, typeName, column, enums));
    for (const e of enums) claim(e.alias, `the enum of column ${e.column} of table ${name}`);
    const indexes = table.indexes
      .map((parts) => ({ name: parts.join('+'), columns: [...parts] }))
      .sort((a, b) => compareNames(a.name, b.name));
    tables.push({ name, typeName, descriptorName, columns, enums, indexes });
  }
  return {
    name: schema.name,
    ...(schema.version === undefined ? {} : { version: schema.version }),
    tables,
    schemaJson,
  };
}
