/**
 * A driver with the command line of Open vSwitch's tests/test-ovsdb.py (and, for the
 * condition and mutation commands, of its C twin test-ovsdb), for running
 * OVS's own test vectors against ovndb:
 *
 *   node --import tsx test/conformance/driver/test-ovsdb.ts [-t SECS] COMMAND ARG...
 *
 * Prints what test-ovsdb.py prints on stdout; on failure prints its error text on
 * stderr and exits 1. Commands live in a table; `idl` is in idl-session.ts, `idl-cluster`
 * in idl-cluster.ts. `-t SECS` ends the driver with an error after SECS seconds, as
 * upstream's alarm does; `-c` makes `idl` print the C driver's change-tracking output.
 */
import { writeSync } from 'node:fs';
import { ClauseError, MutationError } from '../../../src/protocol/mutation-errors.js';
import { InvalidValueError, SchemaError } from '../../../src/protocol/validation-errors.js';
import { COND_MUTATION_COMMANDS } from './cond-mutation-commands.js';
import { DATA_COMMANDS, type DriverCommand, ovsErrorText } from './data-commands.js';
import { idlClusterCommand } from './idl-cluster.js';
import { type IdlOptions, idlCommand } from './idl-session.js';

const PROGRAM = 'test-ovsdb';

/** `-c` (change tracking, as the C driver has it) sets `track`. */
const idlOptions: IdlOptions = { track: false };

/** Every command the driver knows. */
const COMMANDS: Readonly<Record<string, DriverCommand>> = {
  ...DATA_COMMANDS,
  ...COND_MUTATION_COMMANDS,
  idl: idlCommand(idlOptions),
  'idl-cluster': idlClusterCommand,
};

// Output goes out synchronously so nothing is lost when we exit on an error.
function print(line: string): void {
  writeSync(1, `${line}\n`);
}

function fail(message: string): never {
  writeSync(2, `${message}\n`);
  process.exit(1);
}

// Gives up after `seconds`, like test-ovsdb's alarm; unref'd so it never keeps the driver alive.
function setTimeoutOption(text: string | undefined): void {
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1) fail(`value ${text} on -t or --timeout is not at least 1`);
  setTimeout(() => fail(`${PROGRAM}: timeout after ${seconds} seconds`), seconds * 1000).unref();
}

function stripOptions(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-t' || a === '--timeout') setTimeoutOption(argv[++i]);
    else if (a.startsWith('--timeout=')) setTimeoutOption(a.slice('--timeout='.length));
    else if (a.startsWith('-t')) setTimeoutOption(a.slice(2));
    else if (a === '-c' || a === '--change-track') idlOptions.track = true;
    else if (a === '-h' || a === '--help') {
      print(`usage: ${PROGRAM} [-t SECS] COMMAND ARG...; commands: ${Object.keys(COMMANDS).join(', ')}`);
      process.exit(0);
    } else args.push(a);
  }
  return args;
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = stripOptions(argv);
  if (name === undefined) fail(`${PROGRAM}: missing command argument (use --help for help)`);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) fail(`${PROGRAM}: unknown command "${name}" (use --help for help)`);
  if (command.exact !== undefined && args.length !== command.exact) {
    fail(`${PROGRAM}: "${name}" requires ${command.exact} arguments but ${args.length} provided`);
  }
  if (command.min !== undefined && args.length < command.min) {
    fail(`${PROGRAM}: "${name}" requires at least ${command.min} arguments but only ${args.length} provided`);
  }
  try {
    await command.run(args, print);
  } catch (e) {
    if (e instanceof SchemaError || e instanceof InvalidValueError) fail(ovsErrorText(e));
    if (e instanceof ClauseError || e instanceof MutationError) fail(`${e.tag}: ${e.reason}`);
    fail(`${PROGRAM}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

await main(process.argv.slice(2));
