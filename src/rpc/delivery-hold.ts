/**
 * Holding back the delivery of received messages while a consumer finishes applying one over
 * several turns of the event loop (a replica applying a big update notification a slice at a
 * time). Messages read meanwhile, replies included, wait here in order and are delivered once
 * every hold is released. Replies must wait too: the server sends a transaction's update
 * before its reply, and whoever awaits the reply expects the update to be applied by then.
 */

/** Counted holds on delivery, and the messages that wait for them. */
export class DeliveryHold {
  private holds = 0;
  private queue: unknown[] = [];
  private head = 0;
  private drainScheduled = false;

  /** @param deliver hands one message on, as if it had just been read */
  constructor(private readonly deliver: (message: unknown) => void) {}

  /** True while at least one hold is unreleased. */
  get held(): boolean {
    return this.holds > 0;
  }

  /** Number of messages waiting. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Takes a hold; returns its release (idempotent). The messages that waited are delivered on
   * a later turn once the last hold is released, in the order they were read; delivering stops
   * again as soon as one of them takes a new hold.
   */
  acquire(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0 && this.waiting > 0) this.scheduleDrain();
    };
  }

  /** Keeps `message` when delivery is held (or others still wait); false when it is to be delivered now. */
  offer(message: unknown): boolean {
    if (this.holds === 0 && this.waiting === 0) return false;
    this.queue.push(message);
    return true;
  }

  /** Takes every waiting message out, in order (the connection is closing: they go out now). */
  takeAll(): unknown[] {
    const out = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return out;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // A later turn: the release comes from the consumer's own work, which should end first.
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.holds === 0 && this.head < this.queue.length) {
      const message = this.queue[this.head];
      this.queue[this.head++] = undefined;
      this.deliver(message);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }
}
