/**
 * Docs are code: every ts/js block of README.md and docs/**\/*.md is type-checked in strict
 * mode, importing the package by its name, and every block not marked `fragment` runs to the
 * end as a program of its own (exit 0 within its bound) against real servers: an OVN sandbox
 * by default, a raft or OVN-IC lab with `env=raft` / `env=ic`, nothing with `env=none`. The
 * conventions are in docs/testing.md ("Snippets in these docs") and test/helpers/doc-snippets.ts.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectSnippets, type Snippet, snippetName } from '../helpers/doc-snippets.js';
import { labVariableNames, SnippetEnvs } from '../helpers/snippet-envs.js';
import { runSnippet } from '../helpers/snippet-run.js';
import { type SnippetTypeErrors, typecheckSnippets } from '../helpers/snippet-typecheck.js';
import { writeSnippets } from '../helpers/snippet-workspace.js';

const root = resolve(import.meta.dirname, '../..');
/** Blocks running at once (each a node process; the machine has two cores). */
const CONCURRENCY = 3;

const { snippets, uncovered } = collectSnippets(root);
const workspace = writeSnippets(root, snippets);
const envs = new SnippetEnvs({ ovn: 2 });
const inheritedLabVariables = labVariableNames(process.env);
let typecheck: Promise<SnippetTypeErrors>;

describe('the docs snippets', { concurrency: CONCURRENCY }, () => {
  before(() => {
    // One tsc run for every block, alongside the runs; the type-check tests await it.
    typecheck = typecheckSnippets(root, workspace);
    typecheck.catch(() => undefined);
  });
  after(async () => {
    await envs.stop();
    workspace.remove();
  });

  test('every ts/js block is run or marked as a fragment', (t) => {
    assert.ok(snippets.length > 40, `the scan finds the blocks (${snippets.length})`);
    const perFile = new Map<string, { run: number; fragment: number }>();
    for (const s of snippets) {
      const counts = perFile.get(s.file) ?? { run: 0, fragment: 0 };
      counts[s.fragment ? 'fragment' : 'run'] += 1;
      perFile.set(s.file, counts);
    }
    for (const [file, { run, fragment }] of perFile)
      t.diagnostic(`${file}: ${run} run, ${fragment} fragment`);
    const problems = [
      ...uncovered.map((u) => `${snippetName(u)}: ${u.reason}`),
      ...snippets.flatMap((s) => s.problems.map((p) => `${snippetName(s)}: ${p}`)),
    ];
    assert.deepEqual(problems, []);
  });

  // Runs first (the longest-bound first), so that the type-check runs alongside them.
  const runs = snippets.filter((s) => !s.fragment).sort((a, b) => b.timeoutMs - a.timeoutMs);
  for (const snippet of runs) {
    test(`${snippetName(snippet)} runs (env=${snippet.env})`, {
      timeout: snippet.timeoutMs + 60_000,
    }, async (t) => {
      const file = workspace.files.get(snippet) as string;
      const outcome = await envs.use(snippet.env, (env) =>
        runSnippet(file, { cwd: root, env, unset: inheritedLabVariables, timeoutMs: snippet.timeoutMs }),
      );
      // OVNDB_SNIPPET_OUTPUT=1 shows what each block printed, to check the docs' `// ...` comments against.
      if (process.env.OVNDB_SNIPPET_OUTPUT === '1') {
        for (const line of outcome.output.trimEnd().split('\n')) t.diagnostic(line);
      }
      if (outcome.code === 0 && !outcome.timedOut) return;
      const how = outcome.timedOut
        ? `did not end within ${snippet.timeoutMs / 1000} s`
        : `exit code ${outcome.code}${EXIT_CODES[outcome.code ?? -1] ?? ''}`;
      const output = markdownLines(outcome.output, file, snippet).trimEnd().split('\n').slice(-40).join('\n');
      assert.fail(`${snippetName(snippet)}: ${how} after ${outcome.durationMs} ms\n${output}`);
    });
  }

  for (const snippet of snippets) {
    test(`${snippetName(snippet)} type-checks${snippet.fragment ? ' (fragment)' : ''}`, {
      timeout: 180_000,
    }, async () => {
      const { bySnippet, general } = await typecheck;
      const errors = [...general, ...(bySnippet.get(snippet) ?? [])];
      if (errors.length > 0) assert.fail(errors.join('\n'));
    });
  }
});

/** What Node's own exit codes mean, for a failure that printed nothing. */
const EXIT_CODES: Record<number, string> = {
  13: ' (a top-level await never settled: the event loop ran empty while it waited)',
};

/** Points `file:LINE:COL` of a stack trace at the markdown line it came from. */
function markdownLines(output: string, file: string, snippet: Snippet): string {
  return output.replaceAll(
    new RegExp(`(?:file://)?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)(?::\\d+)?`, 'g'),
    (_, line: string) => `${snippet.file}:${snippet.line + Number(line)}`,
  );
}
