/**
 * A plain connection's database as a {@link DatabaseHandle}: the same surface a `Session` has,
 * on one connection that does not reconnect. A write whose reply is lost with the connection
 * fails with the connection's error (nothing settles it: use a `Session` for that).
 */
import { Replica } from '../cache/replica.js';
import type { OvsdbClient } from '../client/client.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { LockNotHeldError, SessionWaitTimeoutError, WaitAbortedError } from '../session/session-errors.js';
import {
  type HandleTransactionOptions,
  runOnHandle,
  type TransactionOutcome,
} from '../txn/run-transaction.js';
import type { Transaction } from '../txn/transaction.js';
import type { HandleTransactOptions } from '../txn/transaction-target.js';
import { ModelRequiredError } from '../txn/txn-errors.js';
import type { DatabaseHandle, HandleWaitOptions } from './database-handle.js';

/** Database `database` (or `model`'s) on `client`, as a handle. */
export function database<T extends object>(client: OvsdbClient, model: DatabaseModel<T>): ClientDatabase<T>;
export function database(client: OvsdbClient, name: string): ClientDatabase;
export function database<T extends object>(
  client: OvsdbClient,
  modelOrName: DatabaseModel<T> | string,
): ClientDatabase<T> {
  return typeof modelOrName === 'string'
    ? ClientDatabase.create<T>(client, modelOrName, undefined)
    : ClientDatabase.create<T>(client, modelOrName.name, modelOrName);
}

/** One database on a plain connection. Make one with {@link database}. */
export class ClientDatabase<T extends object = Record<string, unknown>> implements DatabaseHandle<T> {
  private shared: Promise<Replica<T>> | undefined;
  /** Locks asked for on the connection and not given up (held or waited for). */
  private readonly asked = new Set<string>();
  private readonly held = new Set<string>();
  /** Callers of {@link lock} waiting for a grant. */
  private readonly granted = new Set<(lock: string) => void>();
  private closed = false;

  /** @internal use {@link database} */
  static create<T extends object>(
    client: OvsdbClient,
    database: string,
    model: DatabaseModel<T> | undefined,
  ): ClientDatabase<T> {
    return new ClientDatabase<T>(client, database, model);
  }

  // Private, so that the published declarations offer no constructor: `create` is stripped from them.
  private constructor(
    /** The connection. Closing the handle leaves it open: it may serve other databases. */
    readonly client: OvsdbClient,
    /** The database's name. */
    readonly database: string,
    /** The model the handle was opened with, if any. */
    readonly model: DatabaseModel<T> | undefined,
  ) {
    client.on('locked', (lock) => {
      if (!this.asked.has(lock)) return;
      this.held.add(lock);
      for (const waiter of this.granted) waiter(lock);
    });
    client.on('stolen', (lock) => {
      // Taken by another client: neither held nor waited for any more.
      this.held.delete(lock);
      this.asked.delete(lock);
    });
    client.on('state', (state) => {
      if (state.status !== 'closed') return;
      this.held.clear();
      this.asked.clear();
    });
  }

  /**
   * Runs `operations` as one transaction, checked against the server's schema first: bad input
   * rejects with a typed error naming the table, column and value, and nothing is written.
   * With `lock`, fails with `LockNotHeldError` (nothing sent) unless this handle holds it.
   */
  transact(
    operations: readonly Operation[],
    options: HandleTransactOptions = {},
  ): Promise<OperationResult[]> {
    const { idempotent: _idempotent, lock, ...call } = options;
    if (lock === undefined) return this.client.transact(this.database, operations, call);
    if (!this.held.has(lock)) return Promise.reject(new LockNotHeldError(lock, this.client.remote));
    return this.client
      .transact(this.database, [...operations, { op: 'assert', lock }], call)
      .then((results) => results.slice(0, operations.length));
  }

  /**
   * Runs `body` as an optimistic transaction (see `runTransaction`) reading the handle's
   * replica: OVN helpers called with `txn` add their operations to it and see what was written
   * before them in the body; everything commits as one transaction, verified against what was read.
   */
  async transaction<R>(
    body: (txn: Transaction<T>) => R | Promise<R>,
    options: HandleTransactionOptions<T> = {},
  ): Promise<TransactionOutcome<R>> {
    return runOnHandle(this, this.requireModel(), () => this.replica(), body, options);
  }

  /** The handle's replica of its model's database: started on the first call, the same one after. */
  replica(): Promise<Replica<T>> {
    const model = this.requireModel();
    if (this.shared === undefined) {
      const started = Replica.start(this.client, model);
      this.shared = started;
      // A replica that failed to start is not kept: the next call starts another.
      started.catch(() => {
        if (this.shared === started) this.shared = undefined;
      });
    }
    return this.shared;
  }

  /**
   * Asks for `lock` and resolves once it is held. On a plain connection a stolen lock is not
   * asked for again (a `Session` does that): `holds` turns false.
   */
  async lock(name: string, options: HandleWaitOptions = {}): Promise<void> {
    if (this.held.has(name)) return;
    const { signal, timeoutMs = 0 } = options;
    if (signal?.aborted) throw lockAborted(name, this.database, signal.reason);
    let onGranted: ((lock: string) => void) | undefined;
    const granted = new Promise<void>((resolve, reject) => {
      onGranted = (lock: string): void => {
        if (lock === name) resolve();
      };
      this.granted.add(onGranted);
      // Asked once per connection: a second `lock` of the same name would be refused by the
      // server while the first still waits. A wait given up on leaves the lock asked for.
      if (!this.asked.has(name)) {
        this.asked.add(name);
        this.client.lock(name).then(
          (now) => {
            if (!now) return;
            this.held.add(name);
            resolve();
          },
          (error: unknown) => {
            this.asked.delete(name);
            reject(error);
          },
        );
      }
    });
    try {
      await bounded(granted, name, this.database, signal, timeoutMs);
    } finally {
      if (onGranted !== undefined) this.granted.delete(onGranted);
    }
  }

  /** Gives `lock` up, or stops waiting for it. */
  async unlock(name: string): Promise<void> {
    this.held.delete(name);
    if (!this.asked.delete(name)) return;
    await this.client.unlock(name);
  }

  /** True while `lock` is held. */
  holds(name: string): boolean {
    return this.held.has(name);
  }

  /** Closes the handle's replica. The connection stays open (close it with `client.close()`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const shared = this.shared;
    this.shared = undefined;
    if (shared !== undefined) await (await shared.catch(() => undefined))?.close();
  }

  private requireModel(): DatabaseModel<T> {
    if (this.model === undefined) throw new ModelRequiredError(this.database);
    return this.model;
  }
}

/** The error of a lock wait stopped by its signal: the same class a session's waits reject with. */
function lockAborted(lock: string, database: string, reason: unknown): WaitAbortedError {
  return new WaitAbortedError(`lock ${lock} on ${database}`, reason, [], database, 'ready');
}

/**
 * `granted`, or the wait's error when `signal` fires (`WaitAbortedError`) or `timeoutMs` passes
 * (`SessionWaitTimeoutError`) first: the errors a session's lock wait rejects with. The lock
 * stays asked for either way: `unlock` gives up.
 */
function bounded(
  granted: Promise<void>,
  lock: string,
  database: string,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  if (signal === undefined && timeoutMs <= 0) return granted;
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(lockAborted(lock, database, signal?.reason));
    };
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            done();
            reject(
              new SessionWaitTimeoutError(database, 'ready', `lock ${lock} on ${database}`, timeoutMs, []),
            );
          }, timeoutMs)
        : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    granted.then(
      () => {
        done();
        resolve();
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
