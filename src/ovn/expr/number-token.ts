/**
 * Numeric constants of the match language: decimal and hexadecimal integers, IPv4 and IPv6
 * addresses, Ethernet addresses, each optionally masked (`value/mask`, or `address/prefix`).
 * Read as OVN's lexer reads them, so that what it refuses is refused here too.
 */
import { parseIpv4Text, parseIpv6Text, parseMacText } from './address-text.js';

/** How a numeric constant was written; it decides which masks go with it. */
export type NumberFormat = 'decimal' | 'hexadecimal' | 'ipv4' | 'ipv6' | 'ethernet';

/** A numeric constant: its value, and its mask when written `value/mask`. */
export interface NumberValue {
  readonly format: NumberFormat;
  /** The value, host bits already cleared by the mask (OVN does the same). */
  readonly value: bigint;
  readonly mask?: bigint;
}

/** What scanning a number at a position found: the constant or why it is not one, and where it ends. */
export type ScannedNumber = { readonly end: number } & (
  | { readonly number: NumberValue }
  | { readonly error: string }
);

/** OVN keeps constants in 1024-bit values: a wider hexadecimal constant is refused. */
const MAX_BITS = 1024;
const DECIMAL_LIMIT = 1n << 64n;
/** Longer text cannot be an IPv6 address (the C library's INET6_ADDRSTRLEN, 46, with its NUL). */
const MAX_ADDRESS_TEXT = 45;

/**
 * The extent of a numeric token from `start`: letters, digits, dots (but not `..`, the range
 * operator) and colons (but none after a dot, so `1.2.3.4:80` is three tokens while
 * `::ffff:1.2.3.4` stays one).
 */
function numberExtent(text: string, start: number): number {
  let end = start;
  let sawDot = false;
  for (;;) {
    const c = text[end];
    if (c === undefined) break;
    if (/[0-9A-Za-z]/.test(c) || (c === ':' && !sawDot)) end++;
    else if (c === '.' && text[end + 1] !== '.') {
      sawDot = true;
      end++;
    } else break;
  }
  return end;
}

function scanUnmasked(text: string, start: number): ScannedNumber {
  const end = numberExtent(text, start);
  const word = text.slice(start, end);
  if (word === '') return { end, error: 'expected an integer constant' };
  const mac = parseMacText(word);
  if (mac !== undefined) return { end, number: { format: 'ethernet', value: mac } };
  if (/^[0-9]+$/.test(word)) {
    if (word.length > 1 && word.startsWith('0'))
      return { end, error: `decimal constant ${word} has a leading zero (write 0x... for hexadecimal)` };
    const value = BigInt(word);
    if (value >= DECIMAL_LIMIT) return { end, error: `decimal constant ${word} is not less than 2**64` };
    return { end, number: { format: 'decimal', value } };
  }
  if (/^0[xX]/.test(word)) {
    const digits = word.slice(2);
    if (digits === '') return { end, error: `hex digits expected after ${word}` };
    if (!/^[0-9a-fA-F]+$/.test(digits)) return { end, error: `malformed hexadecimal constant ${word}` };
    const value = BigInt(`0x${digits}`);
    if (value.toString(2).length > MAX_BITS && value !== 0n)
      return { end, error: `hexadecimal constant ${word} is wider than ${MAX_BITS} bits` };
    return { end, number: { format: 'hexadecimal', value } };
  }
  if (word.length <= MAX_ADDRESS_TEXT) {
    const ipv4 = parseIpv4Text(word);
    if (ipv4 !== undefined) return { end, number: { format: 'ipv4', value: ipv4 } };
    const ipv6 = parseIpv6Text(word);
    if (ipv6 !== undefined) return { end, number: { format: 'ipv6', value: ipv6 } };
  }
  return { end, error: `malformed numeric constant ${word}` };
}

/** Each format with its article, as messages name them. */
const FORMAT_NAMES: Readonly<Record<NumberFormat, string>> = {
  decimal: 'a decimal',
  hexadecimal: 'a hexadecimal',
  ipv4: 'an IPv4',
  ipv6: 'an IPv6',
  ethernet: 'an Ethernet',
};

/** A mask of `bits` leading ones in a `width`-bit address. */
function prefixMask(bits: number, width: number): bigint {
  return ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
}

/**
 * The mask after `/`, read against the value's format: the same format (`0x10/0xf0`,
 * `10.0.0.0/255.0.0.0`), a prefix length for an address (`/24`, `/64`), or a hexadecimal
 * mask after a decimal 0 (`0/0x1234`).
 */
function applyMask(value: NumberValue, mask: NumberValue): NumberValue | string {
  // OVN reads the prefix length as a 32-bit number: 4294967320 is read as 24.
  const prefix = Number(mask.value & 0xffffffffn);
  const isAddress = value.format === 'ipv4' || value.format === 'ipv6';
  const addressBits = value.format === 'ipv4' ? 32 : 128;
  if (value.format === mask.format) return masked(value.format, value.value, mask.value);
  if (isAddress && mask.format === 'decimal') {
    if (prefix > addressBits)
      return `prefix length ${mask.value} is longer than ${FORMAT_NAMES[value.format]} address`;
    return masked(value.format, value.value, prefixMask(prefix, addressBits));
  }
  if (value.format === 'decimal' && mask.format === 'hexadecimal' && value.value === 0n)
    return masked('hexadecimal', value.value, mask.value);
  const kind = FORMAT_NAMES[value.format];
  const orPrefix = isAddress ? ' or a prefix length' : '';
  return `${kind} value takes ${kind} mask${orPrefix}, not ${FORMAT_NAMES[mask.format]} one`;
}

function masked(format: NumberFormat, value: bigint, mask: bigint): NumberValue {
  return { format, value: value & mask, mask };
}

/**
 * Scans the numeric constant at `start` (a digit, `::`, or hex digits followed by a colon),
 * with its `/mask` when one follows immediately.
 */
export function scanNumber(text: string, start: number): ScannedNumber {
  const scanned = scanUnmasked(text, start);
  if (!('number' in scanned) || text[scanned.end] !== '/') return scanned;
  const mask = scanUnmasked(text, scanned.end + 1);
  if (!('number' in mask)) return mask;
  const masked = applyMask(scanned.number, mask.number);
  return typeof masked === 'string' ? { end: mask.end, error: masked } : { end: mask.end, number: masked };
}

/**
 * How many bits the constant needs: its mask's when masked, otherwise its value's for a
 * number, or the address size for an address (so `0.0.0.1` still needs 32 bits).
 */
export function numberWidth(number: NumberValue): number {
  const bitLength = (value: bigint): number => (value === 0n ? 0 : value.toString(2).length);
  if (number.mask !== undefined) return bitLength(number.mask);
  switch (number.format) {
    case 'decimal':
    case 'hexadecimal':
      return bitLength(number.value);
    case 'ipv4':
      return 32;
    case 'ipv6':
      return 128;
    case 'ethernet':
      return 48;
  }
}
