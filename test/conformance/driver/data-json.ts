/**
 * JSON reading and printing the way Open vSwitch's Python tools do, so the driver's
 * output compares byte for byte with test-ovsdb.py: integers keep all 64 bits (bigint
 * beyond 2^53), negative zero reads as 0, and printing is Python's
 * `json.dumps(sort_keys=True, separators=(",", ":"))` with its ASCII-only escaping
 * and float `repr`.
 */
import { compareCodePoints } from '../../../src/protocol/string-order.js';

/** A JSON syntax error in driver input. */
export class JsonSyntaxError extends Error {}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const WS_RE = /[ \t\n\r]*/y;

/** Parses `text` as one JSON value (any value at top level; trailing garbage rejected). */
export function parseJson(text: string): unknown {
  const reader = new Reader(text);
  const value = reader.value();
  reader.space();
  if (reader.pos !== text.length) throw new JsonSyntaxError('trailing garbage at end of input');
  return value;
}

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  space(): void {
    WS_RE.lastIndex = this.pos;
    WS_RE.exec(this.text);
    this.pos = WS_RE.lastIndex;
  }

  value(depth = 0): unknown {
    if (depth > 1000) throw new JsonSyntaxError('input exceeds maximum nesting depth 1000');
    this.space();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    throw new JsonSyntaxError(`syntax error at offset ${this.pos}`);
  }

  private expect(c: string): void {
    this.space();
    if (this.text[this.pos] !== c) throw new JsonSyntaxError(`expected '${c}' at offset ${this.pos}`);
    this.pos++;
  }

  private peek(): string | undefined {
    this.space();
    return this.text[this.pos];
  }

  private object(depth: number): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.peek() !== '"') throw new JsonSyntaxError('syntax error parsing object expecting string');
      const key = this.string();
      this.expect(':');
      out[key] = this.value(depth + 1);
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect('}');
    return out;
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    if (this.peek() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect(']');
    return out;
  }

  private string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c)) throw new JsonSyntaxError('unterminated string');
      if (c === 0x5c) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    this.pos = i + 1;
    return JSON.parse(this.text.slice(start, i + 1)) as string;
  }

  private number(): number | bigint {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (m === null) throw new JsonSyntaxError(`syntax error in number at offset ${this.pos}`);
    this.pos = NUMBER_RE.lastIndex;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      if (Number.isSafeInteger(n)) return n + 0;
      const big = BigInt(m[0]);
      // Like OVS, integers that do not fit in 64 bits become reals.
      return big >= -(2n ** 63n) && big < 2n ** 63n ? big : n;
    }
    const n = Number(m[0]);
    if (!Number.isFinite(n)) throw new JsonSyntaxError('number outside valid range');
    return n + 0;
  }
}

/** Prints `value` as Python's `ovs.json.to_string` does (sorted keys, compact, ASCII). */
export function printJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) out.push('null');
  else if (typeof value === 'boolean') out.push(value ? 'true' : 'false');
  else if (typeof value === 'bigint') out.push(value.toString());
  else if (typeof value === 'number') out.push(printNumber(value));
  else if (typeof value === 'string') out.push(printString(value));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      write(v, out);
    });
    out.push(']');
  } else {
    const obj = value as Record<string, unknown>;
    out.push('{');
    Object.keys(obj)
      .sort(compareCodePoints)
      .forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(printString(k), ':');
        write(obj[k], out);
      });
    out.push('}');
  }
}

/**
 * Integral values within +-2^53 print as integers (OVS turns such reals into ints);
 * anything else as Python's float `repr`: shortest round-trip digits, exponent form
 * below 1e-4 or from 1e16.
 */
export function printNumber(x: number): string {
  if (Number.isInteger(x) && x >= -(2 ** 53) && x < 2 ** 53) return String(x + 0);
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const [mantissa = '', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}.${frac === '' ? '0' : frac}`;
}

const SHORT_ESCAPES: Record<number, string> = {
  34: '\\"',
  92: '\\\\',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
};

/** A JSON string literal with Python's `ensure_ascii` escaping. */
export function printString(s: string): string {
  const parts: string[] = ['"'];
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    parts.push(s.slice(run, i), SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    run = i + 1;
  }
  parts.push(s.slice(run), '"');
  return parts.join('');
}
