/**
 * Splits the OVSDB byte stream into JSON texts. OVSDB sends JSON values back to back with
 * no delimiter, so a frame ends where the bracket depth of a top-level object or array
 * returns to zero, outside any string.
 */

import { ChunkedBytes } from './chunked-bytes.js';
import { frameParseCost, heapHeadroom, MIN_COSTED_FRAME_BYTES } from './parse-cost.js';
import { BadFrameError, FrameTooCostlyError, FrameTooLargeError } from './rpc-errors.js';
import { SegmentedFrame } from './segmented-frame.js';

/** Options of {@link JsonFrameSplitter}. */
export interface JsonFrameSplitterOptions {
  /** A frame that grows past this many bytes fails with {@link FrameTooLargeError}. */
  maxFrameBytes: number;
  /**
   * A frame whose parse would cost more than this many times its size in memory (see
   * parse-cost.ts) fails with {@link FrameTooCostlyError}. 0: no limit. @default 0
   */
  maxParseCostFactor?: number;
  /** Receives each complete top-level JSON object or array, decoded once from UTF-8. */
  onFrame: (text: string) => void;
  /**
   * Receives, instead of `onFrame`, each frame of at least `segmentMinBytes` bytes that has
   * values at depth `segmentDepth`, as a {@link SegmentedFrame}: undecoded, with the byte
   * ranges of those values, recorded during the one scan. Omitted: every frame goes to `onFrame`.
   */
  onSegmentedFrame?: (frame: SegmentedFrame) => void;
  /** The depth whose values are cut out (the top-level value is depth 1). @default 5 */
  segmentDepth?: number;
  /** Smallest frame delivered segmented. @default 1 MiB */
  segmentMinBytes?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

// `fatal` turns invalid UTF-8 into an exception instead of silent U+FFFD replacement;
// it decodes as fast as Buffer#toString, so validation costs no second pass.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An incremental framer: a state machine over bytes (depth, in-string, escape) that scans
 * every received byte exactly once and decodes each frame once, when it is complete.
 * Partial frames are kept as a list of chunk views and joined once, so memory stays within
 * `maxFrameBytes` plus one chunk. After an error the splitter is spent: `push` rethrows it.
 */
export class JsonFrameSplitter {
  private readonly maxFrameBytes: number;
  private readonly maxParseCostFactor: number;
  private readonly onFrame: (text: string) => void;
  /** What the frame in progress holds so far, for its parse cost: objects, arrays, commas. */
  private objects = 0;
  private arrays = 0;
  private commas = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Earlier pieces of the frame in progress. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private scanned = 0;
  private failure: Error | undefined;
  private readonly onSegmentedFrame: ((frame: SegmentedFrame) => void) | undefined;
  /** The depth whose values are recorded; -1 (never reached) when segmenting is off. */
  private readonly segmentDepth: number;
  private readonly segmentMinBytes: number;
  /** Frame-relative byte ranges of the values at `segmentDepth` in the frame in progress. */
  private segmentStarts: number[] = [];
  private segmentEnds: number[] = [];
  /** The same for their parents (values one level up), with their first value and count. */
  private parentStarts: number[] = [];
  private parentEnds: number[] = [];
  private parentFirst: number[] = [];
  private parentCount: number[] = [];

  constructor(options: JsonFrameSplitterOptions) {
    this.maxFrameBytes = options.maxFrameBytes;
    this.maxParseCostFactor = options.maxParseCostFactor ?? 0;
    this.onFrame = options.onFrame;
    this.onSegmentedFrame = options.onSegmentedFrame;
    this.segmentDepth = options.onSegmentedFrame === undefined ? -1 : (options.segmentDepth ?? 5);
    this.segmentMinBytes = options.segmentMinBytes ?? 1024 * 1024;
  }

  /** Bytes of an incomplete frame currently held. */
  get bufferedBytes(): number {
    return this.partBytes;
  }

  /** Total bytes the state machine has examined; equals bytes pushed (each byte is scanned once). */
  get scannedBytes(): number {
    return this.scanned;
  }

  /**
   * Feeds bytes; calls `onFrame` for every frame they complete. Throws {@link BadFrameError}
   * or {@link FrameTooLargeError}. `onFrame` must not throw: bytes after a throwing frame
   * in the same chunk are dropped.
   */
  push(chunk: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    const n = chunk.length;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let objects = this.objects;
    let arrays = this.arrays;
    let commas = this.commas;
    // Where the frame in progress starts in this chunk (0 when it began in an earlier one).
    let start = depth > 0 ? 0 : -1;
    const segmentDepth = this.segmentDepth;
    const parentDepth = segmentDepth - 1;
    let i = 0;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (depth === 0) {
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth = 1;
          start = i;
          objects = c === OPEN_BRACE ? 1 : 0;
          arrays = 1 - objects;
          commas = 0;
        } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
          this.scanned += i + 1;
          this.fail(
            new BadFrameError(
              `unexpected byte 0x${c.toString(16).padStart(2, '0')} between JSON frames at stream offset ${this.scanned - 1}`,
            ),
          );
        }
      } else if (c === QUOTE) inString = true;
      else if (c === COMMA) commas++;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (c === OPEN_BRACE) objects++;
        else arrays++;
        if (++depth >= parentDepth && depth <= segmentDepth)
          this.openSegment(depth, this.partBytes + i - start);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth >= parentDepth && depth <= segmentDepth)
          this.closeSegment(depth, this.partBytes + i + 1 - start);
        if (--depth === 0) {
          this.objects = objects;
          this.arrays = arrays;
          this.commas = commas;
          start = this.endFrame(chunk, start, i + 1);
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
        }
      }
    }
    this.scanned += n;
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.objects = objects;
    this.arrays = arrays;
    this.commas = commas;
    if (start >= 0) {
      this.partBytes += n - start;
      if (this.partBytes > this.maxFrameBytes)
        this.fail(new FrameTooLargeError(this.maxFrameBytes, this.partBytes));
      this.parts.push(start === 0 ? chunk : chunk.subarray(start));
    }
  }

  // Called only at the two recorded depths: the cut values and their parents.
  private openSegment(depth: number, offset: number): void {
    if (depth === this.segmentDepth) {
      this.segmentStarts.push(offset);
    } else {
      this.parentStarts.push(offset);
      this.parentFirst.push(this.segmentStarts.length);
    }
  }

  private closeSegment(depth: number, offset: number): void {
    if (depth === this.segmentDepth) {
      this.segmentEnds.push(offset);
    } else {
      this.parentEnds.push(offset);
      this.parentCount.push(
        this.segmentStarts.length - (this.parentFirst[this.parentEnds.length - 1] as number),
      );
    }
  }

  /** Hands over the frame that ends at `end` in `chunk`, whole or segmented. Returns -1 (no frame in progress). */
  private endFrame(chunk: Buffer, start: number, end: number): number {
    const size = this.partBytes + end - start;
    if (size > this.maxFrameBytes) this.fail(new FrameTooLargeError(this.maxFrameBytes, size));
    if (this.maxParseCostFactor > 0 && size >= MIN_COSTED_FRAME_BYTES) {
      const cost = frameParseCost(size, this.objects, this.arrays, this.commas);
      const headroom = heapHeadroom();
      if (cost > this.maxParseCostFactor * size || cost > headroom) {
        this.fail(
          new FrameTooCostlyError(size, cost, this.maxParseCostFactor, this.objects + this.arrays, headroom),
        );
      }
    }
    const starts = this.segmentStarts;
    if (this.onSegmentedFrame !== undefined && size >= this.segmentMinBytes && starts.length > 0) {
      // Kept as the chunks it arrived in: a big frame is never copied whole again.
      this.parts.push(chunk.subarray(start, end));
      const bytes = new ChunkedBytes(this.parts);
      this.parts = [];
      this.partBytes = 0;
      const layout = {
        starts,
        ends: this.segmentEnds,
        parentStarts: this.parentStarts,
        parentEnds: this.parentEnds,
        parentFirst: this.parentFirst,
        parentCount: this.parentCount,
      };
      this.segmentStarts = [];
      this.segmentEnds = [];
      this.parentStarts = [];
      this.parentEnds = [];
      this.parentFirst = [];
      this.parentCount = [];
      this.onSegmentedFrame(new SegmentedFrame(bytes, layout));
    } else {
      if (this.parentStarts.length > 0 || starts.length > 0) {
        starts.length = 0;
        this.segmentEnds.length = 0;
        this.parentStarts.length = 0;
        this.parentEnds.length = 0;
        this.parentFirst.length = 0;
        this.parentCount.length = 0;
      }
      this.onFrame(this.decode(this.takeBytes(chunk, start, end, size), size));
    }
    return -1;
  }

  /** The bytes of the frame that ends at `end` in `chunk`, joined once. */
  private takeBytes(chunk: Buffer, start: number, end: number, size: number): Uint8Array {
    if (this.parts.length === 0) return chunk.subarray(start, end);
    this.parts.push(chunk.subarray(start, end));
    const bytes = Buffer.concat(this.parts, size);
    this.parts = [];
    this.partBytes = 0;
    return bytes;
  }

  private decode(bytes: Uint8Array, size: number): string {
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      return this.fail(new BadFrameError(`JSON frame of ${size} bytes is not valid UTF-8`, { cause }));
    }
  }

  private fail(error: Error): never {
    this.failure = error;
    this.parts = [];
    this.partBytes = 0;
    throw error;
  }
}
