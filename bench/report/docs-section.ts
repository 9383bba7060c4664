/**
 * Writing a run's results into docs/benchmarks.md: each benchmark owns a section between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, replaced whole on each run, so the
 * hand-written prose around it stays and the figures never go stale half-way.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** The markers of section `name`. */
export function sectionMarkers(name: string): { start: string; end: string } {
  if (!/^[a-z0-9-]+$/.test(name))
    throw new RangeError(`section name ${JSON.stringify(name)}: use a-z, 0-9 and -`);
  return { start: `<!-- bench:${name} -->`, end: `<!-- /bench:${name} -->` };
}

/**
 * `text` with section `name` replaced by `body` (appended at the end when the section is not
 * there yet). Throws RangeError when the markers are out of order or repeated.
 */
export function replaceSection(text: string, name: string, body: string): string {
  const { start, end } = sectionMarkers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  if (from < 0 && to < 0) return `${text.trimEnd()}\n\n${block}\n`;
  if (from < 0 || to < from || text.indexOf(start, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0) {
    throw new RangeError(`section ${name}: its markers are missing, repeated or out of order`);
  }
  return text.slice(0, from) + block + text.slice(to + end.length);
}

/** Replaces section `name` of the markdown file `path` with `body`. */
export function writeSection(path: string, name: string, body: string): void {
  writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), name, body));
}
