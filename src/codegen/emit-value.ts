import { quoteString } from './ir.js';

/** Line width of the project's formatter (biome.json). Generated code stays within it. */
export const LINE_WIDTH = 110;

const IDENTIFIER_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isContainer(v: unknown): v is Json[] | Record<string, Json> {
  return typeof v === 'object' && v !== null;
}

function entryCount(v: Json[] | Record<string, Json>): number {
  return Array.isArray(v) ? v.length : Object.keys(v).length;
}

function numberText(n: number): string {
  // The formatter drops `+` from exponents and prints lowercase `e`.
  return String(n).replace('e+', 'e');
}

function keyText(key: string): string {
  return IDENTIFIER_RE.test(key) ? key : quoteString(key);
}

function flat(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, e]) => `${keyText(k)}: ${flat(e)}`).join(', ')} }`;
}

// The formatter always breaks an array of two or more arrays (or objects) of two or more
// entries each, one per line, and a forced break breaks every enclosing literal too.
function mustBreak(v: Json): boolean {
  if (!isContainer(v)) return false;
  if (Array.isArray(v) && v.length > 1) {
    const first = v[0];
    const sameKind = (e: Json): boolean =>
      isContainer(e) && Array.isArray(e) === Array.isArray(first) && entryCount(e) > 1;
    if (v.every(sameKind)) return true;
  }
  return (Array.isArray(v) ? v : Object.values(v)).some(mustBreak);
}

/**
 * Prints a JSON value as a TypeScript literal exactly as the project's formatter would:
 * on one line when it fits in the width left (`column` characters are already used and
 * `suffixLength` characters follow it), otherwise one entry per line with trailing
 * commas; arrays of numbers are filled line by line.
 */
export function emitValue(value: unknown, indent: number, column: number, suffixLength: number): string {
  return render(value as Json, indent, column, suffixLength);
}

function render(v: Json, indent: number, column: number, suffixLength: number): string {
  const one = flat(v);
  if (!isContainer(v) || entryCount(v) === 0) return one;
  if (column + one.length + suffixLength <= LINE_WIDTH && !mustBreak(v)) return one;
  const inner = indent + 2;
  const pad = ' '.repeat(inner);
  const close = ' '.repeat(indent) + (Array.isArray(v) ? ']' : '}');
  if (Array.isArray(v)) {
    if (v.every((e) => typeof e === 'number')) return `[\n${fill(v.map(flat), inner)}\n${close}`;
    const lines = v.map((e) => `${pad}${render(e, inner, inner, 1)},`);
    return `[\n${lines.join('\n')}\n${close}`;
  }
  const lines = Object.entries(v).map(([k, e]) => {
    const key = `${keyText(k)}: `;
    return `${pad}${key}${render(e, inner, inner + key.length, 1)},`;
  });
  return `{\n${lines.join('\n')}\n${close}`;
}

function fill(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? `${item},` : `${line} ${item},`;
    if (line !== '' && indent + next.length > LINE_WIDTH) {
      lines.push(line);
      line = `${item},`;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}
