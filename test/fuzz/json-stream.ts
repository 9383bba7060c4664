/**
 * Arbitraries for byte streams as an OVSDB peer sends them: JSON frames back to back, cut
 * into chunks anywhere (inside a UTF-8 character too), and the same streams damaged the ways
 * a broken or hostile peer damages them.
 */
import fc from 'fast-check';

/** A stream of frames and where each ends. */
export interface FrameStream {
  /** The values sent, one per frame. */
  readonly values: unknown[];
  /** The text of each frame as sent. */
  readonly texts: string[];
  /** The whole stream, UTF-8. */
  readonly bytes: Buffer;
  /** Byte offset just past each frame. */
  readonly ends: number[];
}

// Strings that stress the splitter: brackets and quotes inside strings, escapes, multi-byte
// characters, a lone surrogate (which JSON.stringify escapes).
const trickyStrings = [
  '{',
  '}',
  '[[',
  ']]}',
  '"',
  '\\',
  '\\"',
  'ünïcødé',
  '𝄞',
  '日本語',
  '\ud800',
  '\n\t',
  '__proto__',
];
// Strings that look like the segmented frame's placeholders ("\u0000<i>", "\u0000w<j>").
const nulStrings = ['\u0000', '\u00000', '\u0000w0', '\u00001x'];

const notNulFirst = (s: string) => s.charCodeAt(0) !== 0;

function jsonValues(withNulStrings: boolean): fc.Arbitrary<unknown> {
  const text = fc.oneof(
    { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 3 },
    { arbitrary: fc.constantFrom(...trickyStrings, ...(withNulStrings ? nulStrings : [])), weight: 1 },
  );
  const string = withNulStrings ? text : text.filter(notNulFirst);
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1e308, -1e-308, 2 ** 63, 2 ** 53 + 2),
      string,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(string, tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}

/** JSON values with hostile strings in keys and values, some starting with NUL. */
export const jsonValue = jsonValues(true);
/** The same without strings that start with NUL (which no OVSDB value holds). */
export const jsonValueWithoutNul = jsonValues(false);

/** A value that can be a frame (an object or an array at the top) holding `values`. */
export function frameOf(values: fc.Arbitrary<unknown>, withNulKeys: boolean): fc.Arbitrary<unknown> {
  const key = fc.string({ unit: 'binary', maxLength: 8 });
  return fc.oneof(
    fc.array(values, { maxLength: 6 }),
    fc.dictionary(withNulKeys ? key : key.filter(notNulFirst), values, { maxKeys: 6 }),
  );
}

/** A value that can be a frame, any strings in it. */
export const frameValue = frameOf(jsonValue, true);
/** A value that can be a frame, no string in it starting with NUL. */
export const frameValueWithoutNul = frameOf(jsonValueWithoutNul, false);

const indent = fc.constantFrom<string | number>(0, 0, 0, 1, 2, '\t');
const whitespace = fc.stringMatching(/^[ \t\r\n]{0,3}$/);

/** One to `maxFrames` frames, pretty-printed or not, with whitespace between them. */
export function frameStream(
  values: fc.Arbitrary<unknown> = frameValue,
  maxFrames = 5,
): fc.Arbitrary<FrameStream> {
  return fc
    .array(fc.tuple(values, indent, whitespace), { minLength: 1, maxLength: maxFrames })
    .map((frames) => {
      const parts: Buffer[] = [];
      const texts: string[] = [];
      const ends: number[] = [];
      let at = 0;
      for (const [value, space, gap] of frames) {
        const text = JSON.stringify(value, null, space);
        const bytes = Buffer.from(text + gap, 'utf8');
        texts.push(text);
        parts.push(bytes);
        ends.push(at + Buffer.byteLength(text, 'utf8'));
        at += bytes.length;
      }
      return { values: frames.map(([v]) => v), texts, bytes: Buffer.concat(parts), ends };
    });
}

/** Cut points for chunking a stream, as fractions of its length (so they shrink well). */
export const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

/** `bytes` cut at `fractions` of its length; chunks may be empty. */
export function chunked(bytes: Uint8Array, fractions: readonly number[]): Buffer[] {
  const points = fractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(Buffer.from(bytes.subarray(from, p)));
    from = p;
  }
  return chunks;
}

// Bytes that mean something to a JSON framer or a UTF-8 decoder.
const loadedByte = fc.constantFrom<number>(
  0x7b,
  0x7d,
  0x5b,
  0x5d,
  0x22,
  0x5c,
  0x3a,
  0x2c,
  0x20,
  0x0a,
  0x00,
  0x01,
  0x1f,
  0x61,
  0x30,
  0x80,
  0xbf,
  0xc0,
  0xc1,
  0xc3,
  0xe2,
  0xed,
  0xf0,
  0xf4,
  0xf8,
  0xff,
);

// Pieces that mean something to a JSON framer or a UTF-8 decoder.
const token = fc.constantFrom(
  '{',
  '[',
  '}',
  '}',
  ']',
  ']',
  '"',
  '"',
  '\\',
  '\\"',
  ':',
  ',',
  ' ',
  '\n',
  'a',
  '1',
  'ü',
  '𝄞',
);
const rawByte = fc.integer({ min: 0, max: 255 }).map((b) => Buffer.from([b]));

/**
 * Byte strings made of framer tokens and random bytes, starting with a bracket: random input
 * that gets past the first byte and forms frames, nested or not, some of the time.
 */
export const noisyBytes = fc
  .tuple(
    fc.constantFrom('{', '['),
    fc.array(
      fc.oneof({ arbitrary: token.map((t) => Buffer.from(t)), weight: 4 }, { arbitrary: rawByte, weight: 1 }),
      { maxLength: 120 },
    ),
  )
  .map(([first, rest]) => Buffer.concat([Buffer.from(first), ...rest]));

// Sequences no valid UTF-8 holds: a lone continuation byte, an overlong encoding, a truncated
// character, an encoded surrogate, a code point past U+10FFFF, bytes never used.
const invalidUtf8 = fc.constantFrom<number[]>(
  [0x80],
  [0xc0, 0x80],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff],
  [0xfe],
);

/** One way of damaging a stream; `at` is a fraction of the stream's length. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number };

const at = fc.double({ min: 0, max: 1, noNaN: true });

/** A random damage: bit flip, truncation, garbage, NUL, control bytes, invalid UTF-8, a gap. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({
    kind: fc.constant('insert' as const),
    at,
    bytes: fc.array(loadedByte, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.constant<number[]>([0x00]) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at,
    bytes: fc.constantFrom<number[]>([0x0a], [0x09], [0x1f]),
  }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: invalidUtf8 }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 8 }) }),
);

/** `bytes` with `mutations` applied in order; also returns the first offset that differs. */
export function mutate(
  bytes: Buffer,
  mutations: readonly Mutation[],
): { bytes: Buffer; firstChange: number } {
  let out = Buffer.from(bytes);
  let firstChange = Number.POSITIVE_INFINITY;
  for (const m of mutations) {
    const p = Math.min(out.length, Math.floor(m.at * out.length));
    switch (m.kind) {
      case 'flip':
        if (p >= out.length) continue;
        out[p] = (out[p] as number) ^ (1 << m.bit);
        break;
      case 'truncate':
        out = out.subarray(0, p);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, p), Buffer.from(m.bytes), out.subarray(p)]);
        break;
      case 'delete':
        if (p >= out.length) continue;
        out = Buffer.concat([out.subarray(0, p), out.subarray(p + m.length)]);
        break;
    }
    firstChange = Math.min(firstChange, p);
  }
  return { bytes: out, firstChange };
}
