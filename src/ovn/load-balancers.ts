/**
 * OVN load balancers: Kube-OVN's SwitchLBRule (a VIP in a VPC, vpc-dns is CoreDNS behind one)
 * and port forwarding on a router (external IP:port -> internal IP:port), both Load_Balancer rows.
 *
 * `Load_Balancer.protocol` holds one value, so a rule with ports of several protocols becomes
 * one row per protocol, named `<name>-<protocol>` ({@link loadBalancerName}): always suffixed,
 * so adding a UDP port later never renames the TCP balancer. VIP identity is ovn-nbctl's
 * `lb-add`: the key of `vips` (`ip`, `ip:port`, `[ipv6]:port`) within one balancer.
 */
import type { LoadBalancer, LogicalRouter, LogicalSwitch } from '../generated/nb/index.js';
import { LoadBalancerTable, LogicalRouterTable, LogicalSwitchTable } from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { deleteRows, insertRow, mutateRows, updateRows } from '../model/typed-ops.js';
import type { Uuid } from '../model/uuid.js';
import type { NamedRef } from '../model/write-markers.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type IpFamily, parseIp } from './addresses.js';
import { requireNatGateway } from './nat.js';
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

/** The transport protocols a Load_Balancer row can balance. */
export type LbProtocol = 'tcp' | 'udp' | 'sctp';

/** The session affinity timeout Kubernetes uses when a Service gives none (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];

/** One VIP and its backends. */
export interface LbVipSpec {
  /** `ip`, `ip:port` or `[ipv6]:port`. */
  readonly vip: string;
  /** Same form as the VIP (with a port exactly when the VIP has one), same family. */
  readonly backends: readonly string[];
  /** This VIP's protocol, when it differs from the balancer's default. */
  readonly protocol?: LbProtocol;
}

/** A load balancer (a SwitchLBRule) to add. */
export interface LoadBalancerSpec {
  /** The base name; rows are named `<name>-<protocol>`. */
  readonly name: string;
  /** The protocol of VIPs that do not name their own. */
  readonly protocol: LbProtocol;
  readonly vips: readonly LbVipSpec[];
  /** `ClientIP`: the same client reaches the same backend for `affinityTimeoutSeconds`. */
  readonly sessionAffinity?: 'ClientIP';
  /** 1..86400 as in Kubernetes; default {@link DEFAULT_AFFINITY_TIMEOUT_SECONDS}. */
  readonly affinityTimeoutSeconds?: number;
  /** Logical_Switch names to attach the balancers to (the VPC's subnets). */
  readonly switches?: readonly string[];
  /** Logical_Router names to attach the balancers to. */
  readonly routers?: readonly string[];
  /** Written on new rows; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Which balancers to delete. */
export interface LoadBalancerSelector {
  /** The base name given to {@link addLoadBalancer}. */
  readonly name: string;
  /** Only these protocols' rows; all three when omitted. */
  readonly protocols?: readonly LbProtocol[];
}

/** Which VIP to remove. */
export interface LbVipSelector {
  readonly name: string;
  readonly vip: string;
  /** The protocol of the row holding the VIP; every protocol's row when omitted. */
  readonly protocol?: LbProtocol;
}

/** A port forward on a router: `externalIp:externalPort` -> `internalIp:internalPort`. */
export interface PortForwardSpec {
  readonly router: string;
  readonly externalIp: string;
  readonly externalPort: number;
  readonly internalIp: string;
  readonly internalPort: number;
  readonly protocol: LbProtocol;
  /** Written on new rows; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** The name of the Load_Balancer row holding `protocol`'s VIPs of balancer `name`. */
export function loadBalancerName(name: string, protocol: LbProtocol): string {
  return `${name}-${protocol}`;
}

/** The base name of a port forward's balancer: `pf-<router>-<externalIp>-<externalPort>`. */
export function portForwardName(
  spec: Pick<PortForwardSpec, 'router' | 'externalIp' | 'externalPort'>,
): string {
  return `pf-${spec.router}-${parseIp(spec.externalIp, 'externalIp').text}-${spec.externalPort}`;
}

/** A parsed VIP or backend. */
export interface LbEndpoint {
  readonly family: IpFamily;
  readonly port: number | undefined;
  /** As ovn-nbctl stores it: `ip`, `ip:port`, `[ipv6]:port`. */
  readonly text: string;
}

function parsePort(text: string, field: string, value: unknown): number {
  if (!/^\d{1,5}$/.test(text)) throw new InvalidSpecError(field, value, 'the port is not a number');
  const port = Number(text);
  if (port < 1 || port > 65535) throw new InvalidSpecError(field, value, 'a port is 1..65535');
  return port;
}

/** Parses `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`. */
export function parseEndpoint(value: string, field: string): LbEndpoint {
  const text = typeof value === 'string' ? value.trim() : '';
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new InvalidSpecError(field, value, 'unclosed [ in an IPv6 endpoint');
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InvalidSpecError(field, value, 'expected :port after ]');
      portText = rest.slice(1);
    }
  } else if (text.indexOf(':') >= 0 && text.indexOf(':') === text.lastIndexOf(':')) {
    // One colon: IPv4 with a port. Several: a bare IPv6 address.
    host = text.slice(0, text.indexOf(':'));
    portText = text.slice(text.indexOf(':') + 1);
  }
  const ip = parseIp(host, field);
  if (text.startsWith('[') && ip.family !== 6)
    throw new InvalidSpecError(field, value, 'only IPv6 addresses go in brackets');
  const port = portText === undefined ? undefined : parsePort(portText, field, value);
  const address = port !== undefined && ip.family === 6 ? `[${ip.text}]` : ip.text;
  return { family: ip.family, port, text: port === undefined ? address : `${address}:${port}` };
}

function requireProtocol(value: unknown, field: string): LbProtocol {
  if (typeof value !== 'string' || !PROTOCOLS.includes(value))
    throw new InvalidSpecError(field, value, 'the protocol is tcp, udp or sctp');
  return value as LbProtocol;
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidSpecError(field, value, 'not a name');
  return value;
}

/** The `vips` map entries of one spec VIP. */
function parseVip(vip: LbVipSpec, i: number): [string, string] {
  const field = `vips[${i}]`;
  const key = parseEndpoint(vip.vip, `${field}.vip`);
  if (!Array.isArray(vip.backends))
    throw new InvalidSpecError(`${field}.backends`, vip.backends, 'not a list');
  const seen = new Set<string>();
  const out: string[] = [];
  vip.backends.forEach((backend, j) => {
    const f = `${field}.backends[${j}]`;
    const b = parseEndpoint(backend, f);
    if (b.family !== key.family)
      throw new InvalidSpecError(f, backend, `not IPv${key.family} like the VIP ${key.text}`);
    if ((b.port === undefined) !== (key.port === undefined))
      throw new InvalidSpecError(
        f,
        backend,
        key.port === undefined
          ? 'the VIP has no port, so backends have none'
          : 'the VIP has a port, so backends need one',
      );
    if (!seen.has(b.text)) out.push(b.text);
    seen.add(b.text);
  });
  return [key.text, out.join(',')];
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

type LbRef = Uuid<'Load_Balancer'> | NamedRef<'Load_Balancer'>;

/**
 * Operations adding the balancers of a rule (one per protocol used) and attaching them to the
 * given switches and routers. A balancer that exists gains the new VIPs; a VIP it already has
 * is refused unless `mayExist`, which replaces its backends. Options and external ids are
 * brought to the spec; no operation when everything matches.
 * @throws {@link InvalidSpecError} for a bad name, protocol, VIP, backend (family, port form,
 *   port range), repeated VIP, or affinity; {@link ObjectNotFoundError} for a missing switch or
 *   router; {@link ObjectExistsError} for a VIP that exists without `mayExist`.
 */
export function addLoadBalancer<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: LoadBalancerSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addLoadBalancerOps(txn.view, spec, options)));
}

function addLoadBalancerOps(
  nb: NbReplica,
  spec: LoadBalancerSpec,
  options: MayExistOption = {},
): Operation[] {
  const name = requireName(spec.name, 'name');
  const defaultProtocol = requireProtocol(spec.protocol, 'protocol');
  if (!Array.isArray(spec.vips) || spec.vips.length === 0)
    throw new InvalidSpecError('vips', spec.vips, 'no VIP given');
  const byProtocol = new Map<LbProtocol, Record<string, string>>();
  spec.vips.forEach((vip, i) => {
    const protocol =
      vip.protocol === undefined ? defaultProtocol : requireProtocol(vip.protocol, `vips[${i}].protocol`);
    const [key, backends] = parseVip(vip, i);
    const vips = byProtocol.get(protocol) ?? {};
    if (vips[key] !== undefined)
      throw new InvalidSpecError(`vips[${i}].vip`, vip.vip, `${protocol} VIP listed twice`);
    vips[key] = backends;
    byProtocol.set(protocol, vips);
  });
  let affinity: string | undefined;
  if (spec.sessionAffinity !== undefined) {
    if (spec.sessionAffinity !== 'ClientIP')
      throw new InvalidSpecError(
        'sessionAffinity',
        spec.sessionAffinity,
        'the session affinity is ClientIP or none',
      );
    const timeout = spec.affinityTimeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 86400)
      throw new InvalidSpecError(
        'affinityTimeoutSeconds',
        spec.affinityTimeoutSeconds,
        'an integer of 1..86400',
      );
    affinity = String(timeout);
  } else if (spec.affinityTimeoutSeconds !== undefined) {
    throw new InvalidSpecError(
      'affinityTimeoutSeconds',
      spec.affinityTimeoutSeconds,
      'needs sessionAffinity ClientIP',
    );
  }
  const switches: LogicalSwitch[] = (spec.switches ?? []).map((s, i) =>
    requireNamed(nb, 'Logical_Switch', requireName(s, `switches[${i}]`)),
  );
  const routers: LogicalRouter[] = (spec.routers ?? []).map((r, i) =>
    requireNamed(nb, 'Logical_Router', requireName(r, `routers[${i}]`)),
  );
  const wantedIds = { vendor: KUBE_OVN_VENDOR, ...spec.externalIds };

  const ops: Operation[] = [];
  const refs: LbRef[] = [];
  for (const [protocol, vips] of byProtocol) {
    const lbName = loadBalancerName(name, protocol);
    const existing = findNamed(nb, 'Load_Balancer', lbName);
    if (existing === undefined) {
      const inserted = insertRow(
        LoadBalancerTable,
        {
          name: lbName,
          protocol,
          vips,
          options: affinity === undefined ? {} : { affinity_timeout: affinity },
          external_ids: wantedIds,
        },
        { uuidName: nextUuidName(`lb_${protocol}`) },
      );
      ops.push(inserted.operation);
      refs.push(inserted.ref);
      continue;
    }
    ops.push(...updateExisting(existing, vips, affinity, wantedIds, protocol, options.mayExist === true));
    refs.push(existing._uuid);
  }
  ops.push(...attachOps(switches, routers, refs));
  return ops;
}

function updateExisting(
  existing: LoadBalancer,
  vips: Readonly<Record<string, string>>,
  affinity: string | undefined,
  wantedIds: Readonly<Record<string, string>>,
  protocol: LbProtocol,
  mayExist: boolean,
): Operation[] {
  if (!mayExist)
    for (const key of Object.keys(vips))
      if (existing.vips[key] !== undefined)
        throw new ObjectExistsError('Load_Balancer', `${existing.name} ${key}`);
  const newVips = { ...existing.vips, ...vips };
  const newOptions: Record<string, string> = { ...existing.options };
  delete newOptions.affinity_timeout;
  if (affinity !== undefined) newOptions.affinity_timeout = affinity;
  const newIds = { ...existing.external_ids, ...wantedIds };
  const change: {
    vips?: Record<string, string>;
    options?: Record<string, string>;
    external_ids?: Record<string, string>;
    protocol?: LbProtocol;
  } = {};
  if (!sameMap(existing.vips, newVips)) change.vips = newVips;
  if (!sameMap(existing.options, newOptions)) change.options = newOptions;
  if (!sameMap(existing.external_ids, newIds)) change.external_ids = newIds;
  if (existing.protocol !== protocol) change.protocol = protocol;
  if (Object.keys(change).length === 0) return [];
  return [updateRows(LoadBalancerTable, [whereColumn('_uuid', '==', existing._uuid)], change)];
}

/** Mutations inserting the balancers into the switches' and routers' `load_balancer`. */
function attachOps(
  switches: readonly LogicalSwitch[],
  routers: readonly LogicalRouter[],
  refs: readonly LbRef[],
): Operation[] {
  const ops: Operation[] = [];
  const missing = (have: readonly string[]) => {
    const set = new Set<string>(have);
    return refs.filter((ref) => typeof ref !== 'string' || !set.has(ref));
  };
  for (const ls of switches) {
    const add = missing(ls.load_balancer);
    if (add.length > 0)
      ops.push(
        mutateRows(
          LogicalSwitchTable,
          [whereColumn('_uuid', '==', ls._uuid)],
          [mutateColumn('load_balancer', 'insert', add)],
        ),
      );
  }
  for (const lr of routers) {
    const add = missing(lr.load_balancer);
    if (add.length > 0)
      ops.push(
        mutateRows(
          LogicalRouterTable,
          [whereColumn('_uuid', '==', lr._uuid)],
          [mutateColumn('load_balancer', 'insert', add)],
        ),
      );
  }
  return ops;
}

function selectedProtocols(value: readonly LbProtocol[] | undefined): LbProtocol[] {
  if (value === undefined) return PROTOCOLS as LbProtocol[];
  if (!Array.isArray(value)) throw new InvalidSpecError('protocols', value, 'not a list');
  return value.map((p, i) => requireProtocol(p, `protocols[${i}]`));
}

/**
 * Operations deleting a rule's balancers (every protocol's row, or the listed ones). Switches
 * and routers refer to balancers weakly, so the server drops those references itself.
 * @throws {@link ObjectNotFoundError} when no row exists and `ifExists` is not set.
 */
export function deleteLoadBalancer<Target extends NbTarget | NbHandle>(
  target: Target,
  selector: LoadBalancerSelector,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteLoadBalancerOps(txn.view, selector, options)));
}

function deleteLoadBalancerOps(
  nb: NbReplica,
  selector: LoadBalancerSelector,
  options: IfExistsOption = {},
): Operation[] {
  const name = requireName(selector.name, 'name');
  const ops: Operation[] = [];
  for (const protocol of selectedProtocols(selector.protocols)) {
    const row = findNamed(nb, 'Load_Balancer', loadBalancerName(name, protocol));
    if (row !== undefined) ops.push(deleteRows(LoadBalancerTable, [whereColumn('_uuid', '==', row._uuid)]));
  }
  if (ops.length === 0 && options.ifExists !== true) throw new ObjectNotFoundError('Load_Balancer', name);
  return ops;
}

/**
 * Operations removing one VIP from a rule's balancer(s); the balancer stays, as with
 * `ovn-nbctl lb-del <lb> <vip>`.
 * @throws {@link InvalidSpecError} for a bad VIP or protocol; {@link ObjectNotFoundError} when
 *   no balancer holds the VIP and `ifExists` is not set.
 */
export function removeVip<Target extends NbTarget | NbHandle>(
  target: Target,
  selector: LbVipSelector,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(removeVipOps(txn.view, selector, options)));
}

function removeVipOps(nb: NbReplica, selector: LbVipSelector, options: IfExistsOption = {}): Operation[] {
  const name = requireName(selector.name, 'name');
  const key = parseEndpoint(selector.vip, 'vip').text;
  const protocols =
    selector.protocol === undefined
      ? (PROTOCOLS as LbProtocol[])
      : [requireProtocol(selector.protocol, 'protocol')];
  const ops: Operation[] = [];
  for (const protocol of protocols) {
    const row = findNamed(nb, 'Load_Balancer', loadBalancerName(name, protocol));
    if (row === undefined || row.vips[key] === undefined) continue;
    const vips = { ...row.vips };
    delete vips[key];
    ops.push(updateRows(LoadBalancerTable, [whereColumn('_uuid', '==', row._uuid)], { vips }));
  }
  if (ops.length === 0 && options.ifExists !== true)
    throw new ObjectNotFoundError('Load_Balancer', `${name} ${key}`);
  return ops;
}

/**
 * Operations forwarding `externalIp:externalPort` to `internalIp:internalPort` on a router: a
 * Load_Balancer named `<portForwardName>-<protocol>` attached to the router (port forwarding is
 * DNAT with a port change, which a NAT row cannot express). Like NAT it needs a gateway.
 * @throws {@link InvalidSpecError} for a bad address, family mix, port or protocol;
 *   {@link ObjectNotFoundError} for a missing router; {@link NoGatewayError} without a gateway;
 *   {@link ObjectExistsError} when the forward exists and `mayExist` is not set.
 */
export function addPortForward<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: PortForwardSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(addPortForwardOps(txn.view, spec, options)));
}

function addPortForwardOps(nb: NbReplica, spec: PortForwardSpec, options: MayExistOption = {}): Operation[] {
  const protocol = requireProtocol(spec.protocol, 'protocol');
  const external = parseIp(spec.externalIp, 'externalIp');
  const internal = parseIp(spec.internalIp, 'internalIp');
  if (internal.family !== external.family)
    throw new InvalidSpecError('internalIp', spec.internalIp, `not IPv${external.family} like externalIp`);
  const externalPort = checkPort(spec.externalPort, 'externalPort');
  const internalPort = checkPort(spec.internalPort, 'internalPort');
  const router = requireNamed(nb, 'Logical_Router', requireName(spec.router, 'router'));
  requireNatGateway(nb, router, 'port forwarding');
  const wrap = (ip: string) => (external.family === 6 ? `[${ip}]` : ip);
  return addLoadBalancer(
    nb,
    {
      name: portForwardName(spec),
      protocol,
      vips: [
        {
          vip: `${wrap(external.text)}:${externalPort}`,
          backends: [`${wrap(internal.text)}:${internalPort}`],
        },
      ],
      routers: [spec.router],
      ...(spec.externalIds !== undefined ? { externalIds: spec.externalIds } : {}),
    },
    options,
  );
}

/**
 * Operations deleting the balancer of a port forward.
 * @throws {@link ObjectNotFoundError} when it does not exist and `ifExists` is not set.
 */
export function deletePortForward<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: Pick<PortForwardSpec, 'router' | 'externalIp' | 'externalPort' | 'protocol'>,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deletePortForwardOps(txn.view, spec, options)));
}

function deletePortForwardOps(
  nb: NbReplica,
  spec: Pick<PortForwardSpec, 'router' | 'externalIp' | 'externalPort' | 'protocol'>,
  options: IfExistsOption = {},
): Operation[] {
  const protocol = requireProtocol(spec.protocol, 'protocol');
  return deleteLoadBalancer(nb, { name: portForwardName(spec), protocols: [protocol] }, options);
}

function checkPort(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
    throw new InvalidSpecError(field, value, 'a port is an integer of 1..65535');
  return value;
}
