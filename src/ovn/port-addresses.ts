/**
 * The entries of a Logical_Switch_Port's `addresses` and `port_security` columns, checked the
 * way ovn-nbctl's lsp-set-addresses and ovn-northd read them, and written in one spelling
 * (lower-case MAC, canonical addresses, single spaces) so that a spec and the row it wrote
 * compare equal.
 *
 * ovn-nbctl itself only looks at the first word (`dynamic`, `unknown`, `router` or a MAC) and
 * stores anything after it; ovn-northd then skips an entry it cannot parse with a warning, and
 * the port has no address. Here the whole entry is checked, so such an entry is refused.
 */
import type { LogicalSwitch, LogicalSwitchPort } from '../generated/nb/rows.js';
import { type Cidr, cidrContains, type IpAddress, parseCidr, parseIp } from './addresses.js';
import type { NbReplica } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';

/** The keywords an `addresses` entry may be on its own. */
const KEYWORDS = new Set(['dynamic', 'unknown', 'router']);

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** An `addresses` entry, canonical, and the static addresses it claims. */
export interface AddressEntry {
  readonly text: string;
  /** The IPs of a `"mac ip..."` entry (what must be unique on the switch). */
  readonly staticIps: readonly IpAddress[];
}

function words(value: unknown, field: string): string[] {
  if (typeof value !== 'string') throw new InvalidSpecError(field, value, 'must be a string');
  const parts = value.trim().split(/\s+/);
  if (parts[0] === '') throw new InvalidSpecError(field, value, 'an empty entry');
  return parts;
}

/** An address of an entry; a refusal names the whole entry as the value. */
function ipOf(part: string, field: string, value: string): IpAddress {
  try {
    return parseIp(part, field);
  } catch (error) {
    if (!(error instanceof InvalidSpecError)) throw error;
    throw new InvalidSpecError(field, value, `${JSON.stringify(part)}: ${error.reason}`, { cause: error });
  }
}

function cidrOf(part: string, field: string, value: string): string {
  try {
    return parseCidr(part, field).addressText;
  } catch (error) {
    if (!(error instanceof InvalidSpecError)) throw error;
    throw new InvalidSpecError(field, value, `${JSON.stringify(part)}: ${error.reason}`, { cause: error });
  }
}

function inSubnet(ip: IpAddress, v4Block: Cidr | undefined, field: string, value: string): void {
  if (ip.family === 4 && v4Block !== undefined && !cidrContains(v4Block, ip))
    throw new InvalidSpecError(
      field,
      value,
      `${ip.text} is outside the switch's subnet ${v4Block.networkText}`,
    );
}

function distinct(ips: readonly IpAddress[], field: string, value: string): void {
  const seen = new Set<string>();
  for (const ip of ips) {
    if (seen.has(ip.text)) throw new InvalidSpecError(field, value, `${ip.text} is listed twice`);
    seen.add(ip.text);
  }
}

/**
 * One `addresses` entry: `dynamic`, `unknown`, `router`, `"<mac>"`, `"<mac> <ip>..."`,
 * `"<mac> dynamic"` or `"dynamic <ip> [<ip6>]"` (OVN's IPAM asked for those addresses). IPv4
 * addresses must lie in `v4Block` (the switch's `other_config:subnet`) when it is given.
 * @throws {@link InvalidSpecError} naming `field`.
 */
export function parseAddressEntry(value: string, field: string, v4Block: Cidr | undefined): AddressEntry {
  const parts = words(value, field);
  const [first, ...rest] = parts as [string, ...string[]];
  if (KEYWORDS.has(first)) {
    if (rest.length === 0) return { text: first, staticIps: [] };
    if (first !== 'dynamic')
      throw new InvalidSpecError(field, value, `"${first}" stands alone; a MAC comes before addresses`);
    const ips = rest.map((ip) => ipOf(ip, field, value));
    if (ips.length > 2 || (ips.length === 2 && ips[0]!.family === ips[1]!.family))
      throw new InvalidSpecError(field, value, '"dynamic" takes at most one IPv4 and one IPv6 address');
    for (const ip of ips) inSubnet(ip, v4Block, field, value);
    return { text: ['dynamic', ...ips.map((ip) => ip.text)].join(' '), staticIps: [] };
  }
  if (!MAC.test(first))
    throw new InvalidSpecError(
      field,
      value,
      'dynamic, unknown, router, or a MAC (aa:bb:cc:dd:ee:ff) followed by its addresses',
    );
  const mac = first.toLowerCase();
  if (rest.length === 1 && rest[0] === 'dynamic') return { text: `${mac} dynamic`, staticIps: [] };
  const ips = rest.map((ip) => ipOf(ip, field, value));
  distinct(ips, field, value);
  for (const ip of ips) inSubnet(ip, v4Block, field, value);
  return { text: [mac, ...ips.map((ip) => ip.text)].join(' '), staticIps: ips };
}

/**
 * One `port_security` entry: `"<mac> [<ip>[/<len>]...]"`, a MAC followed by the addresses or
 * networks the port may send from.
 * @throws {@link InvalidSpecError} naming `field`.
 */
export function parsePortSecurityEntry(value: string, field: string): string {
  const [first, ...rest] = words(value, field) as [string, ...string[]];
  if (!MAC.test(first))
    throw new InvalidSpecError(field, value, 'a MAC (aa:bb:cc:dd:ee:ff), then the addresses it may use');
  const mac = first.toLowerCase();
  const addresses = rest.map((part) =>
    part.includes('/') ? cidrOf(part, field, value) : ipOf(part, field, value).text,
  );
  if (new Set(addresses).size !== addresses.length)
    throw new InvalidSpecError(field, value, 'an address is listed twice');
  return [mac, ...addresses].join(' ');
}

/** The static IPs of a stored `addresses` entry (unparsable parts skipped, as northd skips them). */
function storedIps(entry: string): string[] {
  const [first, ...rest] = entry.trim().split(/\s+/);
  if (first === undefined || !MAC.test(first)) return [];
  const out: string[] = [];
  for (const part of rest) {
    try {
      out.push(parseIp(part, 'addresses').text);
    } catch {
      // not an address: ignored
    }
  }
  return out;
}

/**
 * Refuses an address another port of `ls` already holds statically, as ovn-nbctl does
 * (`duplicate IPv4 address ... found on logical switch port ...`). One look at each port of
 * the switch; called only when the addresses change.
 * @throws {@link InvalidSpecError} naming the entry's field and the other port.
 */
export function checkUniqueIps(
  nb: NbReplica,
  ls: LogicalSwitch,
  port: LogicalSwitchPort | undefined,
  entries: readonly AddressEntry[],
  field: (index: number) => string,
): void {
  const wanted = new Map<string, number>();
  entries.forEach((entry, i) => {
    for (const ip of entry.staticIps) wanted.set(ip.text, i);
  });
  if (wanted.size === 0) return;
  for (const uuid of ls.ports) {
    if (uuid === port?._uuid) continue;
    const other = nb.get('Logical_Switch_Port', uuid);
    if (other === undefined) continue;
    for (const stored of other.addresses) {
      for (const ip of storedIps(stored)) {
        const index = wanted.get(ip);
        if (index !== undefined)
          throw new InvalidSpecError(
            field(index),
            entries[index]!.text,
            `${ip} is already an address of port ${other.name} on switch ${ls.name}`,
          );
      }
    }
  }
}
