/**
 * One connection round of a failover: connect to every candidate member at once, watch each
 * one's `_Server.Database` row, and take the first that reports what the session needs (the
 * leader, or any up-to-date member). Watching all of them, rather than trying one after the
 * other, means the new leader is used as soon as it is elected, wherever it is.
 */
import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import type { ClientOptions } from '../client/options.js';
import type { SeenState } from '../cluster/member-status.js';
import { probeReadOnly } from '../cluster/read-only-probe.js';
import {
  type ServerDatabaseStatus,
  type ServerDatabaseWatch,
  watchServerDatabase,
} from '../cluster/server-database-watch.js';
import type { MemberAttempt } from './session-errors.js';

/**
 * What a session needs of a member: `leader` (writes decided there), `readable` (any
 * connected, up-to-date member or relay), or `follower` (readable, preferring a member that
 * is not the leader, to take load off it; the leader only when no other member suits).
 */
export type MemberWanted = 'leader' | 'readable' | 'follower';

/** The member a round settled on, connected and watched. */
export interface ChosenMember {
  readonly remote: string;
  readonly client: OvsdbClient;
  readonly watch: ServerDatabaseWatch;
  readonly status: ServerDatabaseStatus;
}

/** What one round needs to know. */
export interface RoundParams {
  readonly remotes: readonly string[];
  readonly database: string;
  readonly wanted: MemberWanted;
  readonly seen: SeenState;
  readonly connectTimeoutMs: number;
  readonly roundTimeoutMs: number;
  readonly clientOptions: ClientOptions;
  /** Ends the round at once: connections in flight are aborted, open ones closed. */
  readonly signal?: AbortSignal;
  /** Told what each member has answered so far, whenever that changes (for a wait that gives up mid-round). */
  readonly onAttempts?: (attempts: MemberAttempt[]) => void;
}

/** The result of a round: a member, or what each member answered. */
export interface RoundResult {
  readonly chosen?: ChosenMember;
  readonly attempts: MemberAttempt[];
}

/** Whether a member's status is what the session wants. */
export function suits(status: ServerDatabaseStatus, wanted: MemberWanted): boolean {
  return wanted === 'leader' ? status.status.writable : status.status.readable;
}

/** A member still silent when the round is stopped, and when it ends. */
const NO_ANSWER_YET = 'no answer yet';
const NO_ANSWER = 'no answer within the round';

/** A suitable member that `follower` takes only when no other member suits. */
function fallbackOnly(status: ServerDatabaseStatus, wanted: MemberWanted): boolean {
  return wanted === 'follower' && status.status.reason === 'leader';
}

/** Runs one round; never rejects. Every connection but the chosen one is closed before it resolves. */
export function connectRound(params: RoundParams): Promise<RoundResult> {
  const attempts = new Map<string, string>(params.remotes.map((r) => [r, NO_ANSWER_YET]));
  const listAttempts = (): MemberAttempt[] => [...attempts].map(([remote, reason]) => ({ remote, reason }));
  const opened: Array<{ remote: string; client: OvsdbClient; watch?: ServerDatabaseWatch }> = [];
  let settled = false;
  const note = (remote: string, reason: string): void => {
    attempts.set(remote, reason);
    // Failures that follow the end of the round (connections it aborted) are not news.
    if (!settled) params.onAttempts?.(listAttempts());
  };
  return new Promise<RoundResult>((resolve) => {
    let outstanding = params.remotes.length;
    /** Members that answered a first status (or failed): when all have, a fallback may be taken. */
    let answered = 0;
    let fallback: ChosenMember | undefined;
    const answeredOne = (): void => {
      answered++;
      if (answered === params.remotes.length && fallback !== undefined) finish(fallback);
    };
    const finish = (chosen: ChosenMember | undefined, aborted = false): void => {
      if (settled) return;
      settled = true;
      if (!aborted) {
        for (const [remote, reason] of attempts)
          if (reason === NO_ANSWER_YET) attempts.set(remote, NO_ANSWER);
      }
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      for (const entry of opened) if (entry.client !== chosen?.client) entry.client.abandon();
      const list = listAttempts();
      resolve(chosen === undefined ? { attempts: list } : { chosen, attempts: list });
    };
    const onAbort = (): void => finish(undefined, true);
    const timer = setTimeout(() => finish(fallback), params.roundTimeoutMs);
    params.signal?.addEventListener('abort', onAbort, { once: true });
    const gaveUp = (counted: boolean): void => {
      outstanding--;
      if (!counted) answeredOne();
      if (outstanding === 0) finish(fallback);
    };
    if (params.signal?.aborted) outstanding = 0;
    if (outstanding === 0) {
      finish(undefined, params.signal?.aborted === true);
      return;
    }
    params.onAttempts?.(listAttempts());
    for (const remote of params.remotes) {
      let counted = false;
      void tryMember(remote, () => {
        counted = true;
      }).catch((error: Error) => {
        note(remote, error.message);
        gaveUp(counted);
      });
    }

    async function tryMember(remote: string, markAnswered: () => void): Promise<void> {
      const client = await connect(remote, {
        ...params.clientOptions,
        connectTimeoutMs: params.connectTimeoutMs,
        ...(params.signal ? { signal: params.signal } : {}),
      });
      const entry: { remote: string; client: OvsdbClient; watch?: ServerDatabaseWatch } = { remote, client };
      opened.push(entry);
      if (settled) {
        client.abandon();
        return;
      }
      const watch = await watchServerDatabase(client, params.database, { seen: params.seen });
      entry.watch = watch;
      if (settled) return;
      if (params.wanted === 'leader' && watch.current().row?.model === 'standalone') {
        // `_Server` cannot tell an active-backup backup from an active server; a backup
        // refuses writes, so a leader-only session must not settle on one.
        if (await probeReadOnly(client, params.database)) throw new Error('backup');
        if (settled) return;
      }
      const check = (status: ServerDatabaseStatus): void => {
        note(remote, status.status.reason);
        if (!suits(status, params.wanted)) {
          if (fallback?.client === client) fallback = undefined;
          return;
        }
        if (fallbackOnly(status, params.wanted)) {
          fallback = { remote, client, watch, status };
          return;
        }
        watch.off('status', check);
        finish({ remote, client, watch, status });
      };
      watch.on('status', check);
      watch.on('closed', (error) => {
        if (settled) return;
        watch.off('status', check);
        if (fallback?.client === client) fallback = undefined;
        note(remote, error?.message ?? 'connection closed');
        gaveUp(true);
      });
      check(watch.current());
      markAnswered();
      answeredOne();
    }
  });
}
