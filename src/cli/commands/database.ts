/**
 * The ovsdb-client-like commands: `list-dbs`, `get-schema`, `transact` and `query`. Each opens
 * one connection and prints to stdout.
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { OvsdbClient } from '../../client/client.js';
import { decodeRow } from '../../model/row-decode.js';
import { encodeConditions } from '../../model/typed-clauses.js';
import type { Operation } from '../../protocol/operations.js';
import type { TableSchema } from '../../protocol/schema.js';
import { CliUsageError } from '../cli-errors.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { formatOption, type OutputFormat } from '../output-format.js';
import { cellText, renderTable, toJsonValue } from '../render-value.js';
import { withClient } from '../run-with-client.js';
import { parseWhereClauses } from '../where-clause.js';

/** Writes one line to stdout. */
const print = (text: string) => process.stdout.write(`${text}\n`);

/** DATABASE, or the server's one database besides `_Server` when it was left out. */
export async function chooseDatabase(client: OvsdbClient, database: string | undefined): Promise<string> {
  const names = await client.listDbs();
  if (database !== undefined) {
    if (!names.includes(database)) {
      throw new CliUsageError(
        'DATABASE',
        `the server has no database ${database} (it has ${names.join(', ')})`,
      );
    }
    return database;
  }
  const user = names.filter((name) => name !== '_Server');
  if (user.length !== 1) {
    throw new CliUsageError('DATABASE', `name one of ${names.join(', ')}`);
  }
  return user[0]!;
}

/** The schema of TABLE in DATABASE, or a usage error naming what exists. */
export async function chooseTable(
  client: OvsdbClient,
  database: string,
  table: string,
): Promise<TableSchema> {
  const schema = await client.getSchema(database);
  const found = schema.tables.get(table);
  if (found === undefined) {
    throw new CliUsageError(
      'TABLE',
      `${database} has no table ${table} (it has ${[...schema.tables.keys()].join(', ')})`,
    );
  }
  return found;
}

/** COLUMNS checked against the table; all of them (schema order) when none were named. */
export function chooseColumns(table: TableSchema, columns: readonly string[]): string[] {
  for (const column of columns) {
    if (!table.columns.has(column) && column !== '_uuid' && column !== '_version') {
      throw new CliUsageError('COLUMNS', `table ${table.name} has no column ${column}`);
    }
  }
  return columns.length > 0 ? [...columns] : [...table.columns.keys()];
}

/** Reads a TRANSACTION argument: JSON text, `@FILE`, or `-` for standard input. */
async function transactionText(argument: string): Promise<string> {
  if (argument === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  if (argument.startsWith('@')) return readFile(argument.slice(1), 'utf8');
  return argument;
}

/** `["DATABASE", op, ...]` as ovsdb-client takes it; a usage error otherwise. */
export function parseTransaction(text: string): { database: string; operations: Operation[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError('TRANSACTION', `not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(json) || typeof json[0] !== 'string') {
    throw new CliUsageError('TRANSACTION', 'expected ["DATABASE", operation, ...]');
  }
  const [database, ...operations] = json as [string, ...Operation[]];
  return { database, operations };
}

/** Prints rows in `format`: a table of `columns`, one JSON row per line, or one JSON array. */
export function printRows(
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: readonly string[],
  format: OutputFormat,
): void {
  if (format === 'table') {
    const headings = ['_uuid', ...columns.filter((c) => c !== '_uuid')];
    print(
      renderTable(
        headings,
        rows.map((row) => headings.map((c) => cellText(row[c]))),
      ),
    );
  } else if (format === 'ndjson') {
    for (const row of rows) print(JSON.stringify(toJsonValue(row)));
  } else {
    print(JSON.stringify(toJsonValue(rows), null, 2));
  }
}

/** Registers the four commands on `program`. */
export function registerDatabaseCommands(program: Command): void {
  addConnectionOptions(
    program
      .command('list-dbs')
      .description('print the names of the databases a server holds, one per line')
      .argument(
        '<remote>',
        'OVS remote (unix:PATH, tcp:HOST:PORT, ssl:HOST:PORT, ws://..., or a comma list)',
      ),
  ).action(async (remote: string, flags: ConnectionFlags) => {
    await withClient(remote, flags, async (client) => {
      for (const name of await client.listDbs()) print(name);
    });
  });

  addConnectionOptions(
    program
      .command('get-schema')
      .description('print the schema of DATABASE as JSON')
      .argument('<remote>', 'OVS remote')
      .argument('[database]', 'database name (may be left out when the server has only one)'),
  ).action(async (remote: string, database: string | undefined, flags: ConnectionFlags) => {
    await withClient(remote, flags, async (client) => {
      const name = await chooseDatabase(client, database);
      print(JSON.stringify((await client.getSchema(name)).json, null, 2));
    });
  });

  addConnectionOptions(
    program
      .command('transact')
      .description(
        'run one transaction and print its results as JSON; operations are checked against the schema before anything is sent',
      )
      .argument('<remote>', 'OVS remote')
      .argument('<transaction>', '["DATABASE", operation, ...] as JSON, @FILE, or - for standard input'),
  ).action(async (remote: string, argument: string, flags: ConnectionFlags) => {
    const { database, operations } = parseTransaction(await transactionText(argument));
    await withClient(remote, flags, async (client) => {
      print(JSON.stringify(await client.transact(await chooseDatabase(client, database), operations)));
    });
  });

  addConnectionOptions(
    program
      .command('query')
      .description('print the rows of TABLE (the named COLUMNS, or all) that match every --where')
      .argument('<remote>', 'OVS remote')
      .argument('<database>', 'database name')
      .argument('<table>', 'table name')
      .argument('[columns...]', 'columns to print (default: all)')
      .addOption(whereOption())
      .addOption(formatOption('table')),
  ).action(
    async (
      remote: string,
      database: string,
      tableName: string,
      columnNames: string[],
      flags: ConnectionFlags & { where: string[]; format: OutputFormat },
    ) => {
      await withClient(remote, flags, async (client) => {
        const name = await chooseDatabase(client, database);
        const table = await chooseTable(client, name, tableName);
        const columns = chooseColumns(table, columnNames);
        const where = encodeConditions(table, parseWhereClauses(table, flags.where));
        const select: Operation = { op: 'select', table: table.name, where, columns: ['_uuid', ...columns] };
        const [result] = await client.transact(name, [select]);
        const rows = (result as { rows: Record<string, unknown>[] }).rows.map((row) => decodeRow(table, row));
        printRows(rows, columns, flags.format);
      });
    },
  );
}

/** `-w/--where CLAUSE`, repeatable: the clauses of docs/cli.md, all of which must hold. */
export function whereOption(): Option {
  return new Option('-w, --where <clause>', 'COLUMN OP VALUE, e.g. name==lr0 (repeatable: all must hold)')
    .argParser((value: string, previous: string[] = []) => [...previous, value])
    .default([]);
}
