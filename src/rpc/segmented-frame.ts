/**
 * A big JSON frame kept as bytes, with the byte ranges of its values at one depth (the rows
 * of a monitor reply) recorded by the splitter while it scanned them. Its outline (the frame
 * with each such value replaced by a placeholder) is small and parses quickly; each value is
 * parsed only when asked for. So a 100,000-row initial dump never exists as one parsed tree
 * or one string: rows can be parsed and applied a slice at a time, with the event loop free
 * in between, and the memory of applied rows is reclaimed as the replica goes.
 */
import { BadFrameError } from './rpc-errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// The placeholder of value `i` is the JSON string "\u0000<i>": no OVSDB string holds a NUL.
const PREFIX = Buffer.from('"\\u0000', 'latin1');

function digits(i: number): number {
  let d = 1;
  for (let v = i; v >= 10; v = Math.floor(v / 10)) d++;
  return d;
}

function placeholderLength(i: number): number {
  return PREFIX.length + digits(i) + 1;
}

function writePlaceholder(out: Buffer, at: number, i: number): number {
  out.set(PREFIX, at);
  let w = at + PREFIX.length;
  const d = digits(i);
  let v = i;
  for (let k = d - 1; k >= 0; k--) {
    out[w + k] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  w += d;
  out[w] = 0x22;
  return w + 1;
}

/** True for a placeholder string of the outline. */
export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 0;
}

/** A big frame: its bytes and the ranges of the values cut out of its outline. */
export class SegmentedFrame {
  constructor(
    /** The whole frame, UTF-8. */
    readonly bytes: Uint8Array,
    /** Start offsets of the cut values, ascending. */
    private readonly starts: ReadonlyArray<number>,
    /** End offsets (exclusive), one per start. */
    private readonly ends: ReadonlyArray<number>,
  ) {}

  /** Number of cut values. */
  get count(): number {
    return this.starts.length;
  }

  /** The frame with every cut value replaced by a placeholder, parsed. */
  outline(): unknown {
    // One buffer, filled once: the gaps between cut values, and `"\u0000<i>"` for each value.
    const bytes = this.bytes;
    const n = this.starts.length;
    let size = bytes.length;
    for (let i = 0; i < n; i++)
      size += placeholderLength(i) - ((this.ends[i] as number) - (this.starts[i] as number));
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      const start = this.starts[i] as number;
      out.set(bytes.subarray(at, start), w);
      w += start - at;
      w = writePlaceholder(out, w, i);
      at = this.ends[i] as number;
    }
    out.set(bytes.subarray(at), w);
    let text: string;
    try {
      text = utf8.decode(out);
    } catch (cause) {
      throw new BadFrameError(`JSON frame of ${bytes.length} bytes is not valid UTF-8`, { cause });
    }
    return JSON.parse(text);
  }

  /** The full text of the frame (for tracing). */
  text(): string {
    return this.decode(0, this.bytes.length);
  }

  /** Value `i`, parsed now. */
  value(i: number): unknown {
    return JSON.parse(this.decode(this.starts[i] as number, this.ends[i] as number));
  }

  /** `v`, or the value it stands for when it is a placeholder of this frame. */
  resolve(v: unknown): unknown {
    return isPlaceholder(v) ? this.value(Number(v.slice(1))) : v;
  }

  /** The outline with every placeholder replaced by its value: the frame as one parse would give it. */
  materialize(outline: unknown): unknown {
    if (isPlaceholder(outline)) return this.resolve(outline);
    if (Array.isArray(outline)) {
      for (let i = 0; i < outline.length; i++) outline[i] = this.materialize(outline[i]);
    } else if (outline !== null && typeof outline === 'object') {
      const record = outline as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = this.materialize(record[key]);
    }
    return outline;
  }

  private decode(start: number, end: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch (cause) {
      throw new BadFrameError(`JSON frame of ${this.bytes.length} bytes is not valid UTF-8`, { cause });
    }
  }
}

/**
 * A reply whose big parts are still unparsed: `root` is the outline, in which the values of
 * the cut depth are placeholders; `resolve` turns one into its value. Only requests that ask
 * for it get this shape (see `RequestOptions.segmented`); everyone else gets plain JSON.
 */
export interface LazyResult {
  readonly lazy: true;
  readonly root: unknown;
  resolve(value: unknown): unknown;
  /** Number of values still unparsed in the outline. */
  readonly count: number;
  /** Size of the reply, in bytes. */
  readonly bytes: number;
}

/** The lazy form of the result in `outline`, a reply's outline parsed from `frame`. */
export function lazyResult(frame: SegmentedFrame, result: unknown): LazyResult {
  return {
    lazy: true,
    root: result,
    resolve: (v) => frame.resolve(v),
    count: frame.count,
    bytes: frame.bytes.length,
  };
}

/** True when `value` is a {@link LazyResult}. */
export function isLazyResult(value: unknown): value is LazyResult {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { lazy?: unknown }).lazy === true &&
    'resolve' in value
  );
}
