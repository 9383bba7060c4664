/**
 * The bytes of a frame as the chunks they arrived in, never joined: a range inside one chunk
 * is a view of it, and only a range that spans chunks is copied (just that range). A 20 MB
 * reply is then never copied whole once more at its end.
 */

/** A read-only byte sequence made of chunks. */
export class ChunkedBytes {
  /** Offset of each chunk's first byte. */
  private readonly offsets: number[];
  /** Total length in bytes. */
  readonly length: number;
  // Reads are mostly in ascending order: start looking where the last one was.
  private hint = 0;

  constructor(private readonly chunks: ReadonlyArray<Uint8Array>) {
    this.offsets = new Array<number>(chunks.length);
    let at = 0;
    for (let i = 0; i < chunks.length; i++) {
      this.offsets[i] = at;
      at += (chunks[i] as Uint8Array).length;
    }
    this.length = at;
  }

  /** Index of the chunk that holds byte `offset`. */
  private chunkAt(offset: number): number {
    const offsets = this.offsets;
    let i = this.hint;
    if (offset < (offsets[i] as number)) i = 0;
    // Sequential reads step forward a little; far jumps use binary search.
    let steps = 0;
    while (i + 1 < offsets.length && (offsets[i + 1] as number) <= offset && steps < 8) {
      i++;
      steps++;
    }
    if (i + 1 < offsets.length && (offsets[i + 1] as number) <= offset) {
      let lo = i;
      let hi = offsets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((offsets[mid] as number) <= offset) lo = mid;
        else hi = mid - 1;
      }
      i = lo;
    }
    this.hint = i;
    return i;
  }

  /** Bytes `start` to `end` (exclusive): a view when they lie in one chunk, else a copy of the range. */
  slice(start: number, end: number): Uint8Array {
    if (end <= start) return new Uint8Array(0);
    const i = this.chunkAt(start);
    const chunk = this.chunks[i] as Uint8Array;
    const base = this.offsets[i] as number;
    if (end - base <= chunk.length) return chunk.subarray(start - base, end - base);
    const out = Buffer.allocUnsafe(end - start);
    this.copyTo(out, 0, start, end);
    return out;
  }

  /** Copies bytes `start` to `end` into `target` at `at`; returns the position after them. */
  copyTo(target: Uint8Array, at: number, start: number, end: number): number {
    let w = at;
    let p = start;
    let i = this.chunkAt(start);
    while (p < end) {
      const chunk = this.chunks[i] as Uint8Array;
      const base = this.offsets[i] as number;
      const from = p - base;
      const to = Math.min(chunk.length, end - base);
      target.set(chunk.subarray(from, to), w);
      w += to - from;
      p = base + to;
      i++;
    }
    return w;
  }

  /** The byte at `offset`. */
  at(offset: number): number | undefined {
    const i = this.chunkAt(offset);
    return (this.chunks[i] as Uint8Array)[offset - (this.offsets[i] as number)];
  }
}
