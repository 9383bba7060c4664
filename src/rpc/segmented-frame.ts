/**
 * A big JSON frame kept as bytes, with the byte ranges of its values at one depth (the rows
 * of a monitor reply) and of their parent objects, recorded by the splitter while it scanned
 * them. Its outline (the frame with each such value replaced by a placeholder) is small and
 * parses quickly; each value is parsed only when asked for. An object with many such values
 * (a table of 100,000 rows) is cut out whole and read member by member, its keys taken from
 * the bytes between the values. So a 100,000-row initial dump never exists as one parsed tree
 * or one string: rows can be parsed and applied a slice at a time, with the event loop free in
 * between, and the memory of applied rows is reclaimed as the replica goes.
 */
import { randomBytes } from 'node:crypto';
import type { LazyObject, LazyReply } from '../protocol/lazy-reply.js';
import type { ChunkedBytes } from './chunked-bytes.js';
import { parsePiecewise } from './piecewise-parse.js';
import { BadFrameError } from './rpc-errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the splitter recorded about a frame: cut values and their parent objects. */
export interface FrameLayout {
  /** Start offsets of the values at the cut depth, ascending. */
  readonly starts: ReadonlyArray<number>;
  /** End offsets (exclusive), one per start. */
  readonly ends: ReadonlyArray<number>;
  /** Start offsets of the values one level up (their parents), ascending. */
  readonly parentStarts: ReadonlyArray<number>;
  /** End offsets (exclusive) of the parents. */
  readonly parentEnds: ReadonlyArray<number>;
  /** Index (into `starts`) of each parent's first cut value. */
  readonly parentFirst: ReadonlyArray<number>;
  /** Number of cut values directly inside each parent. */
  readonly parentCount: ReadonlyArray<number>;
}

/** Parents with at least this many cut values are cut out whole and read member by member. */
export const WIDE_OBJECT_MIN = 256;

// Placeholders are JSON strings no OVSDB value holds: NUL, then a token drawn at random when
// the process starts, then "<i>" for cut value i or "w<j>" for wide parent j. ovsdb-server never
// sends a NUL; the token keeps a peer that does from passing its strings off as placeholders.
const TOKEN = randomBytes(4).toString('hex');
const PREFIX = Buffer.from(`"\\u0000${TOKEN}`, 'latin1');
/** Where a placeholder's label starts: after the NUL and the token. */
const LABEL_AT = 1 + TOKEN.length;
const WIDE = 0x77; // 'w'
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

function digits(i: number): number {
  let d = 1;
  for (let v = i; v >= 10; v = Math.floor(v / 10)) d++;
  return d;
}

function placeholderLength(label: number): number {
  return label >= 0 ? PREFIX.length + digits(label) + 1 : PREFIX.length + 1 + digits(-label - 1) + 1;
}

// `label` >= 0: cut value `label`; < 0: wide parent `-label - 1`.
function writePlaceholder(out: Buffer, at: number, label: number): number {
  out.set(PREFIX, at);
  let w = at + PREFIX.length;
  let v = label;
  if (label < 0) {
    out[w++] = WIDE;
    v = -label - 1;
  }
  const d = digits(v);
  for (let k = d - 1; k >= 0; k--) {
    out[w + k] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  w += d;
  out[w] = QUOTE;
  return w + 1;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** True for a placeholder string of the outline. */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0 && value.startsWith(TOKEN, 1);
}

/** The cut value (>= 0) or wide parent (`-j - 1`) placeholder `v` stands for. */
function labelOf(v: string): number {
  return v.charCodeAt(LABEL_AT) === WIDE ? -Number(v.slice(LABEL_AT + 1)) - 1 : Number(v.slice(LABEL_AT));
}

/** JSON.parse, failing as the frame's fault: a frame whose parts are not JSON is a bad frame. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BadFrameError('a big frame holds a value that is not valid JSON', { cause });
  }
}

/** A big frame: its bytes and the ranges of the values cut out of its outline. */
export class SegmentedFrame {
  constructor(
    /** The whole frame, UTF-8, as the chunks it arrived in. */
    readonly bytes: ChunkedBytes,
    private readonly layout: FrameLayout,
  ) {}

  /** Number of cut values. */
  get count(): number {
    return this.layout.starts.length;
  }

  /** True when parent `j` is cut out whole: an object with many cut values. */
  private isWide(j: number): boolean {
    const { parentCount, parentStarts } = this.layout;
    if ((parentCount[j] as number) < WIDE_OBJECT_MIN) return false;
    const open = this.bytes.at(parentStarts[j] as number);
    return open === OPEN_BRACE || open === OPEN_BRACKET;
  }

  /** The frame with every cut value (and wide parent) replaced by a placeholder, parsed. */
  outline(): unknown {
    const { starts, ends, parentStarts, parentEnds, parentFirst, parentCount } = this.layout;
    // The cuts, in byte order: wide parents whole, every other cut value alone.
    const cutStart: number[] = [];
    const cutEnd: number[] = [];
    const cutLabel: number[] = [];
    let i = 0;
    for (let j = 0; j < parentStarts.length; j++) {
      if (!this.isWide(j)) continue;
      const first = parentFirst[j] as number;
      for (; i < first; i++) {
        cutStart.push(starts[i] as number);
        cutEnd.push(ends[i] as number);
        cutLabel.push(i);
      }
      cutStart.push(parentStarts[j] as number);
      cutEnd.push(parentEnds[j] as number);
      cutLabel.push(-j - 1);
      i = first + (parentCount[j] as number);
    }
    for (; i < starts.length; i++) {
      cutStart.push(starts[i] as number);
      cutEnd.push(ends[i] as number);
      cutLabel.push(i);
    }
    // One buffer, sized first and filled once.
    const bytes = this.bytes;
    let size = bytes.length;
    for (let c = 0; c < cutStart.length; c++) {
      size += placeholderLength(cutLabel[c] as number) - ((cutEnd[c] as number) - (cutStart[c] as number));
    }
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    let w = 0;
    for (let c = 0; c < cutStart.length; c++) {
      w = bytes.copyTo(out, w, at, cutStart[c] as number);
      w = writePlaceholder(out, w, cutLabel[c] as number);
      at = cutEnd[c] as number;
    }
    bytes.copyTo(out, w, at, bytes.length);
    return parseJson(this.decodeBytes(out));
  }

  /** The full text of the frame (for tracing). */
  text(): string {
    return this.decode(0, this.bytes.length);
  }

  /** Cut value `i`, parsed now. */
  value(i: number): unknown {
    return parseJson(this.decode(this.layout.starts[i] as number, this.layout.ends[i] as number));
  }

  /** Size of cut value `i`, in bytes. */
  valueBytes(i: number): number {
    return (this.layout.ends[i] as number) - (this.layout.starts[i] as number);
  }

  /** Cut value `i`, parsed over several turns (for a huge one), awaiting `turn` between them. */
  valueInPieces(i: number, turn: () => Promise<void>): Promise<unknown> {
    const start = this.layout.starts[i] as number;
    const end = this.layout.ends[i] as number;
    return parsePiecewise(end - start, (a, b) => this.bytes.slice(start + a, start + b), turn);
  }

  /** Like {@link resolve}, but a cut value is parsed over several turns. */
  async resolveInPieces(v: unknown, turn: () => Promise<void>): Promise<unknown> {
    const label = isPlaceholder(v) ? labelOf(v) : -1;
    return label < 0 ? this.resolve(v) : this.valueInPieces(label, turn);
  }

  /** Bytes behind placeholder `v` (0 for anything else). */
  bytesOf(v: unknown): number {
    if (!isPlaceholder(v)) return 0;
    const label = labelOf(v);
    if (label < 0) {
      const j = -label - 1;
      return (this.layout.parentEnds[j] as number) - (this.layout.parentStarts[j] as number);
    }
    return this.valueBytes(label);
  }

  /** Wide parent `j`, to be read member by member (an object) or element by element (an array). */
  members(j: number): LazyMembers | LazyElements {
    const first = this.layout.parentFirst[j] as number;
    const count = this.layout.parentCount[j] as number;
    return this.bytes.at(this.layout.parentStarts[j] as number) === OPEN_BRACE
      ? new LazyMembers(this, j, first, count)
      : new LazyElements(this, j, first, count);
  }

  /** `v`, or the value it stands for when it is a placeholder of this frame. */
  resolve(v: unknown): unknown {
    if (!isPlaceholder(v)) return v;
    const label = labelOf(v);
    return label < 0 ? this.members(-label - 1) : this.value(label);
  }

  /** Wide parent `j` parsed whole: the way back when its members are not laid out as expected. */
  wholeParent(j: number): unknown {
    return parseJson(this.decode(this.layout.parentStarts[j] as number, this.layout.parentEnds[j] as number));
  }

  /**
   * Checks that only a separator lies before element `k` of wide array `j` (whose first cut
   * value is `first`) and, with `k === count`, only space after the last: an array whose
   * elements are not all cut values cannot be read element by element.
   */
  checkElementGap(j: number, first: number, count: number, k: number): void {
    const { starts, ends, parentStarts, parentEnds } = this.layout;
    const from = k === 0 ? (parentStarts[j] as number) + 1 : (ends[first + k - 1] as number);
    const to = k === count ? (parentEnds[j] as number) - 1 : (starts[first + k] as number);
    const gap = this.bytes.slice(from, to);
    let p = 0;
    while (isSpace(gap[p])) p++;
    if (k > 0 && k < count && gap[p] === COMMA) p++;
    while (isSpace(gap[p])) p++;
    if (p !== gap.length) this.badLayout();
  }

  /** The outline with every placeholder replaced by its value: the frame as one parse would give it. */
  materialize(outline: unknown): unknown {
    if (isPlaceholder(outline)) {
      const value = this.resolve(outline);
      if (value instanceof LazyMembers) return value.toObject();
      if (value instanceof LazyElements) return value.toArray();
      return value;
    }
    if (Array.isArray(outline)) {
      for (let i = 0; i < outline.length; i++) outline[i] = this.materialize(outline[i]);
    } else if (outline !== null && typeof outline === 'object') {
      const record = outline as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.materialize(record[key]);
    }
    return outline;
  }

  /**
   * The key of member `k` of wide parent `j` (whose first cut value is `first`): the JSON
   * string between the previous value (or the opening brace) and this member's value.
   */
  memberKey(j: number, first: number, k: number): string {
    const { starts, ends, parentStarts } = this.layout;
    const from = k === 0 ? (parentStarts[j] as number) + 1 : (ends[first + k - 1] as number);
    const gap = this.bytes.slice(from, starts[first + k] as number);
    const end = gap.length;
    let p = 0;
    while (isSpace(gap[p])) p++;
    if (k > 0 && gap[p] === COMMA) p++;
    while (isSpace(gap[p])) p++;
    if (gap[p] !== QUOTE) return this.badLayout();
    const open = p++;
    let escaped = false;
    let ascii = true;
    for (; p < end; p++) {
      const c = gap[p] as number;
      if (c === BACKSLASH) {
        escaped = true;
        p++; // the escaped character, which may be a quote
      } else if (c === QUOTE) break;
      else if (c >= 0x80) ascii = false;
      else if (c < 0x20) return this.badLayout(); // JSON allows no raw control character in a string
    }
    const close = p++;
    while (isSpace(gap[p])) p++;
    if (gap[p] !== COLON) return this.badLayout();
    p++;
    while (isSpace(gap[p])) p++;
    if (p !== end) return this.badLayout();
    if (escaped) return parseJson(this.decodeBytes(gap.subarray(open, close + 1))) as string;
    if (!ascii) return this.decodeBytes(gap.subarray(open + 1, close));
    return Buffer.from(gap.buffer, gap.byteOffset + open + 1, close - open - 1).toString('latin1');
  }

  private badLayout(): never {
    throw new BadFrameError('a big frame has an object whose members are not laid out as expected');
  }

  private decode(start: number, end: number): string {
    return this.decodeBytes(this.bytes.slice(start, end));
  }

  private decodeBytes(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      throw new BadFrameError(`JSON frame of ${this.bytes.length} bytes is not valid UTF-8`, { cause });
    }
  }
}

/**
 * An object of a big frame (a table of a monitor reply) read member by member: `size` members,
 * each a key and a value parsed on demand. Keys are read from the frame's bytes, values are
 * placeholders the frame resolves.
 */
export class LazyMembers implements LazyObject {
  /** @internal made by the frame */
  constructor(
    private readonly frame: SegmentedFrame,
    private readonly parent: number,
    private readonly first: number,
    /** Number of members. */
    readonly size: number,
  ) {}

  /** The key of member `k`. */
  key(k: number): string {
    // After the last value only space may follow: a trailing plain member would be lost.
    if (k === this.size - 1) this.frame.checkElementGap(this.parent, this.first, this.size, this.size);
    return this.frame.memberKey(this.parent, this.first, k);
  }

  /** The value of member `k`, parsed now. */
  value(k: number): unknown {
    return this.frame.value(this.first + k);
  }

  /** The value of member `k`, parsed over several turns (for a huge one). */
  valueInPieces(k: number, turn: () => Promise<void>): Promise<unknown> {
    return this.frame.valueInPieces(this.first + k, turn);
  }

  /** The size of member `k`'s value in the frame, in bytes (known before parsing it). */
  valueBytes(k: number): number {
    return this.frame.valueBytes(this.first + k);
  }

  /** Every member as a plain object (parsed whole when its members are not laid out as expected). */
  toObject(): Record<string, unknown> {
    try {
      const out: Record<string, unknown> = {};
      for (let k = 0; k < this.size; k++) {
        const key = this.key(k);
        const value = this.value(k);
        if (key === '__proto__') {
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        } else out[key] = value;
      }
      return out;
    } catch (error) {
      if (!(error instanceof BadFrameError)) throw error;
      return this.frame.wholeParent(this.parent) as Record<string, unknown>;
    }
  }
}

/** An array of a big frame (the elements of a huge set) read element by element. */
export class LazyElements {
  /** @internal made by the frame */
  constructor(
    private readonly frame: SegmentedFrame,
    private readonly parent: number,
    private readonly first: number,
    /** Number of elements. */
    readonly size: number,
  ) {}

  /** Element `k`, parsed now. */
  value(k: number): unknown {
    this.frame.checkElementGap(this.parent, this.first, this.size, k);
    if (k === this.size - 1) this.frame.checkElementGap(this.parent, this.first, this.size, this.size);
    return this.frame.value(this.first + k);
  }

  /** The array parsed in one go, whatever its elements. */
  whole(): unknown[] {
    return this.frame.wholeParent(this.parent) as unknown[];
  }

  /** Every element, as an array (parsed whole when its elements are not all cut values). */
  toArray(): unknown[] {
    try {
      const out = new Array<unknown>(this.size);
      for (let k = 0; k < this.size; k++) out[k] = this.value(k);
      return out;
    } catch (error) {
      if (!(error instanceof BadFrameError)) throw error;
      return this.frame.wholeParent(this.parent) as unknown[];
    }
  }
}

/**
 * A reply whose big parts are still unparsed: `root` is the outline, in which the values of
 * the cut depth are placeholders; `resolve` turns one into its value. Only requests that ask
 * for it get this shape (see `RequestOptions.segmented`); everyone else gets plain JSON. The
 * shape is the protocol's, so that the replica reads it without knowing this layer.
 */
export type LazyResult = LazyReply;

/** The lazy form of the result in `outline`, a reply's outline parsed from `frame`. */
export function lazyResult(frame: SegmentedFrame, result: unknown): LazyResult {
  return {
    lazy: true,
    root: result,
    resolve: (v) => frame.resolve(v),
    count: frame.count,
    bytes: frame.bytes.length,
    bytesOf: (v) => frame.bytesOf(v),
    resolveInPieces: (v, turn) => frame.resolveInPieces(v, turn),
  };
}
