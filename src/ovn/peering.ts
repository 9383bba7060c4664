/**
 * Kube-OVN VPC peering (`spec.vpcPeerings[]`): a pair of router ports `<local>-<remote>` and
 * `<remote>-<local>` naming each other as `peer`, with the connect addresses as networks. No
 * switch is involved. Each side's port is written by that side's spec; {@link peerVpc} can
 * write both at once.
 */

import type { LogicalRouter } from '../generated/nb/index.js';
import { LogicalRouterPortTable, LogicalRouterTable } from '../generated/nb/index.js';
import { insertRow, mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type Cidr, cidrsOverlap, parseCidr, parseMac, randomMac } from './addresses.js';
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
import { type IfExistsOption, type RouterSubnet, routerSubnets } from './routers.js';
import { nextUuidName } from './uuid-names.js';

/** One peering of a Vpc: `spec.vpcPeerings[]` plus the router it belongs to. */
export interface PeeringSpec {
  /** The local VPC (router) name. */
  readonly vpc: string;
  readonly remoteVpc: string;
  /** This side's address with its prefix (`169.254.0.1/30`); comma list for dual stack. */
  readonly localConnectIP: string;
  /** This side's port MAC. @default random, locally administered, unicast */
  readonly mac?: string;
}

/** Options of {@link peerVpc}. */
export interface PeerVpcOptions {
  /** Write the remote side's port too, with the remote VPC's `localConnectIP`. */
  readonly bothSides?: {
    readonly remoteConnectIP: string;
    readonly remoteMac?: string;
  };
  /**
   * The remote side as the same input declares it (`applyResources` given both Vpcs): the
   * remote Vpc's `localConnectIP` toward this one, or no `connectIP` when its spec lists no
   * peering back. The link is then checked against it, not against the remote port in NB,
   * which the same transaction rewrites or removes: both ends can move to a new link at once.
   */
  readonly remoteDeclared?: { readonly connectIP?: string };
}

// Field names as the CRD has them; the remote side's address is the remote Vpc's own field.
const LOCAL_FIELD = 'spec.vpcPeerings[].localConnectIP';
const REMOTE_VPC_FIELD = 'spec.vpcPeerings[].remoteVpc';
const REMOTE_FIELD = 'bothSides.remoteConnectIP';

/** The port names of a peering, local side first. */
export function peeringPortNames(vpc: string, remoteVpc: string): { local: string; remote: string } {
  return { local: `${vpc}-${remoteVpc}`, remote: `${remoteVpc}-${vpc}` };
}

/** Parses a connect address list: host addresses with a prefix, at most one per family. */
export function parseConnectIP(value: string, field: string): Cidr[] {
  const parts = typeof value === 'string' ? value.split(',').map((p) => p.trim()) : [];
  if (parts.length === 0 || parts.length > 2 || parts.includes(''))
    throw new InvalidSpecError(
      field,
      value,
      'one address/prefix, or an IPv4 and an IPv6 one separated by a comma',
    );
  const cidrs = parts.map((part) => parseCidr(part, field));
  if (cidrs.length === 2 && cidrs[0]!.family === cidrs[1]!.family)
    throw new InvalidSpecError(field, value, 'two addresses of one family');
  for (const cidr of cidrs) {
    // A /32 or /128 link has no room for the other end; a network address is no host's.
    if (!cidr.hasHostBits)
      throw new InvalidSpecError(field, value, `${cidr.addressText} is its network's address, not a host's`);
  }
  return cidrs;
}

function checkSameLinks(local: readonly Cidr[], remote: readonly Cidr[], field: string, value: string): void {
  if (local.length !== remote.length || local.some((l) => !remote.some((r) => r.family === l.family)))
    throw new InvalidSpecError(field, value, 'the two ends do not have the same address families');
  for (const l of local) {
    const r = remote.find((x) => x.family === l.family)!;
    if (l.networkText !== r.networkText)
      throw new InvalidSpecError(
        field,
        value,
        `${r.addressText} is not in ${l.networkText}, the other end's link`,
      );
    if (l.address === r.address)
      throw new InvalidSpecError(field, value, `${r.address} is also the other end's address`);
  }
}

/**
 * Checks that two connect address lists are the two ends of one link (the same networks,
 * family by family, different addresses).
 * @throws {@link InvalidSpecError} naming `field` and `local`.
 */
export function checkPeeringLink(local: string, remote: string, field: string): void {
  checkSameLinks(parseConnectIP(remote, field), parseConnectIP(local, field), field, local);
}

function checkNoSubnetCollision(
  connect: readonly Cidr[],
  subnets: readonly RouterSubnet[],
  field: string,
  value: string,
): void {
  for (const c of connect)
    for (const s of subnets)
      if (cidrsOverlap(c, s.cidr))
        throw new InvalidSpecError(
          field,
          value,
          `collides with ${s.cidr.addressText} of router port ${s.port}`,
        );
}

interface SidePlan {
  readonly router: LogicalRouter;
  readonly vpc: string;
  readonly remoteVpc: string;
  readonly networks: readonly string[];
  readonly mac: string;
}

function sideOps(nb: NbReplica, side: SidePlan): Operation[] {
  const names = peeringPortNames(side.vpc, side.remoteVpc);
  const existing = findNamed(nb, 'Logical_Router_Port', names.local);
  if (existing !== undefined) {
    const same =
      existing.networks.length === side.networks.length &&
      existing.networks.every((n) => side.networks.includes(n));
    // Kube-OVN updates only the networks of an existing port: MAC and peer stay.
    return same
      ? []
      : [
          updateRows(LogicalRouterPortTable, [whereColumn('_uuid', '==', existing._uuid)], {
            networks: side.networks,
          }),
        ];
  }
  const lrp = insertRow(
    LogicalRouterPortTable,
    {
      name: names.local,
      mac: side.mac,
      networks: side.networks,
      peer: names.remote,
      external_ids: { lr: side.vpc, vendor: KUBE_OVN_VENDOR },
    },
    { uuidName: nextUuidName('peer_lrp') },
  );
  return [
    lrp.operation,
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', side.router._uuid)],
      [mutateColumn('ports', 'insert', [lrp.ref])],
    ),
  ];
}

function requirePortOn(nb: NbReplica, router: LogicalRouter, portName: string): void {
  const port = findNamed(nb, 'Logical_Router_Port', portName);
  // A port of that name elsewhere cannot be ours to update.
  if (port !== undefined && !router.ports.includes(port._uuid))
    throw new ObjectExistsError('Logical_Router_Port', portName);
}

/**
 * The operations peering router `spec.vpc` with `spec.remoteVpc`: the port `<vpc>-<remote>`
 * (networks = `localConnectIP`, peer `<remote>-<vpc>`, random MAC, external_ids `{lr,
 * vendor}`), and with `bothSides` the mirror port. An existing port only gets its networks
 * updated; when nothing differs no operation is returned. Checked first, nothing written on
 * failure: a VPC peered with itself, connect addresses without a prefix or equal to their
 * network, the two ends (given, or the remote port already in NB) not on one link, connect
 * addresses colliding with a subnet of either router, and overlapping subnets of the two VPCs.
 * @throws {@link InvalidSpecError}, {@link ObjectNotFoundError} (a router; the remote one only
 *   with `bothSides`), {@link ObjectExistsError} (a port of that name on another router).
 */
export function peerVpc<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: PeeringSpec,
  options: PeerVpcOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(peerVpcOps(txn.view, spec, options)));
}

function peerVpcOps(nb: NbReplica, spec: PeeringSpec, options: PeerVpcOptions = {}): Operation[] {
  if (spec.remoteVpc === spec.vpc)
    throw new InvalidSpecError(REMOTE_VPC_FIELD, spec.remoteVpc, 'a VPC cannot peer with itself');
  const local = parseConnectIP(spec.localConnectIP, LOCAL_FIELD);
  const mac = spec.mac === undefined ? randomMac() : parseMac(spec.mac, 'mac');
  const both = options.bothSides;
  const remote = both === undefined ? undefined : parseConnectIP(both.remoteConnectIP, REMOTE_FIELD);
  const remoteMac =
    both === undefined
      ? undefined
      : both.remoteMac === undefined
        ? randomMac()
        : parseMac(both.remoteMac, 'remoteMac');
  const names = peeringPortNames(spec.vpc, spec.remoteVpc);
  if (remote !== undefined) checkSameLinks(local, remote, REMOTE_FIELD, both!.remoteConnectIP);
  else if (options.remoteDeclared !== undefined) {
    const declared = options.remoteDeclared.connectIP;
    if (declared !== undefined)
      checkSameLinks(parseConnectIP(declared, REMOTE_FIELD), local, LOCAL_FIELD, spec.localConnectIP);
  } else {
    // The remote side may already be written by its own spec: then it fixes the link.
    const remotePort = findNamed(nb, 'Logical_Router_Port', names.remote);
    if (remotePort !== undefined) {
      const remoteNets = remotePort.networks.flatMap((n) => {
        try {
          return [parseCidr(n, 'networks')];
        } catch {
          return [];
        }
      });
      checkSameLinks(remoteNets, local, LOCAL_FIELD, spec.localConnectIP);
    }
  }
  const router = requireNamed(nb, 'Logical_Router', spec.vpc);
  const remoteRouter =
    both === undefined
      ? findNamed(nb, 'Logical_Router', spec.remoteVpc)
      : requireNamed(nb, 'Logical_Router', spec.remoteVpc);
  requirePortOn(nb, router, names.local);
  if (both !== undefined && remoteRouter !== undefined) requirePortOn(nb, remoteRouter, names.remote);

  const localSubnets = routerSubnets(nb, spec.vpc);
  const remoteSubnets = remoteRouter === undefined ? [] : routerSubnets(nb, spec.remoteVpc);
  const allSubnets = [...localSubnets, ...remoteSubnets];
  checkNoSubnetCollision(local, allSubnets, LOCAL_FIELD, spec.localConnectIP);
  if (remote !== undefined) checkNoSubnetCollision(remote, allSubnets, REMOTE_FIELD, both!.remoteConnectIP);
  for (const l of localSubnets)
    for (const r of remoteSubnets)
      if (cidrsOverlap(l.cidr, r.cidr))
        throw new InvalidSpecError(
          REMOTE_VPC_FIELD,
          spec.remoteVpc,
          `subnet ${l.cidr.networkText} (${l.port}) overlaps ${r.cidr.networkText} (${r.port})`,
        );

  const ops = sideOps(nb, {
    router,
    vpc: spec.vpc,
    remoteVpc: spec.remoteVpc,
    networks: local.map((c) => c.addressText),
    mac,
  });
  if (remote !== undefined && remoteRouter !== undefined)
    ops.push(
      ...sideOps(nb, {
        router: remoteRouter,
        vpc: spec.remoteVpc,
        remoteVpc: spec.vpc,
        networks: remote.map((c) => c.addressText),
        mac: remoteMac!,
      }),
    );
  return ops;
}

/**
 * The operations removing the port `<vpc>-<remote>` from router `vpc` (and with `bothSides`
 * the mirror port from the remote router). Without `bothSides` the remote port stays with a
 * dangling `peer`, as Kube-OVN leaves it until the other Vpc's spec changes.
 * @throws {@link ObjectNotFoundError} for a missing router or port, without `ifExists`.
 */
export function unpeerVpc<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: Pick<PeeringSpec, 'vpc' | 'remoteVpc'>,
  options: IfExistsOption & { readonly bothSides?: boolean } = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(unpeerVpcOps(txn.view, spec, options)));
}

function unpeerVpcOps(
  nb: NbReplica,
  spec: Pick<PeeringSpec, 'vpc' | 'remoteVpc'>,
  options: IfExistsOption & { readonly bothSides?: boolean } = {},
): Operation[] {
  const sides: Array<[string, string]> = [[spec.vpc, spec.remoteVpc]];
  if (options.bothSides === true) sides.push([spec.remoteVpc, spec.vpc]);
  const ops: Operation[] = [];
  for (const [vpc, remoteVpc] of sides) {
    const portName = peeringPortNames(vpc, remoteVpc).local;
    const router = findNamed(nb, 'Logical_Router', vpc);
    const port = findNamed(nb, 'Logical_Router_Port', portName);
    if (router === undefined || port === undefined || !router.ports.includes(port._uuid)) {
      if (options.ifExists === true) continue;
      if (router === undefined) throw new ObjectNotFoundError('Logical_Router', vpc);
      throw new ObjectNotFoundError('Logical_Router_Port', portName);
    }
    ops.push(
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn('ports', 'delete', [port._uuid])],
      ),
    );
  }
  return ops;
}
