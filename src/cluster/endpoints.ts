/**
 * The remotes of a clustered OVN database and the order to try them in. Pure: no I/O, no
 * timers, so reconnect logic can ask "which one next?" and tests can check the answer.
 */
import { Address4, Address6 } from 'ip-address';
import { OvndbError } from '../errors.js';
import { formatRemote, parseRemote, parseRemoteList, type Remote } from '../transport/remote.js';
import { InvalidRemoteError } from '../transport/transport-errors.js';

/** An OVN database whose members Kube-OVN lists by host. */
export type OvnDatabaseName = 'nb' | 'sb' | 'ic-nb' | 'ic-sb';

/**
 * The ports OVN and Kube-OVN listen on by default: NB 6641, SB 6642, and the
 * interconnection databases IC-NB 6645, IC-SB 6646 (Kube-OVN's `ic-nb-port`/`ic-sb-port`).
 */
export const OVN_DEFAULT_PORTS: Readonly<Record<OvnDatabaseName, number>> = Object.freeze({
  nb: 6641,
  sb: 6642,
  'ic-nb': 6645,
  'ic-sb': 6646,
});

/** What {@link hostListRemotes} builds. */
export interface HostListOptions {
  /** Which database the hosts serve; picks the default port. */
  database: OvnDatabaseName;
  /** @default 'tcp' */
  scheme?: 'tcp' | 'ssl';
  /** The port every host listens on. @default {@link OVN_DEFAULT_PORTS}[database] */
  port?: number;
}

/** A host list (Kube-OVN's `ic-db-host`, `NODE_IPS`) names a host that cannot become a remote. */
export class InvalidHostListError extends OvndbError {
  /** The offending item, verbatim (untrimmed), or the whole list when it is empty. */
  readonly host: string;
  constructor(host: string, reason: string, cause?: unknown) {
    super('OVNDB_INVALID_HOST_LIST', `invalid host ${JSON.stringify(host)} in host list: ${reason}`, {
      cause,
      details: { host },
    });
    this.host = host;
  }
}

/**
 * Turns a Kube-OVN host list into OVS remotes, one per host, in the given order.
 *
 * Kube-OVN keeps hosts and ports apart (`ic-db-host: "192.168.65.3,192.168.65.2"` next to
 * `ic-nb-port: "6645"`), so a host here is an address or name without a port: IPv4,
 * IPv6 (bare or in brackets; brackets are added in the remote) or a hostname. A host
 * carrying its own port (`10.0.0.1:6641`, `[::1]:6641`) is rejected rather than guessed at,
 * since a bare IPv6 address also contains colons; pass `port` instead. Items are trimmed;
 * empty items and repeated hosts are rejected.
 *
 * @example
 * ```ts
 * hostListRemotes('192.168.65.3, fd00::2', { database: 'ic-nb' });
 * // ['tcp:192.168.65.3:6645', 'tcp:[fd00::2]:6645']
 * ```
 * @throws {@link InvalidHostListError} naming the first host that does not fit.
 */
export function hostListRemotes(hosts: string | readonly string[], options: HostListOptions): string[] {
  const scheme = options.scheme ?? 'tcp';
  const port = options.port ?? OVN_DEFAULT_PORTS[options.database];
  if (scheme !== 'tcp' && scheme !== 'ssl') {
    throw new InvalidHostListError(String(hosts), `scheme ${JSON.stringify(scheme)} is not tcp or ssl`);
  }
  if (port === undefined) {
    throw new InvalidHostListError(String(hosts), `unknown database ${JSON.stringify(options.database)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidHostListError(String(hosts), `port ${port} is not an integer in 1-65535`);
  }
  const items = typeof hosts === 'string' ? hosts.split(',') : hosts;
  if (items.length === 0 || (items.length === 1 && items[0]?.trim() === '')) {
    throw new InvalidHostListError(String(hosts), 'the host list is empty');
  }
  const remotes: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const remote = hostRemote(item, scheme, port);
    if (seen.has(remote)) throw new InvalidHostListError(item, `${remote} appears more than once`);
    seen.add(remote);
    remotes.push(remote);
  }
  return remotes;
}

function hostRemote(item: string, scheme: 'tcp' | 'ssl', port: number): string {
  let host = item.trim();
  if (host === '') throw new InvalidHostListError(item, 'empty item');
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) {
      throw new InvalidHostListError(item, 'a bracketed host must not carry a port; use the port option');
    }
    host = host.slice(1, -1);
    if (!Address6.isValid(host) && !Address4.isValid(host)) {
      throw new InvalidHostListError(item, 'brackets hold an IP address, not a name');
    }
  }
  if (host.includes(':') && !Address6.isValid(host)) {
    throw new InvalidHostListError(
      item,
      'neither an IPv6 address nor a host without port; hosts take their port from the port option',
    );
  }
  const text = formatRemote({ kind: scheme, host, port });
  try {
    // The remote parser is the single judge of what a connectable host looks like.
    return formatRemote(parseRemote(text));
  } catch (error) {
    const reason = error instanceof InvalidRemoteError ? error.message : String(error);
    throw new InvalidHostListError(item, reason, error);
  }
}

/** One remote of an {@link EndpointList}, as it stands now. */
export interface Endpoint {
  /** The remote in OVS notation, normalized (`tcp:[::1]:6641`). */
  readonly text: string;
  readonly remote: Remote;
  /** False from {@link EndpointList.markFailed} until {@link EndpointList.markHealthy}. */
  readonly healthy: boolean;
}

/** How an {@link EndpointList} orders its remotes. */
export interface EndpointListOptions {
  /**
   * `shuffle` spreads many clients over the members, as ovsdb's own clients do with a
   * remote list; `given` keeps the caller's order (e.g. a known leader first). @default 'shuffle'
   */
  order?: 'shuffle' | 'given';
  /** A source of numbers in [0, 1) for the shuffle; inject one for repeatable tests. @default Math.random */
  random?: () => number;
}

/** What {@link EndpointList.update} changed, as normalized remotes. */
export interface EndpointChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

interface Entry {
  readonly text: string;
  readonly remote: Remote;
  /** When it last failed, on a counter local to the list; undefined while healthy. */
  failedAt: number | undefined;
}

/**
 * The members of a clustered database and the order to try them in: round robin from a
 * (shuffled) start, healthy remotes first, and among failed ones the one that failed
 * longest ago. Remotes are normalized with `parseRemote`/`formatRemote`, so `tcp:[::1]:6641`
 * and ` tcp:[::1]:6641 ` are the same member.
 *
 * @example
 * ```ts
 * const list = new EndpointList(hostListRemotes('10.0.0.1,10.0.0.2,10.0.0.3', { database: 'nb' }));
 * const client = await connect(list.toString());
 * ```
 */
export class EndpointList {
  private entries: Entry[] = [];
  /** Index in `entries` where the next round starts. */
  private cursor = 0;
  /** Orders failures without a clock: larger means more recent. */
  private failures = 0;
  private readonly random: () => number;
  private readonly shuffled: boolean;

  /**
   * @param remotes an OVS comma list or an array of remotes; must not be empty or repeat one.
   * @throws {@link InvalidRemoteError} for a malformed, empty or repeated remote.
   */
  constructor(remotes: string | readonly string[], options: EndpointListOptions = {}) {
    this.random = options.random ?? Math.random;
    this.shuffled = (options.order ?? 'shuffle') === 'shuffle';
    this.entries = this.arrange(parseAll(remotes));
  }

  /** How many remotes the list holds. */
  get size(): number {
    return this.entries.length;
  }

  /** The remotes in rotation order (not the attempt order; see {@link EndpointList.attemptOrder}). */
  get remotes(): readonly string[] {
    return this.entries.map((e) => e.text);
  }

  /** Every remote with its parsed form and health, in rotation order. */
  endpoints(): Endpoint[] {
    return this.entries.map((e) => ({ text: e.text, remote: e.remote, healthy: e.failedAt === undefined }));
  }

  /** Whether `remote` (in any spelling `parseRemote` accepts) is in the list. */
  has(remote: string): boolean {
    return this.find(remote) !== undefined;
  }

  /**
   * The order the next connection round should try: healthy remotes round robin from the
   * cursor, then failed ones, the longest-failed first. Does not move the cursor.
   */
  attemptOrder(): string[] {
    const healthy: Entry[] = [];
    const failed: Entry[] = [];
    const n = this.entries.length;
    for (let i = 0; i < n; i++) {
      const entry = this.entries[(this.cursor + i) % n] as Entry;
      (entry.failedAt === undefined ? healthy : failed).push(entry);
    }
    failed.sort((a, b) => (a.failedAt as number) - (b.failedAt as number));
    return [...healthy, ...failed].map((e) => e.text);
  }

  /** The remote to try now (the head of {@link EndpointList.attemptOrder}); moves the cursor past it. */
  next(): string {
    const text = this.attemptOrder()[0] as string;
    const index = this.entries.findIndex((e) => e.text === text);
    this.cursor = (index + 1) % this.entries.length;
    return text;
  }

  /** Iterates in {@link EndpointList.attemptOrder}, without moving the cursor. */
  [Symbol.iterator](): Iterator<string> {
    return this.attemptOrder()[Symbol.iterator]();
  }

  /**
   * Records that connecting to (or talking with) `remote` failed, so later attempts try it
   * after the healthy ones. Returns false when the list does not hold it (e.g. it was
   * removed by an update while the attempt ran).
   */
  markFailed(remote: string): boolean {
    const entry = this.find(remote);
    if (entry === undefined) return false;
    this.failures += 1;
    entry.failedAt = this.failures;
    return true;
  }

  /** Records that `remote` answered; it is tried in its rotation turn again. False when unknown. */
  markHealthy(remote: string): boolean {
    const entry = this.find(remote);
    if (entry === undefined) return false;
    entry.failedAt = undefined;
    return true;
  }

  /**
   * Replaces the members, e.g. after a cluster grew or a configmap changed. Remotes that stay
   * keep their relative order and health, and the cursor stays on the same remote (or the
   * next one that stays); new remotes are appended (shuffled among themselves when the list
   * shuffles) as healthy.
   *
   * @throws {@link InvalidRemoteError} for a malformed, empty or repeated remote; the list is unchanged then.
   */
  update(remotes: string | readonly string[]): EndpointChanges {
    const incoming = parseAll(remotes);
    const wanted = new Set(incoming.map((e) => e.text));
    const current = new Set(this.entries.map((e) => e.text));
    const removed = this.entries.filter((e) => !wanted.has(e.text)).map((e) => e.text);
    const fresh = incoming.filter((e) => !current.has(e.text));
    const n = this.entries.length;
    let nextCursor: string | undefined;
    for (let i = 0; i < n && nextCursor === undefined; i++) {
      const text = (this.entries[(this.cursor + i) % n] as Entry).text;
      if (wanted.has(text)) nextCursor = text;
    }
    const kept = this.entries.filter((e) => wanted.has(e.text));
    this.entries = [...kept, ...this.arrange(fresh)];
    const index = nextCursor === undefined ? -1 : this.entries.findIndex((e) => e.text === nextCursor);
    this.cursor = index < 0 ? 0 : index;
    return { added: fresh.map((e) => e.text), removed };
  }

  /** The remotes as an OVS comma list in {@link EndpointList.attemptOrder}, ready for `connect`. */
  toString(): string {
    return this.attemptOrder().join(',');
  }

  private find(remote: string): Entry | undefined {
    const text = formatRemote(parseRemote(remote));
    return this.entries.find((e) => e.text === text);
  }

  private arrange(entries: Entry[]): Entry[] {
    if (!this.shuffled) return entries;
    // Fisher-Yates: every order equally likely given a uniform source.
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(this.random() * (i + 1)));
      const swap = entries[i] as Entry;
      entries[i] = entries[j] as Entry;
      entries[j] = swap;
    }
    return entries;
  }
}

function parseAll(remotes: string | readonly string[]): Entry[] {
  const parsed = typeof remotes === 'string' ? parseRemoteList(remotes) : remotes.map((r) => parseRemote(r));
  if (parsed.length === 0)
    throw new InvalidRemoteError(String(remotes), 'an endpoint list needs at least one remote');
  const seen = new Set<string>();
  return parsed.map((remote) => {
    const text = formatRemote(remote);
    if (seen.has(text)) throw new InvalidRemoteError(String(remotes), `${text} appears more than once`);
    seen.add(text);
    return { text, remote, failedAt: undefined };
  });
}
