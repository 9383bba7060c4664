/**
 * Writes each doc snippet to a file of its own inside the repository (so that `ovndb`,
 * `ovndb/nb`... resolve to the source through the package's own `exports`), in a directory
 * git ignores, and removes it afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { Snippet } from './doc-snippets.js';
import { fragmentContextModule, fragmentPrelude } from './fragment-context.js';

/** The snippets' files. */
export interface SnippetWorkspace {
  /** The directory of this run, absolute. */
  readonly dir: string;
  /** The file each snippet was written to, absolute. */
  readonly files: ReadonlyMap<Snippet, string>;
  /** The declarations of the names fragments may use (fragment-context.ts). */
  readonly contextFile: string;
  /** Removes the directory. */
  remove(): void;
}

/** Where workspaces go: a dot directory that tsc's and biome's globs leave out and git ignores. */
export const WORKSPACE_ROOT = '.doc-snippets';

/** Writes every snippet under `<root>/.doc-snippets/<unique>/`. */
export function writeSnippets(root: string, snippets: readonly Snippet[]): SnippetWorkspace {
  const parent = join(root, WORKSPACE_ROOT);
  mkdirSync(parent, { recursive: true });
  writeFileSync(join(parent, '.gitignore'), '*\n');
  const dir = mkdtempSync(join(parent, 'run-'));
  const contextFile = join(dir, 'fragment-context.d.ts');
  writeFileSync(contextFile, fragmentContextModule());
  const files = new Map<Snippet, string>();
  for (const snippet of snippets) {
    const base = `${snippet.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${snippet.line}`;
    const path = join(dir, `${base}${extension(snippet)}`);
    const prelude = snippet.fragment && snippet.language === 'ts' ? fragmentPrelude(snippet.code) : '';
    writeFileSync(path, `${prelude}${snippet.code}\n`);
    files.set(snippet, path);
  }
  return { dir, files, contextFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * TypeScript blocks are ES modules (`.ts` in this `"type": "module"` package). A JavaScript
 * block is a CommonJS script (`.cjs`) when it has neither import/export statements nor a
 * top-level `await`, as Node reads such a file outside an ES module package; else `.mjs`.
 */
function extension(snippet: Snippet): string {
  if (snippet.language === 'ts') return '.ts';
  const source = ts.createSourceFile(
    'block.js',
    snippet.code,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  );
  return source.statements.some(isModuleSyntax) || hasTopLevelAwait(source) ? '.mjs' : '.cjs';
}

function isModuleSyntax(statement: ts.Statement): boolean {
  return (
    ts.isImportDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement) ||
    (ts.canHaveModifiers(statement) &&
      (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
  );
}

function hasTopLevelAwait(node: ts.Node): boolean {
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
    return true;
  }
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, hasTopLevelAwait) ?? false;
}
