/**
 * The replica's holds on reading, counted on its side so that they outlive a connection: a
 * change stream's hold taken on one client is taken again on the client the replica resumes
 * on, and its release function stays valid (and idempotent) across the move.
 */
import type { ReadPauser } from './change-stream.js';

interface Hold {
  /** The release of this hold on the current client; undefined while no client is attached. */
  release: (() => void) | undefined;
}

/** Counted read holds, forwarded to whichever client is attached. */
export class ReadHolds implements ReadPauser {
  private readonly holds = new Set<Hold>();
  private client: ReadPauser | undefined;

  /** Number of unreleased holds. */
  get count(): number {
    return this.holds.size;
  }

  /** Takes a hold; returns its release function (idempotent). */
  pauseReading(): () => void {
    const hold: Hold = { release: this.client?.pauseReading() };
    this.holds.add(hold);
    return () => {
      if (!this.holds.delete(hold)) return;
      const release = hold.release;
      hold.release = undefined;
      release?.();
    };
  }

  /** From now on holds go to `client`; the unreleased ones are taken on it at once. */
  attach(client: ReadPauser): void {
    this.detach();
    this.client = client;
    for (const hold of this.holds) hold.release = client.pauseReading();
  }

  /** Lets the attached client read again; holds stay counted until the next {@link attach}. */
  detach(): void {
    this.client = undefined;
    for (const hold of this.holds) {
      const release = hold.release;
      hold.release = undefined;
      release?.();
    }
  }
}
