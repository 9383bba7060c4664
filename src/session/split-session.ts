/**
 * Split mode: monitors on any up-to-date member (a follower or a relay), transactions on the
 * leader. Followers take the monitor load off the leader; the price is that the monitoring
 * connection is not the writing one, so the "update before reply" ordering that gives
 * read-your-writes on one session does not hold between them.
 *
 * The rule that restores it: after a write's reply, ask the leader for its raft index
 * (`_Server.Database.index`; every committed entry up to ours is applied there), then wait
 * until the reading member reports at least that index and make one round trip to it (it
 * sends pending monitor updates before any reply). Only then does the write resolve, so a
 * replica on the reading side already shows it.
 */
import type { Replica } from '../cache/replica.js';
import type { EndpointList } from '../cluster/endpoints.js';
import type { DatabaseModel } from '../model/descriptor.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';
import { openTogether } from './open-together.js';
import {
  Session,
  type SessionOptions,
  type SessionReplicaOptions,
  type SessionTransactOptions,
  type SessionWaitOptions,
} from './session.js';

/** Options of {@link SplitSession.open}. */
export interface SplitSessionOptions extends Omit<SessionOptions, 'member'> {
  /**
   * Where monitors go, when not the same endpoints (e.g. relays in front of the cluster).
   * @default the same endpoints as writes
   */
  readRemotes?: string | readonly string[] | EndpointList;
  /**
   * Resolve each write only once the reading member has it (see the module comment). Off,
   * a write resolves at its reply and the replica catches up shortly after. @default true
   */
  readYourWrites?: boolean;
}

/** A writing session on the leader and a reading session on any up-to-date member. */
export class SplitSession {
  private constructor(
    /** Transactions and locks: the leader. */
    readonly writer: Session,
    /** Monitors and replicas: any connected, up-to-date member or relay. */
    readonly reader: Session,
    private readonly readYourWrites: boolean,
  ) {}

  /**
   * Opens both sessions, each bounded by `signal` and `openTimeoutMs` as {@link Session.open}
   * is. When either cannot open, the other is stopped (or closed) at once and the failure of
   * the one that failed by itself is thrown (the writer's when both did).
   */
  static async open(
    remotes: string | readonly string[] | EndpointList,
    options: SplitSessionOptions,
  ): Promise<SplitSession> {
    const { readRemotes, readYourWrites, signal, ...common } = options;
    const [writer, reader] = (await openTogether(
      signal,
      [
        (stop) => Session.open(remotes, { ...common, member: 'leader', signal: stop }),
        (stop) => Session.open(readRemotes ?? remotes, { ...common, member: 'follower', signal: stop }),
      ],
      (session) => session.close(),
    )) as [Session, Session];
    return new SplitSession(writer, reader, readYourWrites ?? true);
  }

  /** The database both sessions serve. */
  get database(): string {
    return this.writer.database;
  }

  /**
   * Runs the transaction on the leader (with every guarantee of {@link Session.transact}) and,
   * with `readYourWrites`, resolves once the reading member has applied it.
   */
  async transact(
    operations: readonly Operation[],
    options: SessionTransactOptions = {},
  ): Promise<OperationResult[]> {
    const results = await this.writer.transact(operations, options);
    if (this.readYourWrites) {
      // The call's `signal` stops the wait for the reader too; it is bounded by 30 s otherwise.
      const wait = options.signal ? { signal: options.signal } : {};
      await this.reader.waitForIndex(await this.leaderIndex(wait), wait);
    }
    return results;
  }

  /** The leader's raft index now, or 0 when it exposes none (standalone). */
  private async leaderIndex(wait: { signal?: AbortSignal }): Promise<number> {
    const client = await this.writer.whenReady(wait);
    const [result] = await client.transact(
      '_Server',
      [{ op: 'select', table: 'Database', where: [['name', '==', this.database]], columns: ['index'] }],
      { validate: false, ...wait },
    );
    const index = (result as { rows?: Array<{ index?: unknown }> }).rows?.[0]?.index;
    return typeof index === 'number' ? index : 0;
  }

  /** A replica on the reading member, resumed across its reconnects; bounded as {@link Session.replica} is. */
  replica<T extends object>(
    model: DatabaseModel<T>,
    options: SessionReplicaOptions<T> = {},
  ): Promise<Replica<T>> {
    return this.reader.replica(model, options);
  }

  /** Resolves once both sessions have a member in use; bounded as {@link Session.whenReady} is. */
  async whenReady(options: SessionWaitOptions = {}): Promise<void> {
    await Promise.all([this.writer.whenReady(options), this.reader.whenReady(options)]);
  }

  /** Locks are the leader's: see {@link Session.lock} (and its `signal` and `timeoutMs`). */
  lock(name: string, options: SessionWaitOptions = {}): Promise<void> {
    return this.writer.lock(name, options);
  }

  /** See {@link Session.unlock}. */
  unlock(name: string): Promise<void> {
    return this.writer.unlock(name);
  }

  /** Closes both sessions. */
  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.reader.close()]);
  }
}
