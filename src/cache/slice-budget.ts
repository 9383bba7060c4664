/**
 * When a slice of a big apply (initial contents, a resync) ends and the event loop gets a
 * turn: after `sliceRows` rows, after SLICE_BYTES of row JSON to parse, or after SLICE_MS of
 * wall time, whichever comes first. The row and byte limits bound a slice's work for the usual
 * rows; the time limit bounds it whatever the rows cost (wide rows, many indexes, a slow
 * `change` listener, a loaded machine), so one turn of the apply costs at most SLICE_MS plus
 * one row, at any database size: the apply of N rows takes about N x (cost per row) / SLICE_MS
 * turns, and no turn grows with N.
 */
import { performance } from 'node:perf_hooks';

/** Rows bigger than this are parsed over several turns of their own. */
export const HUGE_ROW_BYTES = 1024 * 1024;

/** Most bytes of row JSON parsed in one slice. */
export const SLICE_BYTES = 256 * 1024;

/**
 * Most wall time, in ms, one slice runs before it yields. Wall rather than CPU time: a slice
 * descheduled by a busy machine only ends sooner, and reading the clock costs tens of
 * nanoseconds where a CPU-time reading is a system call.
 */
export const SLICE_MS = 5;

/** Counts one slice's rows, bytes and time; `full` says when to yield. */
export class SliceBudget {
  private rows = 0;
  private bytes = 0;
  private started = performance.now();

  constructor(private readonly sliceRows: number) {}

  /** True when the slice, which has rows, must end before a row of `bytes` more bytes. */
  full(bytes: number): boolean {
    if (this.rows === 0) return false;
    return (
      this.rows >= this.sliceRows ||
      this.bytes + bytes > SLICE_BYTES ||
      performance.now() - this.started >= SLICE_MS
    );
  }

  /** Counts a row of `bytes` bytes into the slice. */
  add(bytes: number): void {
    this.rows++;
    this.bytes += bytes;
  }

  /** Starts the next slice (after the turn was given). */
  reset(): void {
    this.rows = 0;
    this.bytes = 0;
    this.started = performance.now();
  }
}
