/**
 * The frame splitter's contract as the simplest code that states it, for differential tests:
 * the whole stream at once, bracket depth outside strings, one fatal UTF-8 decode per frame.
 * No chunks, no buffers, no segments.
 */

/** What splitting a whole stream gives. */
export interface ReferenceSplit {
  /** The frames, in order, before the first error. */
  readonly frames: string[];
  /** Why the stream was refused, if it was. */
  readonly error?: 'bad-frame' | 'too-large';
  /** Bytes of the unfinished frame at the end (0 when there is none or after an error). */
  readonly buffered: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Splits `bytes` into frames of at most `maxFrameBytes` bytes, as the splitter promises. */
export function referenceSplit(bytes: Uint8Array, maxFrameBytes: number): ReferenceSplit {
  const frames: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (depth === 0) {
      if (c === 0x7b || c === 0x5b) {
        depth = 1;
        start = i;
      } else if (!isSpace(c)) return { frames, error: 'bad-frame', buffered: 0 };
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
      if (i + 1 - start > maxFrameBytes) return { frames, error: 'too-large', buffered: 0 };
      try {
        frames.push(utf8.decode(bytes.subarray(start, i + 1)));
      } catch {
        return { frames, error: 'bad-frame', buffered: 0 };
      }
    }
  }
  const buffered = depth > 0 ? bytes.length - start : 0;
  if (buffered > maxFrameBytes) return { frames, error: 'too-large', buffered: 0 };
  return { frames, buffered };
}
