#!/usr/bin/env node
/**
 * The `ovndb` command. For now it has one sub-command, `gen`, the schema code generator:
 * `npx ovndb gen SCHEMA.ovsschema -o DIR [--check]`.
 */
import { runGen } from '../codegen/cli.js';

const USAGE = 'usage: ovndb gen SCHEMA.ovsschema -o DIR [--check] [--model-import SPECIFIER]\n';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'gen') return runGen(rest, { command: 'npx ovndb gen' });
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`ovndb: unknown command ${JSON.stringify(command)}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ovndb: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
