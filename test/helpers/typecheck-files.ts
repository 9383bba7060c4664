/**
 * A child process of the snippet test: builds ONE TypeScript program from a tsconfig and
 * checks only the files named after it (the program's other files, the library's sources,
 * are read for their types but not checked, which is most of the cost). Prints one JSON line
 * per error: `{ file?, line?, code, message }` (line 1-based).
 *
 *     node --import tsx test/helpers/typecheck-files.ts TSCONFIG FILE...
 */
import { resolve } from 'node:path';
import ts from 'typescript';

const [config = '', ...files] = process.argv.slice(2);
const wanted = new Set(files.map((file) => resolve(file)));

function print(diagnostic: ts.Diagnostic): void {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const at =
    diagnostic.file !== undefined && diagnostic.start !== undefined
      ? {
          file: resolve(diagnostic.file.fileName),
          line: diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1,
        }
      : {};
  process.stdout.write(`${JSON.stringify({ ...at, code: `TS${diagnostic.code}`, message })}\n`);
}

const parsed = ts.getParsedCommandLineOfConfigFile(
  config,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: print },
);
if (parsed !== undefined) {
  parsed.errors.forEach(print);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  program.getOptionsDiagnostics().forEach(print);
  program.getGlobalDiagnostics().forEach(print);
  for (const source of program.getSourceFiles()) {
    if (!wanted.has(resolve(source.fileName))) continue;
    program.getSyntacticDiagnostics(source).forEach(print);
    program.getSemanticDiagnostics(source).forEach(print);
  }
}
