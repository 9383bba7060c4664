/**
 * A cap on the bytes read in one turn of the event loop. libuv reads a readable socket up to
 * 32 times per poll event, so a fast server streaming a 50 MB monitor reply hands the
 * connection 2 MB in one turn, and scanning them (frame-splitter.ts) is a long turn of its
 * own. Past TURN_READ_BYTES the connection stops reading until the next turn (node buffers at
 * most one more chunk), so one turn scans at most the cap plus one chunk, at any frame size.
 * A pause held by flow control (read-pause.ts) is left alone: reading resumes only when
 * nothing else holds it.
 */

/** Most bytes scanned in one turn before reading waits for the next one. */
export const TURN_READ_BYTES = 512 * 1024;

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
