/** `ovndb gen SCHEMA -o DIR [--check]`: the model generator (its arguments are its own, see docs/codegen.md). */
import type { Command } from 'commander';
import { runGen } from '../../codegen/cli.js';

/** Registers `gen` on `program`; its arguments go to the generator as given. */
export function registerGenCommand(program: Command): void {
  program
    .command('gen')
    .description(
      'generate typed models from an .ovsschema: gen SCHEMA.ovsschema -o DIR [--check] [--model-import M]',
    )
    .helpOption(false) // the generator prints its own usage for --help
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'SCHEMA.ovsschema -o DIR [--check] [--model-import SPECIFIER]; --help for details')
    .action(async (args: string[]) => {
      process.exitCode = await runGen(args, { command: 'npx ovndb gen' });
    });
}
