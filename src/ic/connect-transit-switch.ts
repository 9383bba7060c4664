/**
 * Joining an AZ's router to a transit switch, as Kube-OVN's `establishInterConnection` does
 * (ovn-mapping.md D3.4): the router port `<az>-<ts>` with a free address of the switch's
 * subnet, the router-type port `<ts>-<az>` on the NB switch ovn-ic made for the transit
 * switch, and gateway chassis on the interconnection gateways, their order rotated per
 * transit switch so that each one prefers another gateway.
 */

import type { Replica } from '../cache/replica.js';
import { type ReplicaUntilOptions, replicaUntil } from '../cache/replica-until.js';
import {
  GatewayChassisTable,
  LogicalRouterPortTable,
  LogicalRouterTable,
  LogicalSwitchPortTable,
  LogicalSwitchTable,
} from '../generated/nb/index.js';
import type { LogicalSwitch, Tables as NbTables } from '../generated/nb/rows.js';
import { insertRow, mutateColumn, mutateRows, whereColumn } from '../model/index.js';
import type { NamedRef } from '../model/write-markers.js';
import { parseCidr, parseMac, randomMac } from '../ovn/addresses.js';
import { setGatewayChassis } from '../ovn/nat.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  requireNamed,
} from '../ovn/nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../ovn/ovn-errors.js';
import { KUBE_OVN_VENDOR } from '../ovn/ownership.js';
import { chassisByHostname, type SbTarget } from '../ovn/sb-reads.js';
import { nextUuidName } from '../ovn/uuid-names.js';
import { DEFAULT_VPC } from '../ovn/vpc-spec.js';
import { WaitAbortedError } from '../session/session-errors.js';
import type { Planned } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { routersOnTransitSwitches } from './ic-pitfalls.js';
import { addressesInUse, pickFreeAddress } from './transit-address.js';
import { parseTransitSubnet } from './transit-switches.js';

/** One router's connection to one transit switch. */
export interface TransitConnectionSpec {
  /** This AZ's name (`NB_Global.name`). */
  readonly az: string;
  /** The transit switch, e.g. `ts`. */
  readonly transitSwitch: string;
  /** The transit switch's subnet (its IC-NB `external_ids:subnet`), e.g. `169.254.100.0/24`. */
  readonly subnet: string;
  /** @default 'ovn-cluster' (OVN-IC serves Kube-OVN's default VPC) */
  readonly router?: string;
  /**
   * The gateway chassis (SB Chassis names, see {@link gatewayChassisNames}), in Kube-OVN's
   * order; may be empty (route exchange does not need a gateway).
   */
  readonly gatewayChassis: readonly string[];
  /** The transit switch's position among the AZ's switches: the chassis list is rotated by it. @default 0 */
  readonly rotation?: number;
  /** The router port's MAC. @default random, locally administered */
  readonly mac?: string;
  /** The router port's networks (`169.254.100.7/24`, or a v4,v6 pair). @default a free address per block */
  readonly networks?: string;
  /**
   * Addresses already used on the switch that the NB switch does not show yet, e.g. the
   * `address` of every IC-SB Port_Binding of the switch. The NB switch's remote ports are
   * always taken into account.
   */
  readonly usedAddresses?: Iterable<string>;
  /** A source of numbers in [0, 1) for the address choice. @default Math.random */
  readonly random?: () => number;
  /**
   * Join even when another router of this AZ is already on the switch. OVN 23.03's ovn-ic
   * then re-creates the AZ's routes every loop and keeps only one router's (fixed in 23.09),
   * so this is refused unless asked for. @default false
   */
  readonly allowSeveralRouters?: boolean;
}

/** The port names of a connection: router port `<az>-<ts>`, switch port `<ts>-<az>`. */
export function transitPortNames(
  az: string,
  transitSwitch: string,
): { routerPort: string; switchPort: string } {
  return { routerPort: `${az}-${transitSwitch}`, switchPort: `${transitSwitch}-${az}` };
}

/** `list` rotated left by `by`: Kube-OVN's way to spread transit switches over gateways. */
export function rotateChassis<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const n = ((by % list.length) + list.length) % list.length;
  return [...list.slice(n), ...list.slice(0, n)];
}

/**
 * The NB switch ovn-ic created for transit switch `name` (`other_config:interconn-ts`), read
 * from a replica or a transaction's view.
 * @throws {@link ObjectNotFoundError} while ovn-ic has not created it (see `waitForTransitSwitch`),
 *   {@link ObjectExistsError} when a switch of that name is not a transit switch.
 */
export function requireTransitSwitchInNb(target: NbTarget, name: string): LogicalSwitch {
  const ls = findNamed(target, 'Logical_Switch', name);
  if (ls === undefined) throw new ObjectNotFoundError('Logical_Switch', name);
  if (ls.other_config['interconn-ts'] !== name) throw new ObjectExistsError('Logical_Switch', name);
  return ls;
}

/**
 * The operations connecting `spec.router` to the transit switch. With both ports in place
 * only the gateway chassis are brought to the spec (none when they match): the connection is
 * idempotent and keeps its address. Runs on a replica (the operations are returned) or a
 * transaction (they join it; the ports and switches it reads are as the body left them).
 * @throws {@link InvalidSpecError} (`az`, `subnet`, `networks`, `mac`, `gatewayChassis`),
 *   {@link ObjectNotFoundError} (router, or the NB transit switch before ovn-ic made it),
 *   {@link ObjectExistsError} (a port of that name elsewhere),
 *   {@link TransitSubnetExhaustedError}.
 */
export function connectTransitSwitch<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: TransitConnectionSpec,
): Planned<Target> {
  return planNb(target, (txn) => connectTransitSwitchIn(txn, spec));
}

// Every refusal comes before the first operation is added: a caller that catches one
// inside a transaction body is left with nothing half-planned.
function connectTransitSwitchIn(txn: Transaction<NbTables>, spec: TransitConnectionSpec): void {
  const nb = txn.view;
  if (spec.az === '') throw new InvalidSpecError('az', spec.az, 'the AZ name is missing');
  const blocks = parseTransitSubnet(spec.subnet);
  const routerName = spec.router ?? DEFAULT_VPC;
  const names = transitPortNames(spec.az, spec.transitSwitch);
  const chassis = rotateChassis(spec.gatewayChassis, spec.rotation ?? 0);
  chassis.forEach((name, i) => {
    if (name === '') throw new InvalidSpecError(`gatewayChassis[${i}]`, name, 'not a chassis name');
    if (chassis.indexOf(name) !== i) throw new InvalidSpecError(`gatewayChassis[${i}]`, name, 'listed twice');
  });
  const router = requireNamed(nb, 'Logical_Router', routerName);
  const ls = requireTransitSwitchInNb(nb, spec.transitSwitch);
  const lrp = findNamed(nb, 'Logical_Router_Port', names.routerPort);
  const lsp = findNamed(nb, 'Logical_Switch_Port', names.switchPort);
  if (lrp !== undefined && !router.ports.includes(lrp._uuid))
    throw new ObjectExistsError('Logical_Router_Port', names.routerPort);
  if (lsp !== undefined && !ls.ports.includes(lsp._uuid))
    throw new ObjectExistsError('Logical_Switch_Port', names.switchPort);

  const others = (routersOnTransitSwitches(txn).get(spec.transitSwitch) ?? []).filter(
    (name) => name !== routerName,
  );
  if (others.length > 0 && spec.allowSeveralRouters !== true) {
    throw new InvalidSpecError(
      'router',
      routerName,
      `router ${others.join(', ')} of this AZ is already on transit switch ${spec.transitSwitch}; OVN 23.03's ovn-ic keeps only one router's routes per AZ and switch`,
    );
  }

  if (lrp !== undefined) {
    if (chassis.length > 0) setGatewayChassis(txn, { routerPort: names.routerPort, chassis });
    else if (lrp.gateway_chassis.length > 0)
      txn.add(
        mutateRows(
          LogicalRouterPortTable,
          [whereColumn('_uuid', '==', lrp._uuid)],
          [mutateColumn('gateway_chassis', 'delete', [...lrp.gateway_chassis])],
        ),
      );
  } else {
    const networks =
      spec.networks === undefined
        ? freeNetworks(nb, ls, spec, blocks)
        : checkedNetworks(spec.networks, blocks);
    const gatewayRows = chassis.map((name, i) =>
      insertRow(
        GatewayChassisTable,
        {
          name: `${names.routerPort}-${name}`,
          chassis_name: name,
          priority: 100 - i,
          external_ids: { vendor: KUBE_OVN_VENDOR, lrp: names.routerPort },
        },
        { uuidName: nextUuidName('gwc') },
      ),
    );
    const port = insertRow(
      LogicalRouterPortTable,
      {
        name: names.routerPort,
        mac: spec.mac === undefined ? randomMac() : parseMac(spec.mac, 'mac'),
        networks,
        gateway_chassis: gatewayRows.map((row) => row.ref) as NamedRef<'Gateway_Chassis'>[],
        external_ids: { lr: routerName, vendor: KUBE_OVN_VENDOR },
      },
      { uuidName: nextUuidName('lrp') },
    );
    txn.add([
      ...gatewayRows.map((row) => row.operation),
      port.operation,
      mutateRows(
        LogicalRouterTable,
        [whereColumn('_uuid', '==', router._uuid)],
        [mutateColumn('ports', 'insert', [port.ref])],
      ),
    ]);
  }
  if (lsp === undefined) {
    const port = insertRow(
      LogicalSwitchPortTable,
      {
        name: names.switchPort,
        type: 'router',
        addresses: ['router'],
        options: { 'router-port': names.routerPort },
        external_ids: { ls: spec.transitSwitch, vendor: KUBE_OVN_VENDOR },
      },
      { uuidName: nextUuidName('lsp') },
    );
    txn.add([
      port.operation,
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [mutateColumn('ports', 'insert', [port.ref])],
      ),
    ]);
  }
}

/** One free address per block, avoiding the switch's remote ports and the given addresses. */
function freeNetworks(
  nb: NbReplica,
  ls: LogicalSwitch,
  spec: TransitConnectionSpec,
  blocks: readonly string[],
): string[] {
  const texts: string[] = [...(spec.usedAddresses ?? [])];
  for (const uuid of ls.ports) {
    const port = nb.get('Logical_Switch_Port', uuid);
    if (port?.type === 'remote') texts.push(...port.addresses);
  }
  const used = addressesInUse(texts);
  return blocks.map((block) => pickFreeAddress(spec.transitSwitch, block, used, spec.random));
}

/** Networks given by the caller: one per block, each an address (not the network) inside its block. */
function checkedNetworks(networks: string, blocks: readonly string[]): string[] {
  const given = networks.split(',').map((part) => part.trim());
  if (given.length !== blocks.length) {
    throw new InvalidSpecError('networks', networks, `one address per block of ${blocks.join(',')}`);
  }
  return given.map((text, i) => {
    const cidr = parseCidr(text, 'networks');
    if (cidr.networkText !== blocks[i] || !cidr.hasHostBits) {
      throw new InvalidSpecError('networks', networks, `${text} is not a host address of ${blocks[i]}`);
    }
    return cidr.addressText;
  });
}

/**
 * The SB chassis names of the gateway nodes (Kube-OVN's `gw-nodes`: node hostnames), in order,
 * read from an SB replica or a transaction's view.
 * @throws {@link ObjectNotFoundError} naming a hostname no chassis reports,
 *   DuplicateNameError when several do.
 */
export function gatewayChassisNames(target: SbTarget, gwNodes: readonly string[]): string[] {
  return gwNodes.map((hostname) => {
    const chassis = chassisByHostname(target, hostname);
    if (chassis === undefined) throw new ObjectNotFoundError('Chassis', hostname);
    return chassis.name;
  });
}

/** Options of {@link waitForTransitSwitch}. */
export type WaitForTransitSwitchOptions = Omit<ReplicaUntilOptions, 'what'>;

/**
 * Resolves with the NB switch ovn-ic creates for transit switch `name` once the replica
 * shows it (ovn-ic does so on its next loop after the IC-NB row appears, when the AZ has a
 * name). Rejects with `ReplicaWaitTimeoutError` after `timeoutMs` (default 30 s), and with
 * `WaitAbortedError` as soon as `signal` fires.
 */
export async function waitForTransitSwitch(
  nb: NbReplica & Pick<Replica<NbTables>, 'on' | 'off'>,
  name: string,
  options: WaitForTransitSwitchOptions = {},
): Promise<LogicalSwitch> {
  const what = `the NB switch ovn-ic makes for transit switch ${name}`;
  try {
    return await replicaUntil(
      nb,
      () => {
        const ls = findNamed(nb, 'Logical_Switch', name);
        return ls?.other_config['interconn-ts'] === name ? ls : undefined;
      },
      { ...options, what },
    );
  } catch (error) {
    // replicaUntil rejects with the signal's bare reason: name what was awaited.
    if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
    throw error;
  }
}
