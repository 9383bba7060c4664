/**
 * The address forms a match constant may take, read as OVN reads them: IPv4 and IPv6 as the
 * C library's `inet_pton` accepts them (so `010.0.0.1` and `1:2:3:4:5:6:7::8` are refused),
 * and Ethernet addresses as Open vSwitch's scanner does. Each returns the address as an
 * unsigned integer, or undefined when the text is not one.
 */

/** Dotted quad, four decimal octets of at most 255 without leading zeros. */
export function parseIpv4Text(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/**
 * IPv6 in its text forms: eight hex groups of at most four digits, one `::` standing for at
 * least one zero group, and an optional dotted quad as the last 32 bits.
 */
export function parseIpv6Text(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const given = head.length + tail.length;
  // With `::` the given groups must leave at least one zero group; without it, all eight.
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** The 16-bit groups of one side of `::`; a dotted quad may end the last side only. */
function groupsOf(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (mayEndWithIpv4 && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4Text(part);
      if (ipv4 === undefined) return undefined;
      groups.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/**
 * Six colon-separated hex numbers in exactly 17 characters (`00:11:22:33:44:55`). Open
 * vSwitch's scanner also takes a `0x` prefix or more digits per group, keeping the low byte.
 */
export function parseMacText(text: string): bigint | undefined {
  if (text.length !== 17) return undefined;
  const parts = text.split(':');
  if (parts.length !== 6) return undefined;
  let value = 0n;
  for (const part of parts) {
    const match = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(part);
    if (match === null) return undefined;
    value = (value << 8n) | (BigInt(`0x${match[1]}`) & 0xffn);
  }
  return value;
}
