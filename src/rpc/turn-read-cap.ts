/**
 * A cap on the bytes read in one turn of the event loop. libuv reads a readable socket up to
 * 32 times per poll event, so a fast server streaming a 50 MB monitor reply hands the
 * connection 2 MB in one turn, and scanning them (frame-splitter.ts) is a long turn of its
 * own. Past TURN_READ_BYTES the connection stops reading until the next turn (node buffers at
 * most one more chunk), so one turn scans at most the cap plus one chunk, at any frame size.
 * A pause held by flow control (read-pause.ts) is left alone: reading resumes only when
 * nothing else holds it.
 *
 * The count starts over at the end of a turn only once it has reached RESET_FROM_BYTES: a
 * turn that reads a small reply (a transaction's, at one request in flight) schedules
 * nothing, where an immediate per turn cost every transaction an Immediate and its callback.
 * Small turns' bytes add up until one reaches that mark, so a turn may begin with up to
 * RESET_FROM_BYTES counted and pause that much sooner; it never scans more than the cap.
 */

/** Most bytes scanned in one turn before reading waits for the next one. */
export const TURN_READ_BYTES = 512 * 1024;

/** Bytes counted from which the count is reset at the end of the turn. */
const RESET_FROM_BYTES = 64 * 1024;

/** Counts the bytes of the current turn; pauses reading past the cap until the next turn. */
export class TurnReadCap {
  private bytes = 0;
  private scheduled = false;
  private holding = false;

  constructor(
    private readonly pause: () => void,
    private readonly resume: () => void,
    /** False while something else (flow control, a close) keeps reading stopped. */
    private readonly mayResume: () => boolean,
  ) {}

  /** Counts a received chunk of `n` bytes. */
  received(n: number): void {
    this.bytes += n;
    if (this.bytes < RESET_FROM_BYTES) return;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.nextTurn);
    }
    if (this.bytes >= TURN_READ_BYTES && !this.holding) {
      this.holding = true;
      this.pause();
    }
  }

  private readonly nextTurn = (): void => {
    this.scheduled = false;
    this.bytes = 0;
    if (!this.holding) return;
    this.holding = false;
    if (this.mayResume()) this.resume();
  };
}
