/**
 * OVN-native NAT on a VPC router (what Kube-OVN's OvnEip / OvnFip / OvnSnatRule / OvnDnatRule
 * write): NAT rows on a Logical_Router, and the Gateway_Chassis rows that make one of its ports a
 * distributed gateway port. The iptables VPC NAT gateway writes nothing into OVN and has no helper.
 *
 * Identity of a NAT row is ovn-nbctl's `lr-nat-add`: (type, logical_ip) for snat, (type,
 * external_ip) for dnat and dnat_and_snat. NAT only works on a router that has a gateway: a
 * gateway router (`options:chassis`) or a distributed gateway port (a port with
 * `gateway_chassis` or `ha_chassis_group`); without one northd ignores the rows, so the helper
 * refuses with {@link NoGatewayError} instead of writing rules that silently do nothing.
 */
import { OvndbError } from '../errors.js';
import type {
  GatewayChassis,
  LogicalRouter,
  LogicalRouterPort,
  NAT,
  NATType,
} from '../generated/nb/index.js';
import {
  GatewayChassisTable,
  LogicalRouterPortTable,
  LogicalRouterTable,
  NATTable,
} from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { insertRow, mutateRows, updateRows } from '../model/typed-ops.js';
import { CLEAR, type NamedRef } from '../model/write-markers.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type IpAddress, parseCidr, parseIp, parseMac } from './addresses.js';
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
import type { IfExistsOption, MayExistOption } from './routers.js';
import { nextUuidName } from './uuid-names.js';

/** The router has neither a gateway chassis nor a distributed gateway port: NAT would do nothing. */
export class NoGatewayError extends OvndbError {
  constructor(
    /** The Logical_Router name. */
    readonly router: string,
    /** What needed the gateway (`NAT`, `port forward`). */
    readonly feature: string,
  ) {
    super(
      'OVNDB_NO_GATEWAY',
      `router ${router} has no gateway (options:chassis) and no distributed gateway port ` +
        `(gateway_chassis / ha_chassis_group): ${feature} needs one (see setGatewayChassis)`,
      { details: { router, feature } },
    );
  }
}

/** A NAT rule to add to a router. */
export interface NatSpec {
  /** The Logical_Router name (the VPC). */
  readonly router: string;
  /** `snat` (OvnSnatRule), `dnat` (OvnDnatRule without ports), `dnat_and_snat` (OvnFip). */
  readonly type: NATType;
  /** The external address (the OvnEip's v4ip / v6ip). */
  readonly externalIp: string;
  /** The internal address; a CIDR for `snat` (stored with host bits cleared, /32 as a bare IP). */
  readonly logicalIp: string;
  /**
   * Distributed dnat_and_snat only: the Logical_Switch_Port holding `logicalIp`, so the rule is
   * applied on that port's chassis. Needs `externalMac`.
   */
  readonly logicalPort?: string;
  /** Distributed dnat_and_snat only: the MAC answering ARP for `externalIp`. Needs `logicalPort`. */
  readonly externalMac?: string;
  /** With several distributed gateway ports: the one (a port of the router) this rule uses. */
  readonly gatewayPort?: string;
  /** Written on new rows; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Which NAT row to delete: `ip` is the logical IP/CIDR for snat, the external IP otherwise. */
export interface NatSelector {
  readonly router: string;
  readonly type: NATType;
  readonly ip: string;
}

/** Gateway chassis of a router port, in order of preference. */
export interface GatewayChassisSpec {
  /** The Logical_Router_Port name. */
  readonly routerPort: string;
  /** Chassis names (SB Chassis `name`), most preferred first: priorities 100, 99, ... */
  readonly chassis: readonly string[];
}

const NAT_TYPES: readonly string[] = ['snat', 'dnat', 'dnat_and_snat'];

/** The distributed gateway ports of a router: ports with gateway chassis or an HA group. */
export function distributedGatewayPorts(nb: NbReplica, router: LogicalRouter): LogicalRouterPort[] {
  const out: LogicalRouterPort[] = [];
  for (const uuid of router.ports) {
    const port = nb.get('Logical_Router_Port', uuid);
    if (port !== undefined && (port.gateway_chassis.length > 0 || port.ha_chassis_group !== undefined))
      out.push(port);
  }
  return out;
}

/** True for a gateway router: one bound to a chassis by `options:chassis`. */
export function isGatewayRouter(router: LogicalRouter): boolean {
  const chassis = router.options.chassis;
  return chassis !== undefined && chassis !== '';
}

/**
 * Checks that NAT-like features (NAT rows, router load balancers) can work on `router`.
 * @throws {@link NoGatewayError} when the router has no gateway chassis and no distributed gateway port.
 */
export function requireNatGateway(
  nb: NbReplica,
  router: LogicalRouter,
  feature = 'NAT',
): LogicalRouterPort[] {
  const ports = distributedGatewayPorts(nb, router);
  if (!isGatewayRouter(router) && ports.length === 0) throw new NoGatewayError(router.name, feature);
  return ports;
}

/** The text ovn-nbctl stores as a snat `logical_ip`: network form, a host prefix as a bare IP. */
function snatLogicalText(value: string, family: 4 | 6, field = 'logicalIp'): string {
  if (typeof value === 'string' && !value.includes('/')) return parseFamilyIp(value, field, family).text;
  const cidr = parseCidr(value, field);
  if (cidr.family !== family) throw new InvalidSpecError(field, value, `not IPv${family} like externalIp`);
  return cidr.prefix === (family === 4 ? 32 : 128) ? cidr.network : cidr.networkText;
}

/** The stored logical IP of an snat rule, as given or normalized (rows other tools wrote). */
function logicalKey(type: NATType, value: string): string {
  try {
    if (type === 'snat' && value.includes('/')) {
      const cidr = parseCidr(value, 'logical_ip');
      return cidr.prefix === (cidr.family === 4 ? 32 : 128) ? cidr.network : cidr.networkText;
    }
    return parseIp(value, 'logical_ip').text;
  } catch {
    return value;
  }
}

function externalKey(value: string): string {
  try {
    return parseIp(value, 'external_ip').text;
  } catch {
    return value;
  }
}

function requireType(value: unknown): NATType {
  if (typeof value !== 'string' || !NAT_TYPES.includes(value))
    throw new InvalidSpecError('type', value, 'the NAT type is snat, dnat or dnat_and_snat');
  return value as NATType;
}

/** The router's NAT rows of one identity (type + the identifying address). */
function natsOfIdentity(nb: NbReplica, router: LogicalRouter, type: NATType, key: string): NAT[] {
  const out: NAT[] = [];
  for (const uuid of router.nat) {
    const row = nb.get('NAT', uuid);
    if (row === undefined || row.type !== type) continue;
    const rowKey = type === 'snat' ? logicalKey(type, row.logical_ip) : externalKey(row.external_ip);
    if (rowKey === key) out.push(row);
  }
  return out;
}

function parseFamilyIp(value: string, field: string, family?: 4 | 6): IpAddress {
  const ip = parseIp(value, field);
  if (family !== undefined && ip.family !== family)
    throw new InvalidSpecError(field, value, `not IPv${family} like externalIp`);
  return ip;
}

/**
 * Operations adding a NAT rule to a router. With `mayExist`, an existing rule of the same
 * identity is brought to the spec (its other address, logical port, external MAC, gateway
 * port) instead of refused; no operation when it already matches.
 * @throws {@link InvalidSpecError} for a bad type, address, family mix, or distributed fields
 *   where they do not apply; {@link ObjectNotFoundError} for a missing router, logical port or
 *   gateway port; {@link NoGatewayError} when the router has no gateway;
 *   {@link ObjectExistsError} when the rule exists and `mayExist` is not set.
 */
export function addNat<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: NatSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addNatOps(txn.view, spec, options)));
}

function addNatOps(nb: NbReplica, spec: NatSpec, options: MayExistOption = {}): Operation[] {
  const type = requireType(spec.type);
  const external = parseFamilyIp(spec.externalIp, 'externalIp');
  const logical =
    type === 'snat'
      ? snatLogicalText(spec.logicalIp, external.family)
      : parseFamilyIp(spec.logicalIp, 'logicalIp', external.family).text;
  const hasPort = spec.logicalPort !== undefined;
  const hasMac = spec.externalMac !== undefined;
  if (hasPort !== hasMac) {
    const [field, value] = hasPort ? ['logicalPort', spec.logicalPort] : ['externalMac', spec.externalMac];
    throw new InvalidSpecError(field, value, 'logicalPort and externalMac go together');
  }
  if (hasPort && type !== 'dnat_and_snat')
    throw new InvalidSpecError(
      'logicalPort',
      spec.logicalPort,
      'only a dnat_and_snat rule has a logical port',
    );
  const mac = hasMac ? parseMac(spec.externalMac as string, 'externalMac') : undefined;
  if (hasPort && (typeof spec.logicalPort !== 'string' || spec.logicalPort === ''))
    throw new InvalidSpecError('logicalPort', spec.logicalPort, 'not a port name');

  const router = requireNamed(nb, 'Logical_Router', spec.router);
  const dgps = requireNatGateway(nb, router);
  if (hasPort) {
    if (isGatewayRouter(router))
      throw new InvalidSpecError(
        'logicalPort',
        spec.logicalPort,
        `router ${spec.router} is a gateway router: a distributed rule needs a distributed gateway port`,
      );
    if (findNamed(nb, 'Logical_Switch_Port', spec.logicalPort as string) === undefined)
      throw new ObjectNotFoundError('Logical_Switch_Port', spec.logicalPort as string);
  }
  let gatewayPort: LogicalRouterPort | undefined;
  if (spec.gatewayPort !== undefined) {
    gatewayPort = dgps.find((p) => p.name === spec.gatewayPort);
    if (gatewayPort === undefined)
      throw new InvalidSpecError(
        'gatewayPort',
        spec.gatewayPort,
        `not a distributed gateway port of router ${spec.router}`,
      );
  } else if (dgps.length > 1 && !isGatewayRouter(router)) {
    // northd 23.03 cannot tell which port such a rule belongs to and ignores it.
    throw new InvalidSpecError(
      'gatewayPort',
      undefined,
      `router ${spec.router} has ${dgps.length} distributed gateway ports: name one`,
    );
  }

  const key = type === 'snat' ? logical : external.text;
  const existing = natsOfIdentity(nb, router, type, key);
  if (existing.length > 0) {
    if (options.mayExist !== true) throw new ObjectExistsError('NAT', `${spec.router} ${type} ${key}`);
    const row = existing[0] as NAT;
    const change: Record<string, unknown> = {};
    if (externalKey(row.external_ip) !== external.text) change.external_ip = external.text;
    if (logicalKey(type, row.logical_ip) !== logical) change.logical_ip = logical;
    if (row.logical_port !== spec.logicalPort) change.logical_port = spec.logicalPort ?? CLEAR;
    if (row.external_mac !== mac) change.external_mac = mac ?? CLEAR;
    if (gatewayPort !== undefined && row.gateway_port !== gatewayPort._uuid)
      change.gateway_port = gatewayPort._uuid;
    const ops: Operation[] = [];
    if (Object.keys(change).length > 0)
      ops.push(updateRows(NATTable, [whereColumn('_uuid', '==', row._uuid)], change));
    // Extra rows of one identity (written by other tools) would make the rule ambiguous.
    if (existing.length > 1)
      ops.push(
        mutateRows(
          LogicalRouterTable,
          [whereColumn('_uuid', '==', router._uuid)],
          [
            mutateColumn(
              'nat',
              'delete',
              existing.slice(1).map((r) => r._uuid),
            ),
          ],
        ),
      );
    return ops;
  }
  const inserted = insertRow(
    NATTable,
    {
      type,
      external_ip: external.text,
      logical_ip: logical,
      // ovn-nbctl writes stateless=false explicitly; so do we, so both read alike.
      options: { stateless: 'false' },
      external_ids: { vendor: KUBE_OVN_VENDOR, ...spec.externalIds },
      ...(hasPort ? { logical_port: spec.logicalPort, external_mac: mac } : {}),
      ...(gatewayPort !== undefined && nb.has('NAT', 'gateway_port')
        ? { gateway_port: gatewayPort._uuid }
        : {}),
    },
    { uuidName: nextUuidName('nat') },
  );
  return [
    inserted.operation,
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', router._uuid)],
      [mutateColumn('nat', 'insert', [inserted.ref])],
    ),
  ];
}

/**
 * Operations deleting the NAT rule of one identity (all rows of it) from a router.
 * @throws {@link InvalidSpecError} for a bad type or address; {@link ObjectNotFoundError} for a
 *   missing router, or a missing rule without `ifExists`.
 */
export function deleteNat<Target extends NbTarget | NbHandle>(
  target: Target,
  selector: NatSelector,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteNatOps(txn.view, selector, options)));
}

function deleteNatOps(nb: NbReplica, selector: NatSelector, options: IfExistsOption = {}): Operation[] {
  const type = requireType(selector.type);
  const key =
    type === 'snat' && typeof selector.ip === 'string' && selector.ip.includes('/')
      ? snatLogicalText(selector.ip, parseCidr(selector.ip, 'ip').family, 'ip')
      : parseIp(selector.ip, 'ip').text;
  const router = requireNamed(nb, 'Logical_Router', selector.router);
  const rows = natsOfIdentity(nb, router, type, key);
  if (rows.length === 0) {
    if (options.ifExists === true) return [];
    throw new ObjectNotFoundError('NAT', `${selector.router} ${type} ${key}`);
  }
  return [
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', router._uuid)],
      [
        mutateColumn(
          'nat',
          'delete',
          rows.map((r) => r._uuid),
        ),
      ],
    ),
  ];
}

/**
 * Operations making `routerPort` a distributed gateway port on `chassis`, as Kube-OVN does:
 * one Gateway_Chassis per chassis, named `<port>-<chassis>`, priority 100 - position,
 * `external_ids:lrp=<port>`. Rows already there get their priority fixed; the port's other
 * gateway chassis are removed. No operation when the port already matches.
 * @throws {@link InvalidSpecError} for an empty or repeated chassis list, or more than 100
 *   chassis; {@link ObjectNotFoundError} for a missing port.
 */
export function setGatewayChassis<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: GatewayChassisSpec,
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setGatewayChassisOps(txn.view, spec)));
}

function setGatewayChassisOps(nb: NbReplica, spec: GatewayChassisSpec): Operation[] {
  const names = Array.isArray(spec.chassis) ? spec.chassis : [];
  if (names.length === 0) throw new InvalidSpecError('chassis', spec.chassis, 'no chassis given');
  if (names.length > 100)
    throw new InvalidSpecError('chassis', spec.chassis, 'at most 100 chassis (priority 100..1)');
  names.forEach((name, i) => {
    if (typeof name !== 'string' || name === '')
      throw new InvalidSpecError(`chassis[${i}]`, name, 'not a chassis name');
    if (names.indexOf(name) !== i) throw new InvalidSpecError(`chassis[${i}]`, name, 'listed twice');
  });
  const port = requireNamed(nb, 'Logical_Router_Port', spec.routerPort);
  const current = new Map<string, { uuid: GatewayChassis['_uuid']; priority: number; chassis: string }>();
  for (const uuid of port.gateway_chassis) {
    const row = nb.get('Gateway_Chassis', uuid);
    if (row !== undefined) current.set(row.name, { uuid, priority: row.priority, chassis: row.chassis_name });
  }
  const ops: Operation[] = [];
  const added: NamedRef<'Gateway_Chassis'>[] = [];
  const wanted = new Set<string>();
  names.forEach((chassis, i) => {
    const name = `${spec.routerPort}-${chassis}`;
    const priority = 100 - i;
    wanted.add(name);
    const row = current.get(name);
    if (row !== undefined) {
      if (row.priority !== priority || row.chassis !== chassis)
        ops.push(
          updateRows(GatewayChassisTable, [whereColumn('name', '==', name)], {
            priority,
            chassis_name: chassis,
          }),
        );
      return;
    }
    const inserted = insertRow(
      GatewayChassisTable,
      {
        name,
        chassis_name: chassis,
        priority,
        external_ids: { vendor: KUBE_OVN_VENDOR, lrp: spec.routerPort },
      },
      { uuidName: nextUuidName('gwc') },
    );
    ops.push(inserted.operation);
    added.push(inserted.ref);
  });
  const stale = [...current].filter(([name]) => !wanted.has(name)).map(([, row]) => row.uuid);
  const mutations = [];
  if (stale.length > 0)
    mutations.push(
      mutateColumn<LogicalRouterPort, 'gateway_chassis', 'delete'>('gateway_chassis', 'delete', stale),
    );
  if (added.length > 0)
    mutations.push(
      mutateColumn<LogicalRouterPort, 'gateway_chassis', 'insert'>('gateway_chassis', 'insert', added),
    );
  if (mutations.length > 0)
    ops.push(mutateRows(LogicalRouterPortTable, [whereColumn('_uuid', '==', port._uuid)], mutations));
  return ops;
}
