/**
 * The fields a match may name, as OVN 23.03 defines them for logical flows (ovn-sb(5),
 * "Logical_Flow"): width, level, prerequisite, and for subfields and predicates what they
 * stand for. A name missing here is refused, as OVN refuses it.
 */

/**
 * What a field allows:
 * - `ordinal`: any relational operator, subfields, masks (addresses, ports, registers);
 * - `nominal`: only equality (taking enclosing `!` into account), no partial subfield
 *   (`ip.proto`, `eth.type`, `inport`); a nominal predicate (`ip4`, `tcp`) may only be tested
 *   positively;
 * - `boolean`: a predicate built from ordinal fields only (`eth.bcast`): `==`/`!=` and `!`.
 */
export type MatchFieldLevel = 'nominal' | 'boolean' | 'ordinal';

/** One field of the match language. */
export interface MatchField {
  readonly name: string;
  /** `integer` holds bits; `string` holds a port name (`inport`); `predicate` is a 1-bit test. */
  readonly kind: 'integer' | 'string' | 'predicate';
  /** Bits; 0 for a string field, 1 for a predicate. */
  readonly width: number;
  readonly level: MatchFieldLevel;
  /**
   * What OVN adds to any comparison of the field (`ip4` for `ip4.src`): not a refusal when
   * contradicted, the match then never holds.
   */
  readonly prerequisite?: string;
  /** A subfield's bits of its parent (`ct_state[5]`), or a predicate's expression. */
  readonly definition?: string;
}

const table = new Map<string, MatchField>();

function add(field: MatchField): void {
  table.set(field.name, field);
}

function integer(name: string, width: number, level: MatchFieldLevel, prerequisite?: string): void {
  add({ name, kind: 'integer', width, level, ...(prerequisite === undefined ? {} : { prerequisite }) });
}

/** A subfield: bits `low..high` of `parent`, ordinal like every parent OVN subdivides. */
function bits(name: string, parent: string, low: number, high: number, prerequisite?: string): void {
  const definition = low === high ? `${parent}[${low}]` : `${parent}[${low}..${high}]`;
  add({
    name,
    kind: 'integer',
    width: high - low + 1,
    level: 'ordinal',
    definition,
    ...(prerequisite === undefined ? {} : { prerequisite }),
  });
}

/**
 * A predicate. Its level is the lowest of the fields its expression compares: `ip4` tests
 * `eth.type`, a nominal field, so it is nominal; `eth.bcast` tests `eth.dst`, so it is boolean.
 */
function predicate(name: string, level: 'nominal' | 'boolean', definition: string): void {
  add({ name, kind: 'predicate', width: 1, level, definition });
}

// Logical ports and registers.
add({ name: 'inport', kind: 'string', width: 0, level: 'nominal' });
add({ name: 'outport', kind: 'string', width: 0, level: 'nominal' });
integer('xxreg0', 128, 'ordinal');
integer('xxreg1', 128, 'ordinal');
for (let x = 0; x < 4; x++) {
  const low = x % 2 === 0 ? 64 : 0;
  bits(`xreg${x}`, `xxreg${Math.floor(x / 2)}`, low, low + 63);
}
integer('xreg4', 64, 'ordinal');
for (let r = 0; r < 10; r++) {
  // reg0 is the top 32 bits of xxreg0; reg8 and reg9 are the halves of xreg4.
  const low = r < 8 ? 32 * (3 - (r % 4)) : 32 * (1 - (r % 2));
  bits(`reg${r}`, r < 8 ? `xxreg${Math.floor(r / 4)}` : 'xreg4', low, low + 31);
}
integer('flags', 32, 'ordinal');
bits('flags.loopback', 'flags', 0, 0);
bits('flags.force_snat_for_dnat', 'flags', 2, 2);
bits('flags.force_snat_for_lb', 'flags', 3, 3);
bits('flags.skip_snat_for_lb', 'flags', 9, 9);
bits('flags.use_snat_zone', 'flags', 11, 11);
integer('pkt.mark', 32, 'ordinal');

// Connection tracking.
integer('ct_mark', 32, 'ordinal');
bits('ct_mark.blocked', 'ct_mark', 0, 0);
bits('ct_mark.natted', 'ct_mark', 1, 1);
bits('ct_mark.skip_snat', 'ct_mark', 2, 2);
bits('ct_mark.force_snat', 'ct_mark', 3, 3);
bits('ct_mark.ecmp_reply_port', 'ct_mark', 16, 31);
integer('ct_label', 128, 'ordinal');
bits('ct_label.blocked', 'ct_label', 0, 0);
bits('ct_label.natted', 'ct_label', 1, 1);
bits('ct_label.skip_snat', 'ct_label', 2, 2);
bits('ct_label.force_snat', 'ct_label', 3, 3);
bits('ct_label.ecmp_reply_eth', 'ct_label', 32, 79);
bits('ct_label.ecmp_reply_port', 'ct_label', 80, 95);
bits('ct_label.label', 'ct_label', 96, 127);
integer('ct_state', 32, 'ordinal');
for (const [index, state] of ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'].entries()) {
  // Every state bit but ct.trk itself means something only for a tracked packet.
  bits(`ct.${state}`, 'ct_state', index, index, state === 'trk' ? undefined : 'ct.trk');
}

// Ethernet and VLAN.
integer('eth.src', 48, 'ordinal');
integer('eth.dst', 48, 'ordinal');
integer('eth.type', 16, 'nominal');
predicate('eth.bcast', 'boolean', 'eth.dst == ff:ff:ff:ff:ff:ff');
bits('eth.mcast', 'eth.dst', 40, 40);
predicate('eth.mcastv6', 'boolean', 'eth.dst[32..47] == 0x3333');
integer('vlan.tci', 16, 'ordinal');
predicate('vlan.present', 'boolean', 'vlan.tci[12]');
bits('vlan.pcp', 'vlan.tci', 13, 15, 'vlan.present');
bits('vlan.vid', 'vlan.tci', 0, 11, 'vlan.present');

// IP.
predicate('ip4', 'nominal', 'eth.type == 0x800');
predicate('ip6', 'nominal', 'eth.type == 0x86dd');
predicate('ip', 'nominal', 'ip4 || ip6');
integer('ip.proto', 8, 'nominal', 'ip');
integer('ip.dscp', 6, 'nominal', 'ip');
integer('ip.ecn', 2, 'nominal', 'ip');
integer('ip.ttl', 8, 'nominal', 'ip');
integer('ip.frag', 2, 'ordinal', 'ip');
predicate('ip.is_frag', 'boolean', 'ip.frag[0]');
predicate('ip.later_frag', 'boolean', 'ip.frag[1]');
predicate('ip.first_frag', 'boolean', 'ip.is_frag && !ip.later_frag');
integer('ip4.src', 32, 'ordinal', 'ip4');
integer('ip4.dst', 32, 'ordinal', 'ip4');
predicate('ip4.src_mcast', 'boolean', 'ip4.src[28..31] == 0xe');
predicate('ip4.mcast', 'boolean', 'eth.mcast && ip4.dst[28..31] == 0xe');
integer('ip6.src', 128, 'ordinal', 'ip6');
integer('ip6.dst', 128, 'ordinal', 'ip6');
integer('ip6.label', 20, 'ordinal', 'ip6');
predicate('ip6.mcast_rsvd', 'boolean', 'ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0');
predicate('ip6.mcast_all_nodes', 'boolean', 'ip6.dst == ff01::1 || ip6.dst == ff02::1');
predicate('ip6.mcast_all_rtrs', 'boolean', 'ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2');
predicate('ip6.mcast_sol_node', 'boolean', 'ip6.dst == ff02::1:ff00:0000/104');
predicate(
  'ip6.mcast_flood',
  'boolean',
  'eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || ip6.mcast_all_rtrs || ip6.mcast_sol_node)',
);
predicate('ip6.mcast', 'boolean', 'eth.mcastv6 && ip6.dst[120..127] == 0xff');

// ICMP, IGMP, MLD.
predicate('icmp4', 'nominal', 'ip4 && ip.proto == 1');
integer('icmp4.type', 8, 'nominal', 'icmp4');
integer('icmp4.code', 8, 'nominal', 'icmp4');
predicate('igmp', 'nominal', 'ip4 && ip.proto == 2');
predicate('icmp6', 'nominal', 'ip6 && ip.proto == 58');
integer('icmp6.type', 8, 'nominal', 'icmp6');
integer('icmp6.code', 8, 'nominal', 'icmp6');
predicate('icmp', 'nominal', 'icmp4 || icmp6');
predicate('mldv1', 'nominal', 'ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}');
predicate('mldv2', 'nominal', 'ip6.dst == ff02::16 && icmp6.type == 143');
// OVN's own fields (settable by actions); comparable in a match, as nominal fields.
integer('icmp4.frag_mtu', 16, 'nominal');
integer('icmp6.frag_mtu', 32, 'nominal');

// ARP, RARP and neighbour discovery.
for (const protocol of ['arp', 'rarp']) {
  predicate(protocol, 'nominal', protocol === 'arp' ? 'eth.type == 0x806' : 'eth.type == 0x8035');
  integer(`${protocol}.op`, 16, 'nominal', protocol);
  integer(`${protocol}.spa`, 32, 'ordinal', protocol);
  integer(`${protocol}.sha`, 48, 'ordinal', protocol);
  integer(`${protocol}.tpa`, 32, 'ordinal', protocol);
  integer(`${protocol}.tha`, 48, 'ordinal', protocol);
}
predicate('nd', 'nominal', 'icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255');
predicate('nd_ns', 'nominal', 'icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255');
predicate('nd_na', 'nominal', 'icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255');
predicate('nd_rs', 'nominal', 'icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255');
predicate('nd_ra', 'nominal', 'icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255');
integer('nd.target', 128, 'ordinal', 'nd');
integer('nd.sll', 48, 'ordinal', 'nd_ns');
integer('nd.tll', 48, 'ordinal', 'nd_na');

// Transport.
for (const [protocol, number] of [
  ['tcp', 6],
  ['udp', 17],
  ['sctp', 132],
] as const) {
  predicate(protocol, 'nominal', `ip.proto == ${number}`);
  integer(`${protocol}.src`, 16, 'ordinal', protocol);
  integer(`${protocol}.dst`, 16, 'ordinal', protocol);
}
integer('tcp.flags', 12, 'ordinal', 'tcp');

/** The field named `name`, or undefined when OVN has no such field. */
export function matchField(name: string): MatchField | undefined {
  return table.get(name);
}

/** Every field of the match language, in a stable order (as listed in ovn-sb(5) families). */
export function matchFields(): MatchField[] {
  return [...table.values()];
}
