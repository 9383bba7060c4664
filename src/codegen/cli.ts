import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OvndbError } from '../errors.js';
import { builtinJob } from './builtin.js';
import { CodegenError, CodegenUsageError } from './codegen-errors.js';
import { type GenerateJob, type GenerateReport, generate } from './generate.js';

/** Where {@link runGen} prints, and the directory relative paths are taken from. */
export interface GenIo {
  /** Receives progress and results. */
  readonly out: (line: string) => void;
  /** Receives errors and check failures. */
  readonly err: (line: string) => void;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** The command named in headers of a user schema's files. */
  readonly command: string;
}

const USAGE = [
  'usage: gen [--check]                       regenerate src/generated/ from schemas/',
  '       gen SCHEMA.ovsschema -o DIR [--check] [--model-import SPECIFIER]',
  '',
  '  --check          compare with what is on disk, change nothing; exit 1 on any difference',
  '  --model-import   module the generated files import the model runtime from (default: ovndb)',
].join('\n');

interface GenArgs {
  readonly check: boolean;
  readonly schema?: string;
  readonly outDir?: string;
  readonly modelImport: string;
  readonly help: boolean;
}

function parseArgs(argv: ReadonlyArray<string>): GenArgs {
  let check = false;
  let help = false;
  let schema: string | undefined;
  let outDir: string | undefined;
  let modelImport = 'ovndb';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new CodegenUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--check') check = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '-o' || arg === '--out') outDir = value();
    else if (arg === '--model-import') modelImport = value();
    else if (arg.startsWith('-')) throw new CodegenUsageError(`unknown option ${arg}`);
    else if (schema === undefined) schema = arg;
    else throw new CodegenUsageError(`only one schema may be given (got ${schema} and ${arg})`);
  }
  if (schema !== undefined && outDir === undefined) {
    throw new CodegenUsageError('a schema needs an output folder: -o DIR');
  }
  if (schema === undefined && outDir !== undefined) throw new CodegenUsageError('-o needs a schema');
  return {
    check,
    help,
    modelImport,
    ...(schema === undefined ? {} : { schema }),
    ...(outDir === undefined ? {} : { outDir }),
  };
}

// Headers never carry absolute paths: a path inside the working directory stays
// relative, anything else is reduced to its file name.
function sourceLabel(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return basename(path);
  return rel.split(sep).join('/');
}

async function userJob(args: GenArgs, io: GenIo): Promise<GenerateJob> {
  const path = resolve(io.cwd, args.schema!);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CodegenError(`cannot read schema ${args.schema}: ${(err as Error).message}`, { cause: err });
  }
  let schemaJson: unknown;
  try {
    schemaJson = JSON.parse(text);
  } catch (err) {
    throw new CodegenError(`schema ${args.schema} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return {
    outDir: resolve(io.cwd, args.outDir!),
    ownsOutDir: false,
    databases: [
      {
        schemaJson,
        folder: '',
        source: sourceLabel(args.schema!, io.cwd),
        command: io.command,
        modelImport: args.modelImport,
      },
    ],
  };
}

function printReport(report: GenerateReport, io: GenIo): void {
  if (report.mode === 'check') {
    if (report.upToDate) {
      io.out(`generated files are up to date (${report.files.length} files)`);
      return;
    }
    for (const p of report.changed) io.err(`out of date: ${p}`);
    for (const p of report.missing) io.err(`missing: ${p}`);
    for (const p of report.extra) io.err(`not generated (stale?): ${p}`);
    io.err('generated files differ from the schemas: run the generator again');
    return;
  }
  const touched = report.changed.length + report.missing.length + report.extra.length;
  io.out(`${report.files.length} files generated, ${touched} changed on disk`);
}

/**
 * The generator's command line, callable from any CLI (`ovndb gen` later): parses
 * `argv` (arguments only, no `node` or script), runs, prints, and resolves to the exit
 * code: 0 on success, 1 on a check failure, an invalid schema or a generation error,
 * 2 on bad arguments. It never calls `process.exit`.
 */
export async function runGen(argv: ReadonlyArray<string>, io: Partial<GenIo> = {}): Promise<number> {
  const full: GenIo = {
    out: io.out ?? ((line) => console.log(line)),
    err: io.err ?? ((line) => console.error(line)),
    cwd: io.cwd ?? process.cwd(),
    command: io.command ?? 'ovndb gen',
  };
  try {
    const args = parseArgs(argv);
    if (args.help) {
      full.out(USAGE);
      return 0;
    }
    const job = args.schema === undefined ? await builtinJob() : await userJob(args, full);
    const report = await generate(job, args.check ? 'check' : 'write');
    printReport(report, full);
    return report.upToDate ? 0 : 1;
  } catch (err) {
    if (err instanceof CodegenUsageError) {
      full.err(`${err.message}\n${USAGE}`);
      return 2;
    }
    // SchemaError and CodegenError are both OvndbErrors whose messages name the problem.
    if (err instanceof OvndbError) {
      full.err(`gen failed [${err.code}]: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

// Run only when executed directly, so importing runGen has no side effects.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runGen(process.argv.slice(2));
}
