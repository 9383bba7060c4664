/**
 * The client's side of liveness, as Open vSwitch's own sessions do it: when nothing has
 * arrived from the server for one probe interval, send an `echo`; when still nothing has
 * arrived one more interval later, the peer is gone (a dead host, a half-open TCP session, a
 * peer that stalls in the middle of a frame) and the connection fails with a typed error,
 * instead of hanging every request forever. While reading is paused on purpose, silence is
 * ours, so the probe waits.
 */
import { InactivityTimeoutError } from './rpc-errors.js';

/** What the probe drives. */
export interface InactivityProbeHooks {
  /** Sends one `echo` request nobody waits for. */
  sendEcho(): void;
  /** True while reading is paused on purpose: no bytes can arrive, so none are expected. */
  readingPaused(): boolean;
  /** Fails the connection. */
  fail(error: Error): void;
}

/** Watches for silence from the server. */
export class InactivityProbe {
  private lastActivity = Date.now();
  private probing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param intervalMs silence before an echo, and again before giving up; 0 disables the probe. */
  constructor(
    private readonly intervalMs: number,
    private readonly hooks: InactivityProbeHooks,
  ) {
    if (intervalMs > 0) this.arm(intervalMs);
  }

  /** Bytes arrived: the peer is alive. Called for every chunk: just a timestamp. */
  activity(): void {
    this.lastActivity = Date.now();
    this.probing = false;
  }

  /** Stops the probe (the connection closed). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), delayMs);
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    const silentFor = Date.now() - this.lastActivity;
    if (silentFor < this.intervalMs || this.hooks.readingPaused()) {
      this.arm(Math.max(1, this.intervalMs - silentFor));
      return;
    }
    if (!this.probing) {
      this.probing = true;
      this.hooks.sendEcho();
      this.arm(this.intervalMs);
      return;
    }
    this.hooks.fail(new InactivityTimeoutError(silentFor));
  }
}
