/**
 * The address and prefix-length spellings the OVN helpers refuse, each with the reason given
 * to the caller. Only canonical text passes: IPv4 as four decimal octets without leading
 * zeros, IPv6 of hex digits and colons (dots only for an embedded IPv4 tail), prefix lengths
 * as plain decimal. Everything else is refused by OVN; or read by OVN as something other
 * than it says (`/-0` is a default route, octet 256 is 0); or read one way by one of OVN's
 * readers and refused by another (`010`); or taken only because a lenient scanner takes
 * anything number-like (`/024`, `/+8`). The last kind is refused with the rest rather than
 * sorting lenient spellings into harmless and harmful ones.
 *
 * OVN's readers, for reference (Open vSwitch lib/packets.c; OVN lib/ovn-util.c and
 * northd/northd.c, checked against OVN 23.03 with Open vSwitch 3.1):
 * - `ip_parse_cidr` reads a static route's `ip_prefix` (through `ip46_parse_cidr`) and a
 *   router port's `networks`. It scans octets and the prefix length scanf-style, so it skips
 *   blanks, takes `+` and `-` signs and leading zeros, and keeps an octet modulo 256. Text
 *   left over after the prefix length is refused.
 * - `ipv6_parse_cidr` takes the address from hex digits, colons and dots only, then
 *   `inet_pton`; the length is read as above; text left over is refused.
 * - `ip_parse` and `ipv6_parse` are `inet_pton`, canonical text only. Next hops are resolved
 *   with them (`find_lport_address`), as are load balancer VIPs.
 * - `ip46_parse_cidr` keeps IPv4 as IPv4-mapped IPv6, and northd then tells the families apart
 *   with `IN6_IS_ADDR_V4MAPPED` (`parsed_routes_add`), or by looking for a dot in the text
 *   (`add_route`, `find_lport_address`).
 * test/ovn/address-refusals.test.ts writes the forms OVN refuses or misreads to a real
 * ovn-northd and checks the routing flows it computes from them.
 */
import type { IpFamily } from './addresses.js';

/** The family an address text is written in, or why the text is refused before parsing. */
export type AddressTextVerdict = { readonly family: IpFamily } | { readonly refused: string };

const IPV4_TEXT = /^[0-9.]+$/;
// What ipv6_parse_masked_len scans an IPv6 address from: anything else ends the address.
const IPV6_TEXT = /^[0-9A-Fa-f:.]+$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Checks the spelling of an address without a prefix length (`text` already trimmed). IPv6
 * text is checked further once parsed, by {@link embeddedIpv4Refusal}.
 */
export function judgeAddressText(text: string): AddressTextVerdict {
  if (text === '') return { refused: 'no address given' };
  // ip_parse (inet_pton) refuses any blank; ip_parse_cidr refuses one before the "/" and
  // skips one after it: nobody means either.
  if (/\s/.test(text)) return { refused: 'whitespace inside the address' };
  if (IPV4_TEXT.test(text)) return judgeIpv4Text(text);
  if (text.includes(':')) {
    if (text.includes('%')) {
      return {
        refused:
          'an IPv6 zone id (%...): ovn-northd refuses it (ipv6_parse_cidr reads hex digits, colons and dots only)',
      };
    }
    if (IPV6_TEXT.test(text)) return { family: 6 };
  }
  return { refused: 'not an IPv4 or IPv6 address' };
}

function judgeIpv4Text(text: string): AddressTextVerdict {
  const octets = text.split('.');
  if (octets.length !== 4 || octets.includes(''))
    return { refused: 'an IPv4 address is four decimal octets separated by dots' };
  if (octets.some((octet) => !DECIMAL.test(octet))) {
    return {
      refused:
        'an IPv4 octet has a leading zero: ovn-northd reads 010 as 10 in a prefix (ip_parse_cidr) ' +
        'but refuses it in a next hop (ip_parse), and other tools read it as octal 8',
    };
  }
  if (octets.some((octet) => Number(octet) > 255)) {
    return {
      refused:
        'an IPv4 octet is above 255: ovn-northd would keep it modulo 256 (ip_parse_cidr reads 256 as 0)',
    };
  }
  return { family: 4 };
}

/**
 * Why a parsed IPv6 address that carries an IPv4 address in its last 32 bits is refused, or
 * undefined for any other address (`::` and `::1` included).
 */
export function embeddedIpv4Refusal(bits: bigint): string | undefined {
  const high = bits >> 32n;
  if (high === 0xffffn) {
    return (
      'an IPv4-mapped IPv6 address (::ffff:0:0/96): ovn-northd takes it for IPv4 ' +
      '(ip46_parse_cidr, IN6_IS_ADDR_V4MAPPED), then drops the route or matches another ' +
      'network; write the IPv4 address'
    );
  }
  if (high === 0n && bits > 1n) {
    return (
      'an IPv4-compatible IPv6 address (::/96, deprecated by RFC 4291): ovn-northd prints it ' +
      'with a dot (::10.0.0.1) and then takes it for IPv4 (add_route), matching ip4.dst against ' +
      'an IPv6 address'
    );
  }
  return undefined;
}

/** Why the text after a CIDR's "/" is refused as a prefix length of `family`, or undefined. */
export function prefixLengthRefusal(text: string, family: IpFamily): string | undefined {
  if (text === '') return 'the prefix length is empty';
  if (!DECIMAL.test(text)) {
    return (
      'the prefix length is not plain decimal digits: ovn-northd (ip_parse_cidr) skips blanks ' +
      'and takes signs and leading zeros, and reads /-0 as a default route'
    );
  }
  const max = family === 4 ? 32 : 128;
  if (Number(text) > max) {
    return `an IPv${family} prefix length is at most ${max} (ovn-northd refuses more: ${
      family === 4 ? 'ip_parse_cidr' : 'ipv6_parse_cidr'
    })`;
  }
  return undefined;
}
