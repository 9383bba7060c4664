/**
 * Type-checks every doc snippet in ONE TypeScript program (so the package's sources are read
 * once for all blocks), with the repository's strict tsconfig.json, in a child process
 * (typecheck-files.ts) so the runs go on meanwhile; maps each error to its markdown `file:line`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Snippet } from './doc-snippets.js';
import type { SnippetWorkspace } from './snippet-workspace.js';

const checker = join(import.meta.dirname, 'typecheck-files.ts');

/** The errors found: per snippet as `file:line: message (TScode)`, and those of no snippet (the setup's). */
export interface SnippetTypeErrors {
  readonly bySnippet: ReadonlyMap<Snippet, string[]>;
  readonly general: readonly string[];
}

/** Rejects when the checker cannot run at all. */
export async function typecheckSnippets(
  root: string,
  workspace: SnippetWorkspace,
): Promise<SnippetTypeErrors> {
  const config = join(workspace.dir, 'tsconfig.json');
  const files = [...workspace.files.values()];
  writeFileSync(
    config,
    JSON.stringify({
      extends: relative(workspace.dir, join(root, 'tsconfig.json')),
      compilerOptions: { noEmit: true, allowJs: true, checkJs: true, incremental: false },
      files: [workspace.contextFile, ...files].map((f) => relative(workspace.dir, f)),
      include: [],
    }),
  );
  const output = await new Promise<string>((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', checker, config, ...files],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error === null ? done(stdout) : fail(new Error(`type-check failed: ${stderr}`)),
    );
  });
  const byFile = new Map([...workspace.files].map(([snippet, file]) => [resolve(file), snippet]));
  const bySnippet = new Map<Snippet, string[]>();
  const general: string[] = [];
  for (const text of output.split('\n').filter((l) => l !== '')) {
    const error = JSON.parse(text) as { file?: string; line?: number; code: string; message: string };
    const snippet = error.file === undefined ? undefined : byFile.get(error.file);
    if (snippet === undefined) {
      general.push(
        `${error.file ?? 'tsconfig'}${error.line ? `:${error.line}` : ''}: ${error.message} (${error.code})`,
      );
      continue;
    }
    const list = bySnippet.get(snippet) ?? [];
    list.push(`${snippet.file}:${snippet.line + (error.line ?? 1)}: ${error.message} (${error.code})`);
    bySnippet.set(snippet, list);
  }
  return { bySnippet, general };
}
