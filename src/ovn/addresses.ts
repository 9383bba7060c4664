/**
 * IP addresses, CIDRs and MACs as the OVN helpers take them.
 *
 * Normalization rules (what OVN itself keeps, see docs/ovn/addresses.md):
 * - A CIDR's **network** form has the host bits cleared (`10.0.0.5/24` -> `10.0.0.0/24`):
 *   used for route prefixes (`ip_prefix`) and subnet blocks, which ovn-nbctl normalizes too.
 * - A CIDR's **address** form keeps the host bits (`169.254.0.1/30`): used for router port
 *   `networks`, where the address is the port's own IP and the prefix its subnet.
 * - IPv6 is written in its compressed, lower-case form (`fd00::1`), as ovn-nbctl writes it.
 * - Whitespace around a value is dropped (it is never written); anything but canonical text
 *   inside it is refused: see address-refusals.ts for each refused form and OVN's reason.
 */
import { randomBytes } from 'node:crypto';
import { ADDRESS_WIDTH, formatAddress, ipBits, readAddress } from './address-bits.js';
import { prefixLengthRefusal } from './address-refusals.js';
import { InvalidSpecError } from './ovn-errors.js';
import { ParseCache } from './parse-cache.js';

/** 4 or 6. */
export type IpFamily = 4 | 6;

/** A parsed IP address. */
export interface IpAddress {
  readonly family: IpFamily;
  /** Canonical text: dotted quad, or compressed lower-case IPv6. */
  readonly text: string;
}

/** A parsed CIDR. */
export interface Cidr {
  readonly family: IpFamily;
  readonly prefix: number;
  /** The address as given, canonical, host bits kept: `169.254.0.1`. */
  readonly address: string;
  /** The network, host bits cleared: `169.254.0.0`. */
  readonly network: string;
  /** `address/prefix`: the form of router port `networks`. */
  readonly addressText: string;
  /** `network/prefix`: the form of route prefixes and subnet blocks. */
  readonly networkText: string;
  /** True when the address has host bits set (it is not the network address itself). */
  readonly hasHostBits: boolean;
}

function trimmed(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Parses an IPv4 or IPv6 address (no prefix). `field` names the spec field for the error.
 * @throws {@link InvalidSpecError} for anything but an address in canonical spelling, and for
 *   IPv4-mapped and IPv4-compatible IPv6 addresses (see address-refusals.ts).
 */
export function parseIp(value: string, field: string): IpAddress {
  const text = trimmed(value);
  return ipCache.get(text, () => {
    if (text.includes('/')) throw new InvalidSpecError(field, value, 'an address, without a prefix length');
    const { family, bits } = readAddress(text, field, value);
    return Object.freeze({ family, text: formatAddress(family, bits, field) });
  });
}

// Parsed forms by text (trimmed): each address is parsed once, not once per plan.
const ipCache = new ParseCache<IpAddress>();
const cidrCache = new ParseCache<Cidr>();

/**
 * Parses a CIDR (`10.0.0.0/16`, `fd00::1/64`). A missing prefix length is refused (OVN
 * would read a bare address as a host route, which is never what a spec field means).
 * @throws {@link InvalidSpecError} for anything but canonical spelling (see
 *   address-refusals.ts): a prefix length that is empty, signed, has leading zeros or is too
 *   long for the family, and every address {@link parseIp} refuses.
 */
export function parseCidr(value: string, field: string): Cidr {
  const text = trimmed(value);
  return cidrCache.get(text, () => readCidr(text, value, field));
}

function readCidr(text: string, value: string, field: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidSpecError(field, value, 'a CIDR needs a prefix length (address/len)');
  const { family, bits } = readAddress(text.slice(0, slash), field, value);
  const refused = prefixLengthRefusal(text.slice(slash + 1), family);
  if (refused !== undefined) throw new InvalidSpecError(field, value, refused);
  const prefix = Number(text.slice(slash + 1));
  const hostBits = BigInt(ADDRESS_WIDTH[family] - prefix);
  const networkBits = (bits >> hostBits) << hostBits;
  const address = formatAddress(family, bits, field);
  const network = formatAddress(family, networkBits, field);
  const cidr: Cidr = Object.freeze({
    family,
    prefix,
    address,
    network,
    addressText: `${address}/${prefix}`,
    networkText: `${network}/${prefix}`,
    hasHostBits: bits !== networkBits,
  });
  parsedNetworks.set(cidr, networkBits);
  return cidr;
}

// The network value of each CIDR parseCidr made: a containment test reads it, not the text.
const parsedNetworks = new WeakMap<Cidr, bigint>();

/** The value of `cidr`'s network (a hand-built one's text is read again). */
function networkBits(cidr: Cidr): bigint {
  return parsedNetworks.get(cidr) ?? ipBits({ family: cidr.family, text: cidr.network }, 'cidr');
}

/**
 * True when `ip` (of either family) lies inside `cidr`.
 * @throws {@link InvalidSpecError} when a hand-built argument holds no address of its family.
 */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt(ADDRESS_WIDTH[cidr.family] - cidr.prefix);
  return ipBits(ip) >> hostBits === networkBits(cidr) >> hostBits;
}

/**
 * True when two CIDRs share at least one address: one contains the other's network, that is
 * their networks agree on the bits of the shorter prefix.
 */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const hostBits = BigInt(ADDRESS_WIDTH[a.family] - Math.min(a.prefix, b.prefix));
  return networkBits(a) >> hostBits === networkBits(b) >> hostBits;
}

// Random bytes drawn in batches: one draw per MAC costs more than planning the port it is for.
let randomPool = new Uint8Array(0);
let randomAt = 0;

function randomSix(): Uint8Array {
  if (randomAt + 6 > randomPool.length) {
    randomPool = randomBytes(6 * 256);
    randomAt = 0;
  }
  randomAt += 6;
  return randomPool.subarray(randomAt - 6, randomAt);
}

/**
 * A random MAC, locally administered and unicast (the first byte's bit 1 set, bit 0 clear),
 * as Kube-OVN makes for router ports. `bytes` may be injected for repeatable tests.
 */
export function randomMac(bytes: Uint8Array = randomSix()): string {
  const b = Array.from(bytes.subarray(0, 6));
  b[0] = ((b[0] ?? 0) | 0x02) & 0xfe;
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Parses a MAC `aa:bb:cc:dd:ee:ff` (any case); returns it lower case. */
export function parseMac(value: string, field: string): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(text))
    throw new InvalidSpecError(field, value, 'not a MAC address');
  return text;
}
