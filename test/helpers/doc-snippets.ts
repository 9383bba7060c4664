/**
 * The TypeScript and JavaScript blocks of README.md and docs/**\/*.md, each with what its info
 * string asks for (docs/testing.md, "Snippets in these docs"):
 *
 *     ```ts                 run against the shared OVN sandbox (NB, SB, ovn-northd)
 *     ```ts env=raft        run with NB and SB as 3-member raft clusters
 *     ```ts env=ic          run on the two-AZ OVN-IC lab
 *     ```ts env=none        run with no shared servers (the block starts its own, or needs none)
 *     ```ts fragment        type-checked only; may use the names of fragment-context.ts
 *     ```ts timeout=60      the run's bound in seconds (default 30)
 *
 * Blocks in other languages (sh, console, yaml, json...) are not snippets.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type FencedBlock, fencedBlocks } from './markdown-fences.js';

/** Where a run block's servers come from. */
export type SnippetEnv = 'ovn' | 'raft' | 'ic' | 'none';

/** One TS/JS block of the docs. */
export interface Snippet {
  /** The markdown file, relative to the repository (`docs/replica.md`). */
  readonly file: string;
  /** Line of the opening fence; code line `n` (1-based) is markdown line `line + n`. */
  readonly line: number;
  readonly language: 'ts' | 'js';
  /** Only type-checked. */
  readonly fragment: boolean;
  /** For run blocks: the shared servers it runs against. */
  readonly env: SnippetEnv;
  /** For run blocks: how long the run may take. */
  readonly timeoutMs: number;
  readonly code: string;
  /** What is wrong with the info string (an unknown attribute or value): such a block fails. */
  readonly problems: readonly string[];
}

/** A block the harness refuses to leave uncovered: a JS-like language it does not run, or code without one. */
export interface UncoveredBlock {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

const LANGUAGES: Readonly<Record<string, 'ts' | 'js'>> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
};
/** Languages that are TypeScript or JavaScript too but that the harness would not check. */
const UNSUPPORTED = new Set(['tsx', 'jsx', 'mts', 'cts', 'mjs', 'cjs', 'node', 'es6', 'ecmascript']);
const ENVS: readonly SnippetEnv[] = ['ovn', 'raft', 'ic', 'none'];
const DEFAULT_TIMEOUT_MS = 30_000;

/** README.md and every markdown file under docs/ (the generated docs/api/ left out), sorted. */
export function docFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (relative(root, path) !== join('docs', 'api')) walk(path);
      } else if (name.endsWith('.md')) found.push(relative(root, path));
    }
  };
  walk(join(root, 'docs'));
  return ['README.md', ...found];
}

/** The snippets of one markdown file, and the blocks that are neither snippets nor plainly not code. */
export function snippetsOf(file: string, text: string): { snippets: Snippet[]; uncovered: UncoveredBlock[] } {
  const snippets: Snippet[] = [];
  const uncovered: UncoveredBlock[] = [];
  for (const block of fencedBlocks(text)) {
    const [word = '', ...attributes] = block.info.split(/\s+/).filter((t) => t !== '');
    const language = LANGUAGES[word.toLowerCase()];
    if (language !== undefined) snippets.push(snippet(file, block, language, attributes));
    else if (UNSUPPORTED.has(word.toLowerCase())) {
      uncovered.push({
        file,
        line: block.line,
        reason: `\`${word}\` blocks are not checked: write ts or js`,
      });
    } else if (word === '' && /\b(from\s+|import\(\s*|require\(\s*)['"]ovndb/.test(block.code)) {
      uncovered.push({
        file,
        line: block.line,
        reason: 'code importing ovndb in a block without a language',
      });
    }
  }
  return { snippets, uncovered };
}

function snippet(file: string, block: FencedBlock, language: 'ts' | 'js', attributes: string[]): Snippet {
  const problems: string[] = [];
  let fragment = false;
  let env: SnippetEnv = 'ovn';
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  for (const attribute of attributes) {
    const [key, value] = attribute.split('=', 2);
    if (attribute === 'fragment') fragment = true;
    else if (key === 'env' && ENVS.includes(value as SnippetEnv)) env = value as SnippetEnv;
    else if (key === 'timeout' && Number(value) > 0) timeoutMs = Number(value) * 1000;
    else
      problems.push(
        `unknown attribute \`${attribute}\` (known: fragment, env=${ENVS.join('|')}, timeout=SECONDS)`,
      );
  }
  if (fragment && attributes.some((a) => a !== 'fragment')) {
    problems.push('a fragment is not run: env= and timeout= do not apply');
  }
  return { file, line: block.line, language, fragment, env, timeoutMs, code: block.code, problems };
}

/** Every snippet and uncovered block of README.md and docs/. */
export function collectSnippets(root: string): { snippets: Snippet[]; uncovered: UncoveredBlock[] } {
  const snippets: Snippet[] = [];
  const uncovered: UncoveredBlock[] = [];
  for (const file of docFiles(root)) {
    const found = snippetsOf(file, readFileSync(join(root, file), 'utf8'));
    snippets.push(...found.snippets);
    uncovered.push(...found.uncovered);
  }
  return { snippets, uncovered };
}

/** `file:line` of the opening fence, as failures name a block. */
export function snippetName(s: { file: string; line: number }): string {
  return `${s.file}:${s.line}`;
}
