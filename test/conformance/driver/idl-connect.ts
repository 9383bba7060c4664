/**
 * The session behind the driver's `idl` and `idl-cluster` commands, with the reconnect timing
 * of Open vSwitch's IDL: a lost or dropped connection is retried at once, and only rounds that
 * find no suitable member back off.
 */
import type { MemberWanted } from '../../../src/session/member-round.js';
import { Session } from '../../../src/session/session.js';
import type { IdlView } from './idl-view.js';

/**
 * Rounds after the first wait 100 ms, then double up to 1 s: a raft election in the test
 * clusters takes about a second, and the driver's own `-t` deadline bounds the whole run.
 */
const RECONNECT = { initialDelayMs: 100, maxDelayMs: 1000, failoverBudgetMs: 0 } as const;

/**
 * Opens a session with `database` on `remotes` (an OVS comma list): `leader` for the IDL's
 * leader-only mode, `readable` for the `idl` command, whose IDL is created with
 * `leader_only=False`.
 */
export function openIdlSession(remotes: string, database: string, member: MemberWanted): Promise<Session> {
  return Session.open(remotes, { database, member, reconnect: RECONNECT });
}

/**
 * `Idl.force_reconnect`: drops the member in use, and what `view` had received but not yet
 * applied stops counting as a change (see {@link IdlView.discardPending}). The replica reports
 * a resume before the session is ready again, and `Session.reconnect` ignores a session that is
 * not ready, so a reconnect asked for meanwhile first waits for it.
 */
export async function forceReconnect(session: Session, view: IdlView): Promise<void> {
  await session.whenReady();
  view.discardPending();
  session.reconnect();
}
