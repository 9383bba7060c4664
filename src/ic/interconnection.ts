/**
 * An AZ's whole OVN-IC setup from its `ovn-ic-config`, as Kube-OVN's controller does it:
 * sessions and replicas of the four databases, `establish` (AZ name, route options, transit
 * switches joined by the default VPC's router), `reset` (everything of the AZ removed, safe
 * with ovn-ic running) and `reconfigure` (the guide's delete-then-apply of the ConfigMap).
 */
import type { Replica } from '../cache/replica.js';
import { model as icNbModel } from '../generated/ic-nb/index.js';
import type { Tables as IcNbTables } from '../generated/ic-nb/rows.js';
import { model as icSbModel } from '../generated/ic-sb/index.js';
import type { Tables as IcSbTables } from '../generated/ic-sb/rows.js';
import { model as nbModel } from '../generated/nb/index.js';
import type { Tables as NbTables } from '../generated/nb/rows.js';
import { model as sbModel } from '../generated/sb/index.js';
import type { Tables as SbTables } from '../generated/sb/rows.js';
import { KUBE_OVN_VENDOR } from '../ovn/ownership.js';
import { DEFAULT_VPC } from '../ovn/vpc-spec.js';
import type { Operation } from '../protocol/operations.js';
import type { Session } from '../session/session.js';
import { setAvailabilityZone, setIcRouteOptions } from './az-options.js';
import {
  connectTransitSwitch,
  gatewayChassisNames,
  transitPortNames,
  waitForTransitSwitch,
} from './connect-transit-switch.js';
import type { IcConfig } from './ic-config.js';
import { connectInterconnection, type IcConnections, type IcConnectOptions } from './ic-connect.js';
import { type IcSbResetPlan, type NbResetPlan, planIcSbReset, planNbReset } from './reset.js';
import { addTransitSwitch, type TransitSwitchSpec, transitSwitchSubnet } from './transit-switches.js';

/** The four sessions and a replica of each database. */
export interface Interconnection extends Omit<IcConnections, 'config'> {
  /** The config the AZ is set up with; {@link reconfigureInterconnection} replaces it. */
  config: IcConfig;
  readonly nbReplica: Replica<NbTables>;
  readonly sbReplica: Replica<SbTables>;
  readonly icNbReplica: Replica<IcNbTables>;
  readonly icSbReplica: Replica<IcSbTables>;
}

/**
 * Connects to the four databases ({@link connectInterconnection}) and replicates each (the
 * replicas follow their sessions across failovers). Close with `close()`.
 */
export async function openInterconnection(
  config: IcConfig,
  options: IcConnectOptions,
): Promise<Interconnection> {
  const conns = await connectInterconnection(config, options);
  try {
    const [nbReplica, sbReplica, icNbReplica, icSbReplica] = await Promise.all([
      conns.nb.replica(nbModel),
      conns.sb.replica(sbModel, { tables: { Chassis: true, Port_Binding: true } }),
      conns.icNb.replica(icNbModel),
      conns.icSb.replica(icSbModel),
    ]);
    return { ...conns, nbReplica, sbReplica, icNbReplica, icSbReplica };
  } catch (error) {
    await conns.close();
    throw error;
  }
}

/** A step of {@link establishInterconnection}, for progress output. */
export type EstablishProgress =
  | { readonly step: 'zone'; readonly az: string }
  | { readonly step: 'transit-switches'; readonly names: readonly string[] }
  | { readonly step: 'waiting'; readonly transitSwitch: string; readonly waitedMs: number }
  | {
      readonly step: 'connected';
      readonly transitSwitch: string;
      readonly routerPort: string;
      readonly changed: boolean;
    };

/** Options of {@link establishInterconnection}. */
export interface EstablishOptions {
  /** Create these transit switches in IC-NB first (`--may-exist`), e.g. `kubeOvnTransitSwitches(3)`. */
  readonly transitSwitches?: readonly TransitSwitchSpec[];
  /** @default 'ovn-cluster' */
  readonly router?: string;
  /** `ic-route-blacklist` entries when `auto-route` is on (see `icRouteBlacklist`). */
  readonly blacklist?: readonly string[];
  /** How long to wait for ovn-ic to make each NB transit switch. @default 30000 */
  readonly waitTimeoutMs?: number;
  readonly onProgress?: (progress: EstablishProgress) => void;
}

/** What {@link establishInterconnection} did. */
export interface EstablishReport {
  readonly az: string;
  /** Router port per transit switch, e.g. `{ ts: 'az1-ts' }`. */
  readonly routerPorts: Readonly<Record<string, string>>;
  /** Transactions sent (0 when everything was already in place). */
  readonly transactions: number;
}

async function send(session: Session, operations: Operation[]): Promise<number> {
  if (operations.length === 0) return 0;
  await session.transact(operations);
  return 1;
}

/**
 * Makes this AZ part of OVN-IC (Kube-OVN's `establishInterConnection`), idempotently:
 * 1. NB_Global `name` = `az-name`, and the `ic-route-*` options of `auto-route`;
 * 2. the given transit switches in IC-NB, if any;
 * 3. for each transit switch with `vendor=kube-ovn` (by name), once ovn-ic has made its NB
 *    switch: the router port and switch port, gateway chassis on the `gw-nodes` rotated by
 *    the switch's position, an address not used by any AZ's port binding.
 * @throws the helpers' typed errors; `ReplicaWaitTimeoutError` when ovn-ic does not make a
 *   switch in time (is it running, with this AZ's NB and the IC databases?).
 */
export async function establishInterconnection(
  ic: Interconnection,
  options: EstablishOptions = {},
): Promise<EstablishReport> {
  const az = ic.config.azName;
  let transactions = 0;
  options.onProgress?.({ step: 'zone', az });
  // See resetInterconnection: the AZ name changes only while IC-SB has a leader.
  await ic.icSb.whenReady();
  transactions += await send(ic.nb, [
    ...setAvailabilityZone(ic.nbReplica, az),
    ...setIcRouteOptions(ic.nbReplica, {
      autoRoute: ic.config.autoRoute,
      ...(options.blacklist !== undefined ? { blacklist: options.blacklist } : {}),
    }),
  ]);
  if (options.transitSwitches !== undefined) {
    transactions += await send(
      ic.icNb,
      options.transitSwitches.flatMap((spec) => addTransitSwitch(ic.icNbReplica, spec, { mayExist: true })),
    );
  }
  const switches = ic.icNbReplica
    .where('Transit_Switch', (ts) => ts.external_ids.vendor === KUBE_OVN_VENDOR)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  options.onProgress?.({ step: 'transit-switches', names: switches.map((ts) => ts.name) });
  const gatewayChassis = gatewayChassisNames(ic.sbReplica, ic.config.gwNodes);
  const routerPorts: Record<string, string> = {};
  for (const [rotation, ts] of switches.entries()) {
    await waitForTransitSwitch(ic.nbReplica, ts.name, {
      timeoutMs: options.waitTimeoutMs ?? 30_000,
      onProgress: (waitedMs) => options.onProgress?.({ step: 'waiting', transitSwitch: ts.name, waitedMs }),
    });
    const used = ic.icSbReplica
      .where('Port_Binding', (pb) => pb.transit_switch === ts.name)
      .map((pb) => pb.address);
    const operations = connectTransitSwitch(ic.nbReplica, {
      az,
      transitSwitch: ts.name,
      subnet: transitSwitchSubnet(ts).join(','),
      router: options.router ?? DEFAULT_VPC,
      gatewayChassis,
      rotation,
      usedAddresses: used,
    });
    const sent = await send(ic.nb, operations);
    transactions += sent;
    const { routerPort } = transitPortNames(az, ts.name);
    routerPorts[ts.name] = routerPort;
    options.onProgress?.({ step: 'connected', transitSwitch: ts.name, routerPort, changed: sent > 0 });
  }
  return { az, routerPorts, transactions };
}

/** What {@link resetInterconnection} removed. */
export interface ResetReport {
  readonly az: string;
  readonly nb: Omit<NbResetPlan, 'operations'>;
  readonly icSb: Omit<IcSbResetPlan, 'operations'>;
}

/**
 * Takes AZ `az` (default: the config's) out of OVN-IC, as the guide's manual reset, in two
 * transactions, Northbound first: the AZ name and `ic-route-*` options cleared (so a
 * running ovn-ic stops recreating anything), the NB transit switches with their ports, the
 * router ports joined to them and every learned route; then the AZ's IC-SB rows
 * (Availability_Zone, Gateway, Port_Binding, Route). Idempotent: a second reset sends nothing.
 * Transit switches themselves (IC-NB) are shared by all AZs and stay.
 */
export async function resetInterconnection(
  ic: Interconnection,
  az: string = ic.config.azName,
): Promise<ResetReport> {
  // ovn-ic 23.03 crashes when the AZ name changes while it is cut off from IC-SB (it then
  // deletes the old zone row without a transaction): touch the name only while IC-SB has a
  // leader, which is when ovn-ic can be connected too.
  await ic.icSb.whenReady();
  const names = ic.icNbReplica.list('Transit_Switch').map((ts) => ts.name);
  const nb = planNbReset(ic.nbReplica, az, names);
  if (nb.operations.length > 0) await ic.nb.transact(nb.operations, { idempotent: true });
  const icSb = planIcSbReset(ic.icSbReplica, az);
  if (icSb.operations.length > 0) await ic.icSb.transact(icSb.operations, { idempotent: true });
  const { operations: _nbOps, ...nbReport } = nb;
  const { operations: _icSbOps, ...icSbReport } = icSb;
  return { az, nb: nbReport, icSb: icSbReport };
}

/**
 * The guide's "delete the ConfigMap, then apply it again": from the config the AZ was set
 * up with to a new one. When the AZ name changes or interconnection is turned off, the old
 * AZ is reset first (its ports carry its name); then, when the new config is enabled, the
 * AZ is established under it. Changing only `auto-route`, `gw-nodes` or the blacklist
 * updates in place.
 */
export async function reconfigureInterconnection(
  ic: Interconnection,
  next: IcConfig,
  options: EstablishOptions = {},
): Promise<{ reset?: ResetReport; established?: EstablishReport }> {
  const previous = ic.config;
  const result: { reset?: ResetReport; established?: EstablishReport } = {};
  if (!next.enabled || next.azName !== previous.azName)
    result.reset = await resetInterconnection(ic, previous.azName);
  ic.config = next;
  if (next.enabled) result.established = await establishInterconnection(ic, options);
  return result;
}
