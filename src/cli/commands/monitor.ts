/**
 * `ovndb monitor REMOTE DATABASE TABLE [COLUMNS...]`: prints the table's rows, then every change,
 * until interrupted. It runs on a reconnecting session with a resumable replica, so it follows
 * a raft cluster across leader changes and prints only what changed meanwhile.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { RowChange } from '../../cache/change.js';
import type { ReplicaOptions } from '../../cache/replica-options.js';
import { buildDatabaseModel } from '../../model/build-model.js';
import type { Session } from '../../session/session.js';
import { ChangePrinter } from '../change-printer.js';
import { EXIT } from '../cli-errors.js';
import { CommandDeadline } from '../command-deadline.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { openSession } from '../open-session.js';
import { formatOption, type OutputFormat } from '../output-format.js';
import { parseWhereClauses } from '../where-clause.js';
import { chooseColumns, chooseTable, whereOption } from './database.js';

interface MonitorFlags extends ConnectionFlags {
  where: string[];
  format: OutputFormat;
  initial: boolean;
  maxChanges?: number;
}

function count(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1)
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a positive count`);
  return value;
}

type Row = Record<string, unknown>;

/** Registers `monitor` on `program`. */
export function registerMonitorCommand(program: Command): void {
  addConnectionOptions(
    program
      .command('monitor')
      .description(
        'print the rows of TABLE, then every change as it happens; follows leader changes of a raft cluster (give every member, comma-separated)',
      )
      .argument('<remote>', "OVS remote, or a comma list of a cluster's members")
      .argument('<database>', 'database name')
      .argument('<table>', 'table name')
      .argument('[columns...]', 'columns to monitor (default: all)')
      .addOption(whereOption())
      .addOption(formatOption('ndjson'))
      .option('--no-initial', 'do not print the rows present at start')
      .option(
        '--max-changes <n>',
        'exit after printing this many changes (not counting the initial rows)',
        count,
      ),
  ).action(
    async (
      remote: string,
      database: string,
      tableName: string,
      columnNames: string[],
      flags: MonitorFlags,
    ) => {
      // -t bounds the connection phase: until the rows present have been read.
      const deadline = new CommandDeadline(flags.timeout);
      let session: Session;
      try {
        session = await deadline.run(() => openSession(remote, database, 'readable', flags, deadline));
      } catch (error) {
        deadline.clear();
        throw error;
      }
      let finish: (code: number) => void = () => {};
      const done = new Promise<number>((resolve) => {
        finish = resolve;
      });
      const stop = (code: number) => () => finish(code);
      process.once('SIGINT', stop(EXIT.interrupted));
      process.once('SIGTERM', stop(EXIT.ok));
      try {
        const { table, columns, replica } = await deadline.run(async () => {
          const client = await session.whenReady(deadline.bound);
          const schema = await client.getSchema(database, deadline.bound);
          const table = await chooseTable(client, database, tableName);
          const columns = chooseColumns(table, columnNames);
          const where = parseWhereClauses(table, flags.where);
          const model = buildDatabaseModel<Record<string, Row>>(schema.json);
          const tableOptions = {
            ...(columnNames.length > 0 ? { columns } : {}),
            ...(where.length > 0 ? { where } : {}),
          };
          const options = {
            tables: { [table.name]: Object.keys(tableOptions).length ? tableOptions : true },
            ...deadline.bound,
          };
          const replica = await session.replica(model, options as ReplicaOptions<Record<string, Row>>);
          return { table, columns, replica };
        });
        deadline.clear();
        process.stderr.write(`ovndb: monitoring ${database} ${table.name} on ${session.remote}\n`);
        const printer = new ChangePrinter(flags.format, columns, (text) => process.stdout.write(text));
        if (flags.initial) {
          for (const row of replica.list(table.name)) {
            printer.add({
              kind: 'insert',
              table: table.name,
              uuid: row._uuid as string,
              new: row,
              initial: true,
            });
          }
          printer.flush();
        }
        let seen = 0;
        replica.on('change', (change) => {
          printer.add(change as RowChange<string, Row>);
          if (flags.maxChanges !== undefined && ++seen >= flags.maxChanges) {
            setImmediate(() => {
              printer.flush();
              finish(EXIT.ok);
            });
          }
        });
        session.on('disconnected', ({ remote: lost, error }) =>
          process.stderr.write(`ovndb: lost ${lost}${error ? ` (${error.message})` : ''}; reconnecting\n`),
        );
        session.on('ready', ({ remote: now, reconnected }) => {
          if (reconnected) process.stderr.write(`ovndb: monitoring again on ${now}\n`);
        });
        let failure: Error | undefined;
        session.once('closed', (error) => {
          failure = error;
          finish(EXIT.unreachable);
        });
        const code = await done;
        printer.flush();
        if (failure) throw failure;
        process.exitCode = code;
      } finally {
        deadline.clear();
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
        await session.close();
      }
    },
  );
}
