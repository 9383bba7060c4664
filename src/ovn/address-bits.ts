/**
 * Addresses as integers: reading address text into one (after the spelling checks of
 * address-refusals.ts), writing one back as canonical text, and the arithmetic the helpers
 * need (containment, the n-th address of a block, ranges).
 *
 * This is the one place the OVN and IC helpers call `ip-address`, and every call is guarded:
 * whatever it throws (its untyped `AddressError`) becomes an {@link InvalidSpecError} naming
 * the field and the value, with the library's error as `cause`.
 */
import { Address6 } from 'ip-address';
import { embeddedIpv4Refusal, judgeAddressText } from './address-refusals.js';
import type { IpAddress, IpFamily } from './addresses.js';
import { InvalidSpecError } from './ovn-errors.js';
import { ParseCache } from './parse-cache.js';

/** The width of an address of each family. */
export const ADDRESS_WIDTH: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

/** An address read from text: its family and value. */
export interface AddressBits {
  readonly family: IpFamily;
  readonly bits: bigint;
}

/** Runs a call into `ip-address`, turning anything it throws into our error. */
function guarded<T>(field: string, value: unknown, reason: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new InvalidSpecError(field, value, reason, { cause: error });
  }
}

/**
 * Reads address text (trimmed, without a prefix length). `field` and `value` are what an
 * error names: the spec field, and the value as the caller gave it.
 * @throws {@link InvalidSpecError} for any spelling address-refusals.ts refuses, and for
 *   IPv4-mapped and IPv4-compatible IPv6 addresses.
 */
export function readAddress(text: string, field: string, value: unknown): AddressBits {
  return bitsCache.get(text, () => parseAddress(text, field, value));
}

// Read addresses by text, and canonical text by value: each is worked out once.
const bitsCache = new ParseCache<AddressBits>();
const textCache: Readonly<Record<IpFamily, Map<bigint, string>>> = { 4: new Map(), 6: new Map() };
const TEXT_CACHE_SIZE = 65_536;

function parseAddress(text: string, field: string, value: unknown): AddressBits {
  const verdict = judgeAddressText(text);
  if ('refused' in verdict) throw new InvalidSpecError(field, value, verdict.refused);
  if (verdict.family === 4) {
    // judgeAddressText checked four decimal octets of at most 255.
    const bits = text.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);
    return Object.freeze({ family: 4, bits });
  }
  const bits = guarded(field, value, 'not an IPv6 address', () => new Address6(text).bigInt());
  const refused = embeddedIpv4Refusal(bits);
  if (refused !== undefined) throw new InvalidSpecError(field, value, refused);
  return Object.freeze({ family: 6, bits });
}

/**
 * The canonical text of an address: dotted quad, or compressed lower-case IPv6 as ovn-nbctl
 * writes it (`fd00::1`).
 * @throws {@link InvalidSpecError} (`field`) when `bits` does not fit the family.
 */
export function formatAddress(family: IpFamily, bits: bigint, field = 'address'): string {
  const cache = textCache[family];
  const found = cache?.get(bits);
  if (found !== undefined) return found;
  if (bits < 0n || bits >> BigInt(ADDRESS_WIDTH[family]) !== 0n)
    throw new InvalidSpecError(field, bits.toString(), `outside the IPv${family} address space`);
  const text =
    family === 4
      ? [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.')
      : guarded(field, bits.toString(), 'not an IPv6 address', () =>
          Address6.fromBigInt(bits).correctForm().toLowerCase(),
        );
  if (cache !== undefined) {
    if (cache.size >= TEXT_CACHE_SIZE) cache.clear();
    cache.set(bits, text);
  }
  return text;
}

/**
 * The value of a parsed address (or of one built by hand: its text is read again).
 * @throws {@link InvalidSpecError} (`field`) when the text is not an address of its family.
 */
export function ipBits(ip: IpAddress, field = 'ip'): bigint {
  const text = typeof ip.text === 'string' ? ip.text.trim() : '';
  const read = readAddress(text, field, ip.text);
  if (read.family !== ip.family) throw new InvalidSpecError(field, ip.text, `not an IPv${ip.family} address`);
  return read.bits;
}

/**
 * The address of `family` whose value is `bits`.
 * @throws {@link InvalidSpecError} (`field`) when `bits` does not fit the family.
 */
export function ipFromBits(family: IpFamily, bits: bigint, field = 'address'): IpAddress {
  return { family, text: formatAddress(family, bits, field) };
}
