/**
 * Kube-OVN's Subnet in a VPC: a Logical_Switch joined to the VPC's router by a patch pair
 * (router port `<vpc>-<subnet>` with the gateway, switch port `<subnet>-<vpc>` of type
 * router), and fixed-address switch ports such as a NAT gateway's `lanIp`.
 */
import {
  LogicalRouterPortTable,
  LogicalRouterTable,
  LogicalSwitchPortTable,
  LogicalSwitchTable,
} from '../generated/nb/index.js';
import { deleteRows, insertRow, mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { ADDRESS_WIDTH, ipBits, ipFromBits } from './address-bits.js';
import {
  type Cidr,
  cidrContains,
  cidrsOverlap,
  type IpAddress,
  parseCidr,
  parseIp,
  parseMac,
  randomMac,
} from './addresses.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  requireNamed,
} from './nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';
import { type IfExistsOption, type MayExistOption, routerSubnets } from './routers.js';
import { nextUuidName } from './uuid-names.js';

/** A Kube-OVN Subnet's fields that shape the NB rows. */
export interface SubnetSpec {
  /** The switch's name: the Subnet's `metadata.name`. */
  readonly name: string;
  /** The router (Vpc) the subnet is attached to; it must exist. */
  readonly vpc: string;
  /** One block, or `v4,v6` for dual stack (`10.0.0.0/24,fd00::/64`). */
  readonly cidrBlock: string;
  /** The router port's address in each block (comma list). @default the first address of each block */
  readonly gateway?: string;
  /** Addresses (`10.0.0.5`) or ranges (`10.0.0.10..10.0.0.20`) OVN's IPAM must not hand out. */
  readonly excludeIps?: readonly string[];
  /** The route table of packets entering the router from this subnet (`options:route_table`). */
  readonly routeTable?: string;
  /** The router port's MAC. @default a random locally administered unicast MAC */
  readonly mac?: string;
}

/** A switch port with fixed addresses (`"<mac> <ip>..."`), e.g. a NAT gateway's `lanIp`. */
export interface SwitchPortSpec {
  readonly switch: string;
  readonly name: string;
  readonly mac: string;
  /** One IP per family: an array, or a comma list. */
  readonly ips: string | readonly string[];
}

// The other_config keys of OVN's own IPAM that this helper owns.
const IPAM_KEYS = ['subnet', 'ipv6_prefix', 'exclude_ips'] as const;

/** The blocks of `cidrBlock`, network form, at most one per family. */
export function parseCidrBlock(cidrBlock: string, field = 'spec.cidrBlock'): Cidr[] {
  const parts = typeof cidrBlock === 'string' ? cidrBlock.split(',').map((p) => p.trim()) : [];
  if (parts.length === 0 || parts.length > 2 || parts.includes(''))
    throw new InvalidSpecError(
      field,
      cidrBlock,
      'one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma',
    );
  const blocks = parts.map((part) => parseCidr(part, field));
  if (blocks.length === 2 && blocks[0]!.family === blocks[1]!.family)
    throw new InvalidSpecError(field, cidrBlock, 'two blocks of one family');
  // A block is a network: ovn-nbctl and Kube-OVN keep it with the host bits cleared.
  return blocks.map((b) => parseCidr(b.networkText, field));
}

function offsetAddress(ip: string, family: 4 | 6, offset: bigint): string {
  return ipFromBits(family, ipBits({ family, text: ip }) + offset).text;
}

function lastAddress(block: Cidr): string {
  const bits = BigInt(ADDRESS_WIDTH[block.family] - block.prefix);
  return offsetAddress(block.network, block.family, (1n << bits) - 1n);
}

/** The gateway of each block (same order as `blocks`): given, or the block's first address. */
export function subnetGateways(
  blocks: readonly Cidr[],
  gateway: string | undefined,
  field = 'spec.gateway',
): string[] {
  const given = new Map<number, IpAddress>();
  if (gateway !== undefined && gateway.trim() !== '') {
    for (const part of gateway.split(',')) {
      const ip = parseIp(part, field);
      const block = blocks.find((b) => b.family === ip.family);
      if (block === undefined)
        throw new InvalidSpecError(field, gateway, `no IPv${ip.family} block in cidrBlock for ${ip.text}`);
      if (given.has(ip.family)) throw new InvalidSpecError(field, gateway, `two IPv${ip.family} gateways`);
      if (!cidrContains(block, ip) || ip.text === block.network)
        throw new InvalidSpecError(
          field,
          gateway,
          `${ip.text} is not a host address of ${block.networkText}`,
        );
      given.set(ip.family, ip);
    }
  }
  return blocks.map((block) => {
    const ip = given.get(block.family);
    if (ip !== undefined) return ip.text;
    return defaultGateway(block);
  });
}

// A block's default gateway, by the block (parsed blocks are shared: see addresses.ts).
const defaultGateways = new WeakMap<Cidr, string>();

function defaultGateway(block: Cidr): string {
  const known = defaultGateways.get(block);
  if (known !== undefined) return known;
  if (block.network === lastAddress(block))
    throw new InvalidSpecError('spec.cidrBlock', block.networkText, 'no address is left for a gateway');
  const gateway = offsetAddress(block.network, block.family, 1n);
  defaultGateways.set(block, gateway);
  return gateway;
}

function compareIp(a: IpAddress, b: IpAddress): number {
  const x = ipBits(a);
  const y = ipBits(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The excluded addresses in OVN's `other_config:exclude_ips` form (IPv4 only: OVN's IPAM
 * excludes no IPv6 addresses), each entry checked: an address or an ordered `a..b` range of
 * one family, inside a block.
 */
export function excludeIpsOption(blocks: readonly Cidr[], excludeIps: readonly string[]): string | undefined {
  const v4: string[] = [];
  excludeIps.forEach((entry, i) => {
    const field = `spec.excludeIps[${i}]`;
    if (typeof entry !== 'string') throw new InvalidSpecError(field, entry, 'must be a string');
    const ends = entry.split('..');
    if (ends.length > 2) throw new InvalidSpecError(field, entry, 'an address or one a..b range');
    const ips = ends.map((end) => parseIp(end, field));
    const [first, last] = [ips[0]!, ips[ips.length - 1]!];
    if (first.family !== last.family) throw new InvalidSpecError(field, entry, 'a range within one family');
    if (compareIp(first, last) > 0)
      throw new InvalidSpecError(field, entry, 'the range ends before it starts');
    const block = blocks.find((b) => b.family === first.family);
    if (block === undefined || !cidrContains(block, first) || !cidrContains(block, last))
      throw new InvalidSpecError(field, entry, 'outside cidrBlock');
    if (first.family === 4) v4.push(ips.length === 1 ? first.text : `${first.text}..${last.text}`);
  });
  return v4.length > 0 ? v4.join(' ') : undefined;
}

/** The IPAM `other_config` keys of a subnet's switch. */
function ipamConfig(blocks: readonly Cidr[], excludeIps: string | undefined): Record<string, string> {
  const config: Record<string, string> = {};
  for (const block of blocks) {
    if (block.family === 4) config.subnet = block.networkText;
    // OVN wants the prefix itself, an address ending in `::` (it uses it as a /64).
    else config.ipv6_prefix = block.network;
  }
  if (excludeIps !== undefined && config.subnet !== undefined) config.exclude_ips = excludeIps;
  return config;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * The operations creating subnet `spec.name` in router `spec.vpc`: the switch with its IPAM
 * `other_config`, the router port `<vpc>-<name>` (gateway/prefix of each block, `options:
 * route_table` when given) and the switch port `<name>-<vpc>` joined to it. With `mayExist`, an
 * existing subnet is brought to the spec (other_config, port networks and route table; the
 * MAC is kept) and missing ports are added.
 * @throws {@link InvalidSpecError} (`spec.cidrBlock`, `spec.gateway`, `spec.excludeIps[i]`,
 *   `mac`), {@link ObjectNotFoundError} when the router is missing, {@link ObjectExistsError}.
 */
export function addSubnet<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: SubnetSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addSubnetOps(txn.view, spec, options)));
}

function addSubnetOps(nb: NbReplica, spec: SubnetSpec, options: MayExistOption = {}): Operation[] {
  const blocks = parseCidrBlock(spec.cidrBlock);
  const gateways = subnetGateways(blocks, spec.gateway);
  const excludeIps = excludeIpsOption(blocks, spec.excludeIps ?? []);
  const mac = spec.mac === undefined ? randomMac() : parseMac(spec.mac, 'mac');
  const router = requireNamed(nb, 'Logical_Router', spec.vpc);
  const lrpName = `${spec.vpc}-${spec.name}`;
  const lspName = `${spec.name}-${spec.vpc}`;
  for (const other of routerSubnets(nb, spec.vpc, lrpName)) {
    for (const block of blocks) {
      if (cidrsOverlap(block, other.cidr))
        throw new InvalidSpecError(
          'spec.cidrBlock',
          spec.cidrBlock,
          `overlaps ${other.cidr.networkText} of router port ${other.port}`,
        );
    }
  }
  const networks = blocks.map((block, i) => `${gateways[i]}/${block.prefix}`);
  const config = ipamConfig(blocks, excludeIps);
  const existingSwitch = findNamed(nb, 'Logical_Switch', spec.name);
  const existingLrp = findNamed(nb, 'Logical_Router_Port', lrpName);
  const existingLsp = findNamed(nb, 'Logical_Switch_Port', lspName);
  if (options.mayExist !== true) {
    if (existingSwitch !== undefined) throw new ObjectExistsError('Logical_Switch', spec.name);
    if (existingLrp !== undefined) throw new ObjectExistsError('Logical_Router_Port', lrpName);
    if (existingLsp !== undefined) throw new ObjectExistsError('Logical_Switch_Port', lspName);
  }
  if (existingLrp !== undefined && !router.ports.includes(existingLrp._uuid))
    throw new ObjectExistsError('Logical_Router_Port', lrpName);
  if (existingLsp !== undefined && !existingSwitch?.ports.includes(existingLsp._uuid))
    throw new ObjectExistsError('Logical_Switch_Port', lspName);

  const ops: Operation[] = [];
  if (existingLrp === undefined) {
    const lrp = insertRow(
      LogicalRouterPortTable,
      {
        name: lrpName,
        mac,
        networks,
        external_ids: { lr: spec.vpc, vendor: KUBE_OVN_VENDOR },
        ...(spec.routeTable ? { options: { route_table: spec.routeTable } } : {}),
      },
      { uuidName: nextUuidName('lrp') },
    );
    ops.push(
      lrp.operation,
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn('ports', 'insert', [lrp.ref])],
      ),
    );
  } else {
    const lrpOptions: Record<string, string> = { ...existingLrp.options };
    delete lrpOptions.route_table;
    if (spec.routeTable) lrpOptions.route_table = spec.routeTable;
    const changeNetworks = !sameSet(existingLrp.networks, networks);
    const changeOptions = !sameMap(existingLrp.options, lrpOptions);
    if (changeNetworks || changeOptions)
      ops.push(
        updateRows(LogicalRouterPortTable, [whereColumn('_uuid', '==', existingLrp._uuid)], {
          ...(changeNetworks ? { networks } : {}),
          ...(changeOptions ? { options: lrpOptions } : {}),
        }),
      );
  }
  const lspRow = {
    name: lspName,
    type: 'router',
    addresses: ['router'],
    options: { 'router-port': lrpName },
    external_ids: { ls: spec.name, vendor: KUBE_OVN_VENDOR },
  };
  if (existingSwitch === undefined) {
    const lsp = insertRow(LogicalSwitchPortTable, lspRow, { uuidName: nextUuidName('lsp') });
    ops.push(
      lsp.operation,
      insertRow(LogicalSwitchTable, {
        name: spec.name,
        other_config: config,
        external_ids: { vendor: KUBE_OVN_VENDOR },
        ports: [lsp.ref],
      }).operation,
    );
    return ops;
  }
  const otherConfig: Record<string, string> = { ...existingSwitch.other_config };
  for (const key of IPAM_KEYS) delete otherConfig[key];
  Object.assign(otherConfig, config);
  if (!sameMap(existingSwitch.other_config, otherConfig))
    ops.push(
      updateRows(LogicalSwitchTable, [whereColumn('_uuid', '==', existingSwitch._uuid)], {
        other_config: otherConfig,
      }),
    );
  if (existingLsp === undefined) {
    const lsp = insertRow(LogicalSwitchPortTable, lspRow, { uuidName: nextUuidName('lsp') });
    ops.push(
      lsp.operation,
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', existingSwitch._uuid)],
        [mutateColumn('ports', 'insert', [lsp.ref])],
      ),
    );
  }
  return ops;
}

/**
 * The operations deleting subnet `name`: its switch (with its ports) and, on every router,
 * the router ports its router-type switch ports are joined to.
 * @throws {@link ObjectNotFoundError} when the switch is missing without `ifExists`.
 */
export function deleteSubnet<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteSubnetOps(txn.view, name, options)));
}

function deleteSubnetOps(nb: NbReplica, name: string, options: IfExistsOption = {}): Operation[] {
  const ls = findNamed(nb, 'Logical_Switch', name);
  if (ls === undefined) {
    if (options.ifExists === true) return [];
    throw new ObjectNotFoundError('Logical_Switch', name);
  }
  const ops: Operation[] = [];
  for (const uuid of ls.ports) {
    const lsp = nb.get('Logical_Switch_Port', uuid);
    const lrpName = lsp?.type === 'router' ? lsp.options['router-port'] : undefined;
    if (lrpName === undefined) continue;
    const lrp = findNamed(nb, 'Logical_Router_Port', lrpName);
    if (lrp === undefined) continue;
    for (const router of nb.where('Logical_Router', (r) => r.ports.includes(lrp._uuid))) {
      ops.push(
        mutateRows(
          LogicalRouterTable,
          [whereColumn('_uuid', '==', router._uuid)],
          [mutateColumn('ports', 'delete', [lrp._uuid])],
        ),
      );
    }
  }
  ops.push(deleteRows(LogicalSwitchTable, [whereColumn('_uuid', '==', ls._uuid)]));
  return ops;
}

/**
 * The operations adding a port with fixed addresses `"<mac> <ip> [<ip6>]"` to switch
 * `spec.switch`. IPv4 addresses must lie in the switch's `other_config:subnet` when it has one.
 * With `mayExist`, an existing port of that switch gets the addresses.
 * @throws {@link InvalidSpecError} (`mac`, `ips`), {@link ObjectNotFoundError} (switch),
 *   {@link ObjectExistsError}.
 */
export function addSwitchPort<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: SwitchPortSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addSwitchPortOps(txn.view, spec, options)));
}

function addSwitchPortOps(nb: NbReplica, spec: SwitchPortSpec, options: MayExistOption = {}): Operation[] {
  const mac = parseMac(spec.mac, 'mac');
  const list = typeof spec.ips === 'string' ? spec.ips.split(',') : [...spec.ips];
  if (list.length === 0) throw new InvalidSpecError('ips', spec.ips, 'at least one IP');
  const ips = list.map((ip) => parseIp(ip, 'ips'));
  if (ips.length > 2 || (ips.length === 2 && ips[0]!.family === ips[1]!.family))
    throw new InvalidSpecError('ips', spec.ips, 'at most one IP per family');
  const ls = requireNamed(nb, 'Logical_Switch', spec.switch);
  const v4Subnet = ls.other_config.subnet;
  if (v4Subnet !== undefined) {
    const block = parseCidr(v4Subnet, 'other_config:subnet');
    for (const ip of ips)
      if (ip.family === 4 && !cidrContains(block, ip))
        throw new InvalidSpecError('ips', spec.ips, `${ip.text} is outside ${v4Subnet}`);
  }
  const addresses = [[mac, ...ips.map((ip) => ip.text)].join(' ')];
  const existing = findNamed(nb, 'Logical_Switch_Port', spec.name);
  if (existing !== undefined) {
    if (options.mayExist !== true || !ls.ports.includes(existing._uuid))
      throw new ObjectExistsError('Logical_Switch_Port', spec.name);
    if (sameSet(existing.addresses, addresses)) return [];
    return [updateRows(LogicalSwitchPortTable, [whereColumn('_uuid', '==', existing._uuid)], { addresses })];
  }
  const lsp = insertRow(
    LogicalSwitchPortTable,
    { name: spec.name, addresses, external_ids: { ls: spec.switch, vendor: KUBE_OVN_VENDOR } },
    { uuidName: nextUuidName('lsp') },
  );
  return [
    lsp.operation,
    mutateRows(
      LogicalSwitchTable,
      [whereColumn('_uuid', '==', ls._uuid)],
      [mutateColumn('ports', 'insert', [lsp.ref])],
    ),
  ];
}
