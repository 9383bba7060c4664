/**
 * The four databases an OVN-IC controller works on, from one `ovn-ic-config`: IC-NB and
 * IC-SB through their `ic-db-host` list, with raft leader discovery, plus this AZ's own
 * Northbound and Southbound databases.
 */
import type { EndpointList } from '../cluster/endpoints.js';
import { InvalidSpecError } from '../ovn/ovn-errors.js';
import { openTogether } from '../session/open-together.js';
import { Session } from '../session/session.js';
import type { SessionOptions } from '../session/session-types.js';
import type { IcConfig } from './ic-config.js';

/** Where this AZ's databases are, and how the sessions behave. */
export interface IcConnectOptions {
  /** This AZ's OVN_Northbound remotes (a comma list or an array). */
  readonly nb: string | readonly string[];
  /** This AZ's OVN_Southbound remotes. */
  readonly sb: string | readonly string[];
  /**
   * Options of all four sessions (reconnect policy, TLS, ...); `database` is set per session.
   * `signal` and `openTimeoutMs` bound the opening (each session's; 30 s by default).
   */
  readonly session?: Omit<SessionOptions, 'database'>;
}

/** Open sessions to the four databases. Close them with {@link IcConnections.close}. */
export interface IcConnections {
  readonly config: IcConfig;
  /** OVN_IC_Northbound (transit switches), on its raft leader. */
  readonly icNb: Session;
  /** OVN_IC_Southbound (availability zones, gateways, port bindings, routes), on its raft leader. */
  readonly icSb: Session;
  /** This AZ's OVN_Northbound. */
  readonly nb: Session;
  /** This AZ's OVN_Southbound. */
  readonly sb: Session;
  /** Closes the four sessions. */
  close(): Promise<void>;
}

type Remotes = string | readonly string[] | EndpointList;

/**
 * Opens the four sessions at once; each resolves once it uses its database's leader (or a
 * standalone server). When one cannot be reached (within `openTimeoutMs`, 30 s by default, or
 * a smaller failover budget) the others are closed and the error of the first database (in
 * the order IC-NB, IC-SB, NB, SB) that failed is thrown (`SessionWaitTimeoutError`,
 * `FailoverBudgetExceededError`, or `WaitAbortedError` when `session.signal` fired): it
 * names the database and what each `ic-db-host` remote answered.
 *
 * @example
 * ```ts
 * const ic = await connectInterconnection(parseIcConfig(configMapYaml), {
 *   nb: 'tcp:[10.0.0.1]:6641', sb: 'tcp:[10.0.0.1]:6642',
 * });
 * ```
 */
export async function connectInterconnection(
  config: IcConfig,
  options: IcConnectOptions,
): Promise<IcConnections> {
  if (config.icNbRemotes.length === 0) {
    throw new InvalidSpecError('data.ic-db-host', '', 'no host to connect to');
  }
  const open =
    (remotes: Remotes, database: string) =>
    (signal: AbortSignal): Promise<Session> =>
      Session.open(remotes, { ...options.session, database, signal });
  const [icNb, icSb, nb, sb] = (await openTogether(
    options.session?.signal,
    [
      open(config.icNbRemotes, 'OVN_IC_Northbound'),
      open(config.icSbRemotes, 'OVN_IC_Southbound'),
      open(options.nb, 'OVN_Northbound'),
      open(options.sb, 'OVN_Southbound'),
    ],
    (session) => session.close(),
    // Each runs to its own end: the error reported is the first database's that failed.
    false,
  )) as [Session, Session, Session, Session];
  return {
    config,
    icNb,
    icSb,
    nb,
    sb,
    close: async () => {
      await Promise.all([icNb.close(), icSb.close(), nb.close(), sb.close()]);
    },
  };
}
