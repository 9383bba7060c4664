/**
 * The documentation pointers in the `ovndb` command's help, for the packed-install test. docs/
 * is not in the package, so a pointer must be a URL under the package's homepage
 * (`.../blob/main/PATH`) whose PATH exists in this repository; a bare `docs/...` path would
 * name a file the user does not have.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The sub-command names listed in the "Commands:" section of commander's help. */
function subcommands(help: string): string[] {
  const section = /^Commands:\n((?: {2}.*\n?)*)/m.exec(help)?.[1] ?? '';
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] as string).filter((name) => name !== 'help');
}

/** `BIN [WORDS...] --help` for the program and every command under it, keyed by command line. */
export async function allHelp(bin: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  let level: string[][] = [[]];
  while (level.length > 0) {
    const next: string[][] = [];
    const outputs = await Promise.all(level.map((words) => run(bin, [...words, '--help'])));
    for (const [i, { stdout, stderr }] of outputs.entries()) {
      const words = level[i] as string[];
      texts.set(['ovndb', ...words, '--help'].join(' '), stdout + stderr);
      for (const name of subcommands(stdout)) next.push([...words, name]);
    }
    level = next;
  }
  return texts;
}

/** What the pointers in `texts` are, and which of them do not resolve. */
export function docPointers(
  texts: Map<string, string>,
  homepage: string,
  repoRoot: string,
): { resolved: string[]; problems: string[] } {
  const repository = homepage.replace(/#.*$/, '');
  const blobMain = `${repository}/blob/main/`;
  const resolved: string[] = [];
  const problems: string[] = [];
  for (const [line, text] of texts) {
    for (const match of text.matchAll(/https?:\/\/[^\s<>()'"`]+/g)) {
      const url = match[0].replace(/[.,;:]+$/, '');
      if (url.replace(/[#?].*$/, '') === repository) {
        resolved.push(url);
        continue;
      }
      if (!url.startsWith(blobMain)) {
        // Another page of the repository (a tree, an issue) is not checked here: flag it.
        if (url.startsWith(repository)) problems.push(`${line}: ${url} is not under ${blobMain}`);
        continue;
      }
      const path = decodeURIComponent(url.slice(blobMain.length).replace(/[#?].*$/, ''));
      if (existsSync(resolve(repoRoot, path))) resolved.push(url);
      else problems.push(`${line}: ${url} names ${path}, which is not in the repository`);
    }
    const outsideUrls = text.replace(/https?:\/\/\S+/g, '');
    for (const m of outsideUrls.matchAll(/(?<![\w./-])(?:\.\/)?docs\/[\w./-]*\w/g)) {
      problems.push(`${line}: ${m[0]} is not in the installed package`);
    }
  }
  return { resolved, problems };
}
