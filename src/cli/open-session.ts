/** Opens the session of a command that follows a database across members (vpc apply, ic status, monitor). */
import type { DatabaseModel } from '../model/descriptor.js';
import type { MemberWanted } from '../session/member-round.js';
import { Session } from '../session/session.js';
import type { CommandDeadline } from './command-deadline.js';
import { type ConnectionFlags, clientOptionsOf } from './connection-options.js';

/**
 * A session with `database` on `remote` (an OVS remote or comma list of members), bounded by
 * the command's deadline: with `-t` the deadline alone limits the opening (the session's own
 * open timeout is off, so that one limit speaks), and passing it closes the session.
 */
export async function openSession<T extends object = Record<string, unknown>>(
  remote: string,
  database: string,
  member: MemberWanted,
  flags: ConnectionFlags,
  deadline: CommandDeadline,
  model?: DatabaseModel<T>,
): Promise<Session<T>> {
  const session = await Session.open<T>(remote, {
    database,
    ...(model ? { model } : {}),
    member,
    client: clientOptionsOf(flags),
    ...deadline.bound,
    ...(deadline.timeoutMs !== undefined ? { openTimeoutMs: 0 } : {}),
  });
  deadline.onExpire(() => session.close());
  deadline.waitingFor(`the initial contents of ${database} from ${session.remote}`, true);
  return session;
}
