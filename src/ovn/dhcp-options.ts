/**
 * DHCP_Options rows as Kube-OVN keeps them: one per Subnet and protocol, found by its
 * `external_ids` (`subnet=<name>`, `protocol=IPv4|IPv6`, `vendor=kube-ovn`) rather than by
 * UUID, and referenced by the subnet's ports (`dhcpv4_options`, `dhcpv6_options`).
 *
 * The options are checked against the option tables of ovn-northd 23.03 (what it copies into
 * the Southbound DHCP_Options and DHCPv6_Options tables, plus the keys northd itself reads):
 * an unknown key would reach ovn-controller in a `put_dhcp_opts` action it cannot parse, and
 * without `server_id`, `server_mac` and `lease_time` (IPv4) or `server_id` (IPv6) northd
 * answers no DHCP request at all.
 */
import { DHCPOptionsTable } from '../generated/nb/model.js';
import type { DHCPOptions } from '../generated/nb/rows.js';
import { deleteRows, insertRow, mutateRows, updateRows, whereColumn } from '../model/index.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type Cidr, type IpFamily, parseCidr, parseIp, parseMac } from './addresses.js';
import { mapColumnMutations, mergedMap } from './column-diff.js';
import { checkDhcpOverlapOfRow, dhcpRowRef } from './dhcp-overlap.js';
import { type NbHandle, type NbReplica, type NbTarget, nbReader, planNb } from './nb-lookup.js';
import { DuplicateNameError, InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';

export { type DhcpOptionsRowRef, OverlappingDhcpOptionsError } from './dhcp-overlap.js';

/** A DHCP_Options row to write. */
export interface DhcpOptionsSpec {
  /** The network the options serve, IPv4 or IPv6 (`10.16.0.0/16`); written in network form. */
  readonly cidr: string;
  /**
   * The options, as OVN names them: `server_id`, `server_mac`, `lease_time`, `router`,
   * `dns_server`, `mtu`, ... for IPv4; `server_id` (a MAC), `dns_server`, ... for IPv6.
   * Written as the whole map: keys not given are removed from an existing row.
   */
  readonly options: Readonly<Record<string, string>>;
  /** Merged into the row's external_ids, after `vendor=kube-ovn` and before the identity. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link setDhcpOptions}. */
export interface SetDhcpOptionsOptions {
  /**
   * The external_ids pairs that identify the row (every pair must match): Kube-OVN's
   * `{ subnet: <name>, protocol: 'IPv4' | 'IPv6' }`. Written on a new row.
   */
  readonly identity: Readonly<Record<string, string>>;
  /** Prefix of the field paths errors name (`spec.dhcpV4Options`): `<field>.cidr`, `<field>.options.<key>`. */
  readonly field?: string;
}

/** Options of {@link deleteDhcpOptions}. */
export interface DeleteDhcpOptionsOptions {
  /** No row has the identity: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

/** How ovn-northd 23.03 types an option's value (the `type` of the Southbound option tables). */
export type DhcpOptionType =
  | 'ipv4'
  | 'ipv6'
  | 'mac'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'bool'
  | 'str'
  | 'static_routes'
  | 'host_id'
  | 'domains';

/** The DHCPv4 options of ovn-northd 23.03, and `server_mac`, which northd reads itself. */
export const DHCPV4_OPTION_TYPES: Readonly<Record<string, DhcpOptionType>> = {
  offerip: 'ipv4',
  netmask: 'ipv4',
  router: 'ipv4',
  dns_server: 'ipv4',
  log_server: 'ipv4',
  lpr_server: 'ipv4',
  hostname: 'str',
  domain_name: 'str',
  swap_server: 'ipv4',
  policy_filter: 'ipv4',
  router_solicitation: 'ipv4',
  nis_server: 'ipv4',
  ntp_server: 'ipv4',
  server_id: 'ipv4',
  tftp_server: 'host_id',
  classless_static_route: 'static_routes',
  ms_classless_static_route: 'static_routes',
  ip_forward_enable: 'bool',
  router_discovery: 'bool',
  ethernet_encap: 'bool',
  default_ttl: 'uint8',
  tcp_ttl: 'uint8',
  mtu: 'uint16',
  lease_time: 'uint32',
  T1: 'uint32',
  T2: 'uint32',
  bootfile_name: 'str',
  bootfile_name_alt: 'str',
  wpad: 'str',
  path_prefix: 'str',
  tftp_server_address: 'ipv4',
  arp_cache_timeout: 'uint32',
  tcp_keepalive_interval: 'uint32',
  domain_search_list: 'domains',
  broadcast_address: 'ipv4',
  netbios_name_server: 'ipv4',
  netbios_node_type: 'uint8',
  next_server: 'ipv4',
  server_mac: 'mac',
};

/** The DHCPv6 options of ovn-northd 23.03, and `dhcpv6_stateless`, which northd reads itself. */
export const DHCPV6_OPTION_TYPES: Readonly<Record<string, DhcpOptionType>> = {
  server_id: 'mac',
  ia_addr: 'ipv6',
  dns_server: 'ipv6',
  domain_search: 'str',
  dhcpv6_stateless: 'bool',
};

/** The options ovn-northd needs before it answers any request, per family. */
const REQUIRED: Readonly<Record<IpFamily, readonly string[]>> = {
  4: ['server_id', 'server_mac', 'lease_time'],
  6: ['server_id'],
};

const UINT_MAX: Readonly<Partial<Record<DhcpOptionType, number>>> = {
  uint8: 0xff,
  uint16: 0xffff,
  uint32: 0xffffffff,
};

function join(prefix: string | undefined, name: string): string {
  return prefix === undefined || prefix === '' ? name : `${prefix}.${name}`;
}

/** An address option: one address, or OVN's `{a, b}` list. */
function checkAddresses(value: string, family: IpFamily, field: string): void {
  const text = value.trim();
  const list = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1).split(',') : [text];
  for (const item of list) {
    const ip = parseIp(item, field);
    if (ip.family !== family) throw new InvalidSpecError(field, value, `an IPv${family} address`);
  }
}

function checkOptionValue(type: DhcpOptionType, value: string, field: string): void {
  switch (type) {
    case 'ipv4':
      checkAddresses(value, 4, field);
      return;
    case 'ipv6':
      checkAddresses(value, 6, field);
      return;
    case 'mac':
      parseMac(value, field);
      return;
    case 'uint8':
    case 'uint16':
    case 'uint32': {
      const max = UINT_MAX[type] as number;
      if (!/^\d+$/.test(value) || Number(value) > max)
        throw new InvalidSpecError(field, value, `an integer from 0 to ${max}`);
      return;
    }
    default:
      if (value.trim() === '') throw new InvalidSpecError(field, value, 'an empty value');
  }
}

/**
 * The options checked for the family of the cidr: every key known to ovn-northd, typed
 * values well formed, the keys northd needs present.
 * @throws {@link InvalidSpecError} naming `<field>.options.<key>` (or `<field>.options`).
 */
export function checkDhcpOptionsMap(
  options: Readonly<Record<string, string>>,
  family: IpFamily,
  field?: string,
): void {
  const base = join(field, 'options');
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new InvalidSpecError(base, options, 'a map of option names to values');
  const table = family === 4 ? DHCPV4_OPTION_TYPES : DHCPV6_OPTION_TYPES;
  for (const [key, value] of Object.entries(options)) {
    const path = `${base}.${key}`;
    const type = Object.hasOwn(table, key) ? table[key] : undefined;
    if (type === undefined)
      throw new InvalidSpecError(path, value, `not a DHCPv${family === 4 ? 4 : 6} option ovn-northd knows`);
    if (typeof value !== 'string') throw new InvalidSpecError(path, value, 'must be a string');
    checkOptionValue(type, value, path);
  }
  const missing = REQUIRED[family].filter((key) => !Object.hasOwn(options, key));
  if (missing.length > 0)
    throw new InvalidSpecError(
      base,
      options,
      `ovn-northd answers no DHCPv${family} request without ${missing.join(', ')}`,
    );
}

function checkIdentity(identity: Readonly<Record<string, string>>, field: string): void {
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity))
    throw new InvalidSpecError(field, identity, 'a map of external_ids pairs');
  const entries = Object.entries(identity);
  if (entries.length === 0)
    throw new InvalidSpecError(
      field,
      identity,
      'at least one external_ids pair (an empty one matches every row)',
    );
  for (const [key, value] of entries)
    if (typeof value !== 'string') throw new InvalidSpecError(`${field}.${key}`, value, 'must be a string');
}

/** `key=value,...` of an identity, as errors name it. */
function identityText(identity: Readonly<Record<string, string>>): string {
  return Object.entries(identity)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function matches(row: DHCPOptions, identity: Readonly<Record<string, string>>): boolean {
  for (const key in identity) if (row.external_ids[key] !== identity[key]) return false;
  return true;
}

function rowsOf(nb: NbReplica, identity: Readonly<Record<string, string>>): DHCPOptions[] {
  return nb.where('DHCP_Options', (row) => matches(row, identity));
}

/**
 * The DHCP_Options row whose external_ids hold every pair of `identity`, or undefined.
 * @throws {@link DuplicateNameError} when several rows have the identity;
 *   {@link InvalidSpecError} (`identity`) when it is empty.
 */
export function findDhcpOptions(
  target: NbTarget,
  identity: Readonly<Record<string, string>>,
): DHCPOptions | undefined {
  checkIdentity(identity, 'identity');
  const rows = rowsOf(nbReader(target), identity);
  if (rows.length > 1)
    throw new DuplicateNameError(
      'DHCP_Options',
      identityText(identity),
      rows.map((r) => r._uuid),
    );
  return rows[0];
}

/** The cidr checked: a network of either family, written with its host bits cleared. */
export function parseDhcpCidr(value: string, field: string): Cidr {
  return parseCidr(parseCidr(value, field).networkText, field);
}

/**
 * Creates the DHCP_Options row with identity `options.identity` (external_ids pairs), or brings
 * the one that exists to `spec` by diff: `cidr` updated when it differs, `options` and
 * `external_ids` mutated key by key. The same spec twice sends nothing the second time.
 * @throws {@link InvalidSpecError} (`cidr`, `options.<key>`, `identity`: a `protocol` pair that
 *   is not the cidr's family), {@link DuplicateNameError} (several rows with the identity),
 *   {@link OverlappingDhcpOptionsError} (a new cidr overlapping another row referenced on a
 *   switch that references this one).
 */
export function setDhcpOptions<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: DhcpOptionsSpec,
  options: SetDhcpOptionsOptions,
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setDhcpOptionsOps(txn.view, spec, options)));
}

function setDhcpOptionsOps(
  nb: NbReplica,
  spec: DhcpOptionsSpec,
  options: SetDhcpOptionsOptions,
): Operation[] {
  const { field, identity } = options;
  if (spec === null || typeof spec !== 'object')
    throw new InvalidSpecError(field ?? 'spec', spec, 'a DHCP options spec');
  checkIdentity(identity, join(field, 'identity'));
  const cidr = parseDhcpCidr(spec.cidr, join(field, 'cidr'));
  const protocol = identity.protocol;
  if (protocol !== undefined && protocol !== `IPv${cidr.family}`)
    throw new InvalidSpecError(
      join(field, 'identity.protocol'),
      protocol,
      `the cidr ${cidr.networkText} is IPv${cidr.family}`,
    );
  checkDhcpOptionsMap(spec.options, cidr.family, field);
  const externalIds = { vendor: KUBE_OVN_VENDOR, ...spec.externalIds, ...identity };
  for (const [key, value] of Object.entries(externalIds))
    if (typeof value !== 'string')
      throw new InvalidSpecError(join(field, `externalIds.${key}`), value, 'must be a string');
  const row = findDhcpOptions(nb, identity);
  if (row === undefined)
    return [
      insertRow(DHCPOptionsTable, {
        cidr: cidr.networkText,
        options: { ...spec.options },
        external_ids: externalIds,
      }).operation,
    ];
  const ops: Operation[] = [];
  const where = [whereColumn<DHCPOptions, '_uuid', '=='>('_uuid', '==', row._uuid)];
  if (row.cidr !== cidr.networkText) {
    checkDhcpOverlapOfRow(nb, dhcpRowRef(row), cidr, { field: join(field, 'cidr'), value: spec.cidr });
    ops.push(updateRows(DHCPOptionsTable, where, { cidr: cidr.networkText }));
  }
  const mutations = [
    ...mapColumnMutations<DHCPOptions>('options', row.options, spec.options),
    ...mapColumnMutations<DHCPOptions>(
      'external_ids',
      row.external_ids,
      mergedMap(row.external_ids, externalIds),
    ),
  ];
  if (mutations.length > 0) ops.push(mutateRows(DHCPOptionsTable, where, mutations));
  return ops;
}

/**
 * Deletes every DHCP_Options row with identity `identity`. Ports that referenced it lose the
 * reference (the column is a weak reference: the server clears it).
 * @throws {@link ObjectNotFoundError} when none has it and `ifExists` is not set;
 *   {@link InvalidSpecError} (`identity`) when it is empty.
 */
export function deleteDhcpOptions<Target extends NbTarget | NbHandle>(
  target: Target,
  identity: Readonly<Record<string, string>>,
  options: DeleteDhcpOptionsOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteDhcpOptionsOps(txn.view, identity, options)));
}

function deleteDhcpOptionsOps(
  nb: NbReplica,
  identity: Readonly<Record<string, string>>,
  options: DeleteDhcpOptionsOptions,
): Operation[] {
  checkIdentity(identity, 'identity');
  const rows = rowsOf(nb, identity);
  if (rows.length === 0) {
    if (options.ifExists === true) return [];
    throw new ObjectNotFoundError('DHCP_Options', identityText(identity));
  }
  return rows.map((row) => deleteRows(DHCPOptionsTable, [whereColumn('_uuid', '==', row._uuid)]));
}
