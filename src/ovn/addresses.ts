/**
 * IP addresses, CIDRs and MACs as the OVN helpers take them, parsed with `ip-address`.
 *
 * Normalization rules (what OVN itself keeps, see docs/ovn/addresses.md):
 * - A CIDR's **network** form has the host bits cleared (`10.0.0.5/24` -> `10.0.0.0/24`):
 *   used for route prefixes (`ip_prefix`) and subnet blocks, which ovn-nbctl normalizes too.
 * - A CIDR's **address** form keeps the host bits (`169.254.0.1/30`): used for router port
 *   `networks`, where the address is the port's own IP and the prefix its subnet.
 * - IPv6 is written in its compressed, lower-case form (`fd00::1`), as ovn-nbctl writes it.
 */
import { randomBytes } from 'node:crypto';
import { Address4, Address6 } from 'ip-address';
import { InvalidSpecError } from './ovn-errors.js';

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

function canonical(address: Address4 | Address6): string {
  return address instanceof Address4 ? address.correctForm() : address.correctForm().toLowerCase();
}

/**
 * Parses an IPv4 or IPv6 address (no prefix). `field` names the spec field for the error.
 * @throws {@link InvalidSpecError}
 */
export function parseIp(value: string, field: string): IpAddress {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text !== '' && !text.includes('/')) {
    if (Address4.isValid(text)) return { family: 4, text: canonical(new Address4(text)) };
    if (Address6.isValid(text)) return { family: 6, text: canonical(new Address6(text)) };
  }
  throw new InvalidSpecError(field, value, 'not an IPv4 or IPv6 address');
}

/**
 * Parses a CIDR (`10.0.0.0/16`, `fd00::1/64`). A missing prefix length is refused (OVN
 * would read a bare address as a host route, which is never what a spec field means).
 * @throws {@link InvalidSpecError}
 */
export function parseCidr(value: string, field: string): Cidr {
  const text = typeof value === 'string' ? value.trim() : '';
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidSpecError(field, value, 'a CIDR needs a prefix length (address/len)');
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText))
    throw new InvalidSpecError(field, value, 'the prefix length is not a number');
  const prefix = Number(lengthText);
  let parsed: Address4 | Address6;
  let family: IpFamily;
  if (Address4.isValid(text.slice(0, slash))) {
    if (prefix > 32) throw new InvalidSpecError(field, value, 'an IPv4 prefix length is at most 32');
    parsed = new Address4(text);
    family = 4;
  } else if (Address6.isValid(text.slice(0, slash))) {
    if (prefix > 128) throw new InvalidSpecError(field, value, 'an IPv6 prefix length is at most 128');
    parsed = new Address6(text);
    family = 6;
  } else {
    throw new InvalidSpecError(field, value, 'not an IPv4 or IPv6 CIDR');
  }
  const address = canonical(
    family === 4
      ? new Address4(parsed.addressMinusSuffix ?? '')
      : new Address6(parsed.addressMinusSuffix ?? ''),
  );
  const network = canonical(parsed.startAddress());
  return {
    family,
    prefix,
    address,
    network,
    addressText: `${address}/${prefix}`,
    networkText: `${network}/${prefix}`,
    hasHostBits: address !== network,
  };
}

/** True when `ip` (of either family) lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  return cidr.family === 4
    ? new Address4(ip.text).isInSubnet(new Address4(cidr.networkText))
    : new Address6(ip.text).isInSubnet(new Address6(cidr.networkText));
}

/** True when two CIDRs share at least one address (one contains the other's network). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return (
    cidrContains(a, { family: b.family, text: b.network }) ||
    cidrContains(b, { family: a.family, text: a.network })
  );
}

/**
 * A random MAC, locally administered and unicast (the first byte's bit 1 set, bit 0 clear),
 * as Kube-OVN makes for router ports. `bytes` may be injected for repeatable tests.
 */
export function randomMac(bytes: Uint8Array = randomBytes(6)): string {
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
