/**
 * Choosing a router port's address on a transit switch: a free address of the switch's
 * subnet, at random as Kube-OVN does, so that two AZs connecting at the same moment are
 * unlikely to pick the same one.
 */
import { OvndbError } from '../errors.js';
import { ADDRESS_WIDTH, ipBits, ipFromBits } from '../ovn/address-bits.js';
import { type Cidr, parseCidr, parseIp } from '../ovn/addresses.js';

/** Every address of a transit switch subnet is taken. */
export class TransitSubnetExhaustedError extends OvndbError {
  constructor(
    readonly transitSwitch: string,
    readonly subnet: string,
    readonly used: number,
  ) {
    super(
      'OVNDB_TRANSIT_SUBNET_EXHAUSTED',
      `transit switch ${transitSwitch}: no free address left in ${subnet} (${used} in use)`,
      { details: { transitSwitch, subnet, used } },
    );
  }
}

/** Addresses other ports hold, read from `addresses`/`address` strings (`"<mac> <ip>/<len> ..."`). */
export function addressesInUse(texts: Iterable<string>): Set<string> {
  const used = new Set<string>();
  for (const text of texts) {
    for (const token of text.split(/\s+/)) {
      const ip = token.split('/')[0] ?? '';
      if (ip === '') continue;
      try {
        used.add(parseIp(ip, 'addresses').text);
      } catch {
        // A MAC, "router", "dynamic": not an address, nothing to keep free.
      }
    }
  }
  return used;
}

function hostRange(block: Cidr): { first: bigint; count: bigint; text: (n: bigint) => string } {
  const size = 1n << BigInt(ADDRESS_WIDTH[block.family] - block.prefix);
  const start = ipBits({ family: block.family, text: block.network });
  const text = (n: bigint) => ipFromBits(block.family, n).text;
  // IPv4 leaves out the network and broadcast addresses (a /31 or /32 has neither to spare);
  // IPv6 leaves out the subnet-router anycast address (the first).
  if (block.family === 4 && block.prefix <= 30) return { first: start + 1n, count: size - 2n, text };
  if (block.family === 6 && block.prefix <= 126) return { first: start + 1n, count: size - 1n, text };
  return { first: start, count: size, text };
}

/**
 * A free address in `block` as `address/prefix`, chosen at random (`random` in [0, 1)):
 * up to 64 random draws, then a scan from a random offset, so a nearly full subnet still
 * finds its last free address and a full one is reported, never looped on.
 * @throws {@link TransitSubnetExhaustedError}
 */
export function pickFreeAddress(
  transitSwitch: string,
  blockText: string,
  used: ReadonlySet<string>,
  random: () => number = Math.random,
): string {
  const block = parseCidr(blockText, 'subnet');
  const { first, count, text } = hostRange(block);
  const at = (offset: bigint) => text(first + (offset % count));
  const draw = () => BigInt(Math.floor(random() * Number(count > 2n ** 52n ? 2n ** 52n : count)));
  for (let i = 0; i < 64; i++) {
    const candidate = at(draw());
    if (!used.has(candidate)) return `${candidate}/${block.prefix}`;
  }
  // The subnet is crowded: walk it once (transit subnets are small; a /112 has 65535 addresses).
  const start = draw();
  const limit = count < 1n << 20n ? count : 1n << 20n;
  for (let i = 0n; i < limit; i++) {
    const candidate = at(start + i);
    if (!used.has(candidate)) return `${candidate}/${block.prefix}`;
  }
  throw new TransitSubnetExhaustedError(transitSwitch, blockText, used.size);
}
