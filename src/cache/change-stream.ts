/**
 * A lossless async iterator of changes with bounded memory. Every change is delivered, in
 * order; when the consumer falls behind by `highWaterMark` changes, the stream asks the
 * connection to stop reading (the server then holds and merges its updates), and lets it read
 * again once the consumer is down to `lowWaterMark`. The connection keeps the session alive
 * meanwhile (see docs/flow-control.md), so a slow consumer slows the session down but never
 * gets it dropped and never loses an event.
 */
import { OvndbError } from '../errors.js';

/** What a stream needs of the connection: a way to hold reading. */
export interface ReadPauser {
  /** Stops reading until the returned release function is called. */
  pauseReading(): () => void;
}

/** Options of a change stream. */
export interface ChangeStreamOptions {
  /**
   * Queued changes at which reading from the server pauses.
   * @default 10000
   */
  highWaterMark?: number;
  /**
   * Queued changes at which reading resumes.
   * @default highWaterMark / 4
   */
  lowWaterMark?: number;
  /** Ends the stream (the iterator finishes) when aborted. */
  signal?: AbortSignal;
}

/** The replica behind a stream failed (its connection was lost) before the stream ended. */
export class ChangeStreamClosedError extends OvndbError {
  constructor(cause?: Error) {
    super(
      'OVNDB_CHANGE_STREAM_CLOSED',
      'the replica feeding this change stream stopped',
      cause ? { cause } : {},
    );
  }
}

// A consumer that never awaits anything but the stream would starve I/O while the queue is
// non-empty (each `next` resolves as a microtask): give the event loop a turn this often.
const YIELD_EVERY_MS = 10;

/** One consumer's queue of changes. Create with `replica.changes()`. */
export class ChangeStream<C> implements AsyncIterableIterator<C> {
  private queue: C[] = [];
  private head = 0;
  /** The consumer's pending `next`, when the queue was empty. */
  private waiter: { resolve(result: IteratorResult<C>): void; reject(error: unknown): void } | undefined;
  private release: (() => void) | undefined;
  private ended = false;
  /** Why the replica failed, reported once, after the queued changes. */
  private failure: Error | undefined;
  private lastYield = Date.now();
  private readonly high: number;
  private readonly low: number;

  /** @internal made by the replica */
  static create<C>(
    pauser: ReadPauser,
    onDone: (stream: ChangeStream<C>) => void,
    options: ChangeStreamOptions = {},
  ): ChangeStream<C> {
    return new ChangeStream(pauser, onDone, options);
  }

  // Private, so that the published declarations do not offer a constructor: `create` is stripped from them.
  private constructor(
    private readonly pauser: ReadPauser,
    private readonly onDone: (stream: ChangeStream<C>) => void,
    options: ChangeStreamOptions = {},
  ) {
    this.high = Math.max(1, options.highWaterMark ?? 10_000);
    this.low = Math.min(this.high - 1, Math.max(0, options.lowWaterMark ?? Math.floor(this.high / 4)));
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) this.finish();
      else signal.addEventListener('abort', () => this.finish(), { once: true });
    }
  }

  /** Changes queued and not yet taken. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** True once the stream ended (by its consumer, its signal or the replica). */
  get closed(): boolean {
    return this.ended;
  }

  /** True while this stream holds the connection's reading. */
  get holdingReads(): boolean {
    return this.release !== undefined;
  }

  /** @internal the replica delivers a change */
  push(change: C): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.resolve({ value: change, done: false });
      return;
    }
    this.queue.push(change);
    if (this.release === undefined && this.pending >= this.high) this.release = this.pauser.pauseReading();
  }

  /** @internal the replica ended: a normal end finishes the stream, a failure rejects after the queue */
  close(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.releaseReads();
    const waiter = this.waiter;
    this.waiter = undefined;
    // Someone waiting means nothing is queued: end or fail now; otherwise after the queue.
    if (waiter === undefined) this.failure = error;
    else if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(error);
  }

  private releaseReads(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  private take(): C {
    const change = this.queue[this.head] as C;
    this.queue[this.head] = undefined as C;
    this.head++;
    // Drop the consumed prefix now and then: amortized O(1) per change, no unbounded array.
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.release !== undefined && this.pending <= this.low) this.releaseReads();
    return change;
  }

  /** The next change; waits for one when none is queued. */
  next(): Promise<IteratorResult<C>> {
    if (this.pending > 0) {
      const change = this.take();
      const now = Date.now();
      if (now - this.lastYield < YIELD_EVERY_MS) return Promise.resolve({ value: change, done: false });
      this.lastYield = now;
      return new Promise((resolve) => setImmediate(() => resolve({ value: change, done: false })));
    }
    if (this.ended) {
      const failure = this.failure;
      this.failure = undefined;
      return failure === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(failure);
    }
    this.lastYield = Date.now();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stops the stream: queued changes are dropped and the connection may read again. */
  return(): Promise<IteratorResult<C>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  private finish(): void {
    this.ended = true;
    this.failure = undefined;
    this.queue = [];
    this.head = 0;
    this.releaseReads();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
    this.onDone(this);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<C> {
    return this;
  }
}
