/**
 * Parses one huge value of a big frame (a row whose set holds 100,000 UUIDs) over several
 * turns of the event loop: its bytes are scanned a piece at a time by a frame splitter of its
 * own, which cuts out its deep values (the set's elements); its outline is parsed at once and
 * its wide arrays and objects are filled a slice of elements at a time. No single turn parses
 * more than a piece.
 */
import { JsonFrameSplitter } from './frame-splitter.js';
import { BadFrameError } from './rpc-errors.js';
import {
  isPlaceholder,
  LazyElements,
  LazyMembers,
  parseJson,
  type SegmentedFrame,
} from './segmented-frame.js';

/** Bytes scanned per turn. */
const PIECE_BYTES = 512 * 1024;
/** Elements or members parsed per turn. */
const ELEMENTS_PER_TURN = 8192;

/** `bytes` as a Buffer view, which the splitter reads. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Fills `outline`'s placeholders from `frame`, awaiting `turn` every ELEMENTS_PER_TURN values. */
async function fill(frame: SegmentedFrame, outline: unknown, turn: () => Promise<void>): Promise<unknown> {
  if (isPlaceholder(outline)) {
    const value = frame.resolve(outline);
    if (value instanceof LazyElements) {
      try {
        const out = new Array<unknown>(value.size);
        for (let k = 0; k < value.size; k++) {
          out[k] = value.value(k);
          if ((k + 1) % ELEMENTS_PER_TURN === 0) await turn();
        }
        return out;
      } catch (error) {
        // Not every element was cut out (plain values among them): parse the array in one go.
        if (!(error instanceof BadFrameError)) throw error;
        return value.whole();
      }
    }
    if (value instanceof LazyMembers) return value.toObject();
    return value;
  }
  if (Array.isArray(outline)) {
    for (let i = 0; i < outline.length; i++) outline[i] = await fill(frame, outline[i], turn);
  } else if (outline !== null && typeof outline === 'object') {
    const record = outline as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = await fill(frame, record[key], turn);
  }
  return outline;
}

/**
 * The JSON value in `bytes` (read as `slice(start, end)` pieces), parsed over several turns,
 * awaiting `turn` between pieces.
 */
export async function parsePiecewise(
  length: number,
  slice: (start: number, end: number) => Uint8Array,
  turn: () => Promise<void>,
): Promise<unknown> {
  let whole: string | undefined;
  let segmented: SegmentedFrame | undefined;
  const splitter = new JsonFrameSplitter({
    maxFrameBytes: length,
    segmentMinBytes: 0,
    onFrame: (text) => {
      whole = text;
    },
    onSegmentedFrame: (frame) => {
      segmented = frame;
    },
  });
  for (let at = 0; at < length; at += PIECE_BYTES) {
    splitter.push(asBuffer(slice(at, Math.min(length, at + PIECE_BYTES))));
    await turn();
  }
  if (segmented === undefined) {
    // No complete value in the bytes (an unclosed bracket): as JSON.parse would, refuse it.
    if (whole === undefined) throw new BadFrameError('a big frame holds a value that is not complete JSON');
    return parseJson(whole);
  }
  const outline = segmented.outline();
  await turn();
  return fill(segmented, outline, turn);
}
