/**
 * The locks a session wants. A lock stays wanted until `unlock`: it is asked for again after
 * every reconnect and after another client steals it, which is what active/standby
 * controllers are built on.
 */
import type { OvsdbClient } from '../client/client.js';
import { isConnectionLoss } from './connection-loss.js';
import { LockNotHeldError } from './session-errors.js';

interface LockEntry {
  held: boolean;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/** What the locks need of their session. */
export interface LockHost {
  /** The connection in use, or undefined while reconnecting. */
  readonly client: OvsdbClient | undefined;
  readonly remote: string | undefined;
  lockEvent(event: 'locked' | 'stolen' | 'lockLost', name: string): void;
}

/** The locks of one session. */
export class SessionLocks {
  private readonly locks = new Map<string, LockEntry>();

  constructor(private readonly host: LockHost) {}

  /** Wants `name`; resolves once it is held. `signal` stops this wait (rejecting with its reason); the lock stays wanted. */
  lock(name: string, signal?: AbortSignal): Promise<void> {
    let entry = this.locks.get(name);
    if (entry === undefined) {
      entry = { held: false, waiters: [] };
      this.locks.set(name, entry);
      const client = this.host.client;
      if (client !== undefined) void this.request(client, name);
    }
    if (entry.held) return Promise.resolve();
    const lock = entry;
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      lock.waiters.push(waiter);
      // A wait given up leaves no waiter behind: a standby retrying on a timeout must not pile them up.
      signal?.addEventListener(
        'abort',
        () => {
          const at = lock.waiters.indexOf(waiter);
          if (at < 0) return;
          lock.waiters.splice(at, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Stops wanting `name`; pending `lock()` calls reject. */
  async unlock(name: string): Promise<void> {
    const entry = this.locks.get(name);
    if (entry === undefined) return;
    this.locks.delete(name);
    for (const waiter of entry.waiters) waiter.reject(new LockNotHeldError(name, this.host.remote));
    await this.host.client?.unlock(name).catch(() => undefined);
  }

  /** True while `name` is held. */
  holds(name: string): boolean {
    return this.locks.get(name)?.held === true;
  }

  /** Asks for every wanted lock on a new connection. */
  async requestAll(client: OvsdbClient): Promise<void> {
    await Promise.all([...this.locks.keys()].map((name) => this.request(client, name)));
  }

  /** The server granted `name` (a `locked` notification, or a `lock` reply). */
  granted(name: string): void {
    const entry = this.locks.get(name);
    if (entry === undefined || entry.held) return;
    entry.held = true;
    for (const waiter of entry.waiters.splice(0)) waiter.resolve();
    this.host.lockEvent('locked', name);
  }

  /** Another client stole `name`: report it and queue for it again. */
  stolen(client: OvsdbClient, name: string): void {
    const entry = this.locks.get(name);
    if (entry === undefined) return;
    entry.held = false;
    this.host.lockEvent('stolen', name);
    void this.request(client, name);
  }

  /** The connection went away: every held lock with it. */
  connectionLost(): void {
    for (const [name, lock] of this.locks) {
      if (!lock.held) continue;
      lock.held = false;
      this.host.lockEvent('lockLost', name);
    }
  }

  /** The session closed: pending `lock()` calls reject with `failure`. */
  close(failure: Error): void {
    for (const entry of this.locks.values())
      for (const waiter of entry.waiters.splice(0)) waiter.reject(failure);
  }

  private async request(client: OvsdbClient, name: string): Promise<void> {
    try {
      if (await client.lock(name)) this.granted(name);
    } catch (error) {
      // A lost connection asks again after the reconnect; anything else is the caller's to see.
      if (!isConnectionLoss(error)) {
        for (const waiter of this.locks.get(name)?.waiters.splice(0) ?? []) waiter.reject(error);
      }
    }
  }
}
