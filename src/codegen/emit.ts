import { emitValue, LINE_WIDTH } from './emit-value.js';
import type { ColumnIr, DatabaseIr, EnumIr, IndexIr, TableIr } from './ir.js';
import { quoteString } from './ir.js';

/** One generated file: its path relative to the output folder and its full text. */
export interface GeneratedFile {
  /** Path relative to the output folder, `/`-separated. */
  readonly path: string;
  /** File contents, ending with a newline. */
  readonly text: string;
}

/** What a rendered database needs to know about where it comes from and goes to. */
export interface EmitOptions {
  /** The schema file as the header names it, e.g. `schemas/ovn-nb.ovsschema`. Never absolute. */
  readonly source: string;
  /** The command that regenerates the files, e.g. `npm run gen`. */
  readonly command: string;
  /** Module specifier of the model runtime, e.g. `../../model/index.js` or `ovndb`. */
  readonly modelImport: string;
}

function header(ir: DatabaseIr, options: EmitOptions): string {
  const what = ir.version === undefined ? ir.name : `${ir.name} ${ir.version}`;
  return (
    `// Generated from ${options.source} (${what}) by \`${options.command}\`.\n` +
    '// Do not edit by hand: change the schema or the generator and run it again.'
  );
}

// Splits `A, B<C, D>` at top-level commas.
function typeArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '<') depth++;
    else if (ch === '>') depth--;
    else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

// A property too long for one line: the formatter breaks the type arguments of an
// outer generic one per line; anything else it leaves long.
function property(name: string, optional: boolean, tsType: string): string {
  const head = `  readonly ${name}${optional ? '?' : ''}: `;
  const line = `${head}${tsType};`;
  const generic = /^(Readonly|ReadonlyMap)<(.*)>$/.exec(tsType);
  if (line.length <= LINE_WIDTH || generic === null) return line;
  const args = typeArguments(generic[2]!).map((a) => `    ${a}`);
  return `${head}${generic[1]}<\n${args.join(',\n')}\n  >;`;
}

function enumValue(v: string | number | boolean): string {
  return typeof v === 'string' ? quoteString(v) : String(v);
}

function enumAlias(e: EnumIr): string {
  const what = e.part === undefined ? 'values' : `${e.part}s`;
  const doc = `/** Allowed ${what} of column \`${e.column}\` of table \`${e.table}\`. */\n`;
  const values = e.values.map(enumValue);
  const line = `export type ${e.alias} = ${values.join(' | ')};`;
  if (line.length <= LINE_WIDTH) return doc + line;
  return `${doc}export type ${e.alias} =\n${values.map((v) => `  | ${v}`).join('\n')};`;
}

function rowInterface(table: TableIr): string {
  const lines = [
    `/** A row of table \`${table.name}\`. */`,
    `export interface ${table.typeName} {`,
    "  /** The row's identity, assigned by the server at insert. */",
    `  readonly _uuid: Uuid<${quoteString(table.name)}>;`,
    '  /** Changes whenever the row changes. */',
    '  readonly _version: Uuid;',
    ...table.columns.map((c: ColumnIr) => property(c.name, c.optional, c.tsType)),
    '}',
  ];
  return lines.join('\n');
}

// A property name as the formatter prints it: bare when it is an identifier, quoted otherwise.
function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quoteString(name);
}

// One index: its name and the tuple of its columns, broken one column per line when too long.
function indexMember(index: IndexIr): string {
  const head = `    readonly ${propertyName(index.name)}: readonly [`;
  const columns = index.columns.map(quoteString);
  const line = `${head}${columns.join(', ')}];`;
  if (line.length <= LINE_WIDTH) return line;
  return `${head}\n${columns.map((c) => `      ${c},`).join('\n')}\n    ];`;
}

// The schema's indexes by table, for typed look-ups; tables without indexes are left out.
function tableIndexes(ir: DatabaseIr): string {
  const doc =
    `/**\n * The indexes the ${ir.name} schema declares, by table: each named by its columns joined\n` +
    ' * with `+` (the name a replica looks it up by), listing those columns in order.\n */\n';
  const entries = ir.tables
    .filter((t) => t.indexes.length > 0)
    .map((t) => `  readonly ${t.name}: {\n${t.indexes.map(indexMember).join('\n')}\n  };`);
  // An empty interface is a lint error; a record without keys says the same.
  if (entries.length === 0) return `${doc}export type TableIndexes = Record<never, never>;`;
  return `${doc}export interface TableIndexes {\n${entries.join('\n')}\n}`;
}

function renderRows(ir: DatabaseIr, options: EmitOptions): string {
  const blocks: string[] = [header(ir, options)];
  // Every row has `_uuid`, so `Uuid` is used exactly when there is a table.
  const imports = ir.tables.length > 0 ? 'schemaIndexes, Uuid' : 'schemaIndexes';
  blocks.push(`import type { ${imports} } from '${options.modelImport}';`);
  for (const table of ir.tables) {
    for (const e of table.enums) blocks.push(enumAlias(e));
    blocks.push(rowInterface(table));
  }
  const entries = ir.tables.map((t) => `  readonly ${t.name}: ${t.typeName};`);
  // The indexes ride along as a phantom member, so that `Replica<Tables>` knows them.
  entries.push(
    "  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */",
    '  readonly [schemaIndexes]?: TableIndexes;',
  );
  blocks.push(
    `/** The row type of every table of ${ir.name}, by table name. */\n` +
      `export interface Tables {\n${entries.join('\n')}\n}`,
  );
  blocks.push(tableIndexes(ir));
  blocks.push(`/** The name of a table of ${ir.name}. */\nexport type TableName = keyof Tables & string;`);
  return `${blocks.join('\n\n')}\n`;
}

function renderSchema(ir: DatabaseIr, options: EmitOptions): string {
  const head = 'export const schemaJson: unknown = ';
  const doc = `/** The ${ir.name} schema, as read from ${options.source}. */`;
  return `${header(ir, options)}\n\n${doc}\n${head}${emitValue(ir.schemaJson, 0, head.length, 1)};\n`;
}

function descriptor(table: TableIr): string {
  const doc = `/** Descriptor of table \`${table.name}\`. */\n`;
  const head = `export const ${table.descriptorName} =`;
  const value = `model.tables.${table.name};`;
  const line = `${head} ${value}`;
  return doc + (line.length <= LINE_WIDTH ? line : `${head}\n  ${value}`);
}

function renderModel(ir: DatabaseIr, options: EmitOptions): string {
  const blocks = [
    header(ir, options),
    `import { buildDatabaseModel, type DatabaseModel } from '${options.modelImport}';\n` +
      "import type { Tables } from './rows.js';\n" +
      "import { schemaJson } from './schema.js';",
    `/** The ${ir.name} model: parsed schema and table descriptors, built once at import. */\n` +
      'export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);',
    ...ir.tables.map(descriptor),
  ];
  return `${blocks.join('\n\n')}\n`;
}

function renderIndex(ir: DatabaseIr, options: EmitOptions): string {
  return (
    `${header(ir, options)}\n\n` +
    "export * from './model.js';\n" +
    "export type * from './rows.js';\n" +
    "export { schemaJson } from './schema.js';\n"
  );
}

/**
 * Prints one database as TypeScript: `rows.ts` (row interfaces, enum unions, `Tables`,
 * `TableIndexes`, `TableName`), `schema.ts` (the schema JSON), `model.ts` (the model and per-table
 * descriptors) and `index.ts`. Output depends only on the IR and options, and is
 * formatted the way the project's formatter would format it.
 */
export function emitDatabase(ir: DatabaseIr, options: EmitOptions): GeneratedFile[] {
  return [
    { path: 'index.ts', text: renderIndex(ir, options) },
    { path: 'model.ts', text: renderModel(ir, options) },
    { path: 'rows.ts', text: renderRows(ir, options) },
    { path: 'schema.ts', text: renderSchema(ir, options) },
  ];
}
