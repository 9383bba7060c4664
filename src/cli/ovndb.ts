#!/usr/bin/env node
/**
 * The `ovndb` command: ovsdb-client-like requests (list-dbs, get-schema, transact, query,
 * monitor), the model generator, throwaway labs, Kube-OVN VPC apply and the OVN-IC status.
 * Exit codes are in {@link EXIT} and docs/cli.md.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT } from './cli-errors.js';
import { registerDatabaseCommands } from './commands/database.js';
import { registerGenCommand } from './commands/gen.js';
import { registerIcCommands } from './commands/ic.js';
import { registerLabCommands } from './commands/lab.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerVpcCommands } from './commands/vpc.js';
import { describeError, exitCodeOf } from './exit-code.js';

// src/cli/ovndb.ts and dist/cli/ovndb.js both sit two levels below package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The command tree. Commander reports usage errors itself; they exit with {@link EXIT.usage}. */
export function buildProgram(): Command {
  const program = new Command('ovndb')
    .description('Typed OVSDB client for the OVN Northbound, Southbound and OVN-IC databases')
    .version(version)
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError();
  registerDatabaseCommands(program);
  registerMonitorCommand(program);
  registerGenCommand(program);
  registerLabCommands(program);
  registerVpcCommands(program);
  registerIcCommands(program);
  program.addHelpText(
    'after',
    // An absolute URL: the docs are not in the installed package.
    '\nExit codes: 0 done, 1 request failed, 2 usage error, 3 server unreachable, 130 interrupted.\n' +
      'See https://github.com/ovndb/ovndb/blob/main/docs/cli.md',
  );
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are how commander ends after printing them.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`ovndb: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
