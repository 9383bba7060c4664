/**
 * Splits a match expression into tokens as OVN's lexer does: the same token boundaries, the
 * same comments (`//` to the end of the line, `/* ... *\/` on one line), the same numeric and
 * string forms. What it cannot read becomes an `error` token, reported only if the parser
 * reaches it (as in OVN, where the first problem met is the one reported).
 */
import { scanNumber } from './number-token.js';
import type { Punctuation, Token } from './tokens.js';

/** The C library's isspace() in the "C" locale. */
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const HEX_DIGIT = /[0-9a-fA-F]/;

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_.]/.test(c);
}

function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_.]/.test(c);
}

/** Every token of `text`, ending with an `end` token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  for (;;) {
    const token = nextToken(text, position);
    tokens.push(token);
    if (token.kind === 'end') return tokens;
    // An error token may be empty (`/*` never closed): step over one character at least.
    position = Math.max(token.end, token.start + 1);
  }
}

/** Skips white space and comments; a comment left open is returned as an error token. */
function skipBlank(text: string, position: number): number | Token {
  for (;;) {
    const c = text[position];
    if (c !== undefined && WHITESPACE.has(c)) position++;
    else if (c === '/' && text[position + 1] === '/') {
      const newline = text.indexOf('\n', position);
      position = newline === -1 ? text.length : newline;
    } else if (c === '/' && text[position + 1] === '*') {
      const close = text.indexOf('*/', position + 2);
      const newline = text.indexOf('\n', position + 2);
      // OVN's block comments end at the line's end: one spanning lines is not closed.
      if (close === -1 || (newline !== -1 && newline < close)) {
        const end = newline === -1 ? text.length : newline;
        return { kind: 'error', start: position, end, message: 'the comment `/*` is not closed on its line' };
      }
      position = close + 2;
    } else return position;
  }
}

function nextToken(text: string, from: number): Token {
  const start = skipBlank(text, from);
  if (typeof start !== 'number') return start;
  const c = text[start];
  const next = text[start + 1];
  const punctuation = (kind: Punctuation, length: number): Token => ({ kind, start, end: start + length });
  const error = (message: string, end = start + 1): Token => ({ kind: 'error', start, end, message });
  switch (c) {
    case undefined:
      return { kind: 'end', start, end: start };
    case '(':
    case ')':
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case ';':
      return punctuation(c, 1);
    case '=':
      return next === '=' ? punctuation('==', 2) : punctuation('=', 1);
    case '!':
      return next === '=' ? punctuation('!=', 2) : punctuation('!', 1);
    case '&':
      return next === '&' ? punctuation('&&', 2) : error('`&` is only valid as part of `&&`');
    case '|':
      return next === '|' ? punctuation('||', 2) : error('`|` is only valid as part of `||`');
    case '<':
      if (next === '=') return punctuation('<=', 2);
      return next === '-' && text[start + 2] === '>' ? punctuation('<->', 3) : punctuation('<', 1);
    case '>':
      return next === '=' ? punctuation('>=', 2) : punctuation('>', 1);
    case '.':
      return next === '.' ? punctuation('..', 2) : error('`.` is only valid as part of `..` or a number');
    case '-':
      return next === '-' ? punctuation('--', 2) : punctuation('-', 1);
    case '/':
      return error('`/` is only valid as part of `//` or `/*` (or a mask right after a number)');
    case '$':
      return prefixedName(text, start, 'address-set');
    case '@':
      return prefixedName(text, start, 'port-group');
    case '^':
      return prefixedName(text, start, 'template');
    case '"':
      return quotedString(text, start);
    case ':':
      return next === ':' ? numberToken(text, start) : punctuation(':', 1);
  }
  if (c >= '0' && c <= '9') return numberToken(text, start);
  if (HEX_DIGIT.test(c)) {
    // Hex digits then a colon start a MAC or IPv6 address; a name never has a colon.
    let end = start;
    while (HEX_DIGIT.test(text[end] ?? '')) end++;
    if (text[end] === ':') return numberToken(text, start);
  }
  if (isNameStart(c)) {
    const end = nameEnd(text, start);
    return { kind: 'id', start, end, name: text.slice(start, end) };
  }
  const codePoint = text.codePointAt(start) as number;
  const width = codePoint > 0xffff ? 2 : 1;
  return error(`unexpected character ${JSON.stringify(String.fromCodePoint(codePoint))}`, start + width);
}

function nameEnd(text: string, start: number): number {
  let end = start + 1;
  while (isNameChar(text[end])) end++;
  return end;
}

function prefixedName(text: string, start: number, kind: 'address-set' | 'port-group' | 'template'): Token {
  const sign = text[start] as string;
  if (!isNameStart(text[start + 1]))
    return { kind: 'error', start, end: start + 1, message: `\`${sign}\` must be followed by a name` };
  const end = nameEnd(text, start + 1);
  return { kind, start, end, name: text.slice(start + 1, end) };
}

function numberToken(text: string, start: number): Token {
  const scanned = scanNumber(text, start);
  return 'number' in scanned
    ? { kind: 'number', start, end: scanned.end, number: scanned.number }
    : { kind: 'error', start, end: scanned.end, message: scanned.error };
}

/** A string runs to the next unescaped quote; its escapes are JSON's. */
function quotedString(text: string, start: number): Token {
  let end = start + 1;
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
  if (end >= text.length)
    return { kind: 'error', start, end: text.length, message: 'the quoted string is not closed' };
  const value = unescapeJson(text.slice(start + 1, end));
  return typeof value === 'string'
    ? { kind: 'string', start, end: end + 1, value }
    : { kind: 'error', start, end: end + 1, message: value.error };
}

function hex4(text: string, at: number): number | { error: string } {
  const digits = text.slice(at, at + 4);
  if (digits.length < 4) return { error: 'the string ends inside a \\u escape' };
  if (!/^[0-9a-fA-F]{4}$/.test(digits)) return { error: `malformed \\u escape \\u${digits}` };
  const value = Number.parseInt(digits, 16);
  return value === 0 ? { error: 'a string may not contain a null character (\\u0000)' } : value;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function unescapeJson(body: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const escaped = body[i + 1] as string;
    const simple = SIMPLE_ESCAPES[escaped];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    if (escaped !== 'u') return { error: `bad escape \\${escaped} in a quoted string` };
    const first = hex4(body, i + 2);
    if (typeof first !== 'number') return first;
    i += 6;
    if (first < 0xd800 || first > 0xdbff) {
      out += String.fromCharCode(first);
      continue;
    }
    // A leading surrogate must be followed by its trailing half, as a second \u escape.
    if (body[i] !== '\\' || body[i + 1] !== 'u') return { error: 'malformed escaped surrogate pair' };
    const second = hex4(body, i + 2);
    if (typeof second !== 'number') return second;
    if (second < 0xdc00 || second > 0xdfff)
      return { error: 'the second half of an escaped surrogate pair is not a trailing surrogate' };
    out += String.fromCharCode(first, second);
    i += 6;
  }
  return out;
}
