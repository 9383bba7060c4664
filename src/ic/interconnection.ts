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
import type { DatabaseModel } from '../model/descriptor.js';
import { KUBE_OVN_VENDOR } from '../ovn/ownership.js';
import { DEFAULT_VPC } from '../ovn/vpc-spec.js';
import type { Session } from '../session/session.js';
import { runTransaction } from '../txn/run-transaction.js';
import type { Transaction } from '../txn/transaction.js';
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
 * replicas follow their sessions across failovers). Close with `close()`. `session.signal`
 * stops the replicas' creation too, which is bounded by progress as `Session.replica` is.
 */
export async function openInterconnection(
  config: IcConfig,
  options: IcConnectOptions,
): Promise<Interconnection> {
  const conns = await connectInterconnection(config, options);
  const signal = options.session?.signal;
  const bounded = signal ? { signal } : {};
  try {
    const [nbReplica, sbReplica, icNbReplica, icSbReplica] = await Promise.all([
      conns.nb.replica(nbModel, bounded),
      conns.sb.replica(sbModel, { tables: { Chassis: true, Port_Binding: true }, ...bounded }),
      conns.icNb.replica(icNbModel, bounded),
      conns.icSb.replica(icSbModel, bounded),
    ]);
    return { ...conns, nbReplica, sbReplica, icNbReplica, icSbReplica };
  } catch (error) {
    await conns.close();
    throw error;
  }
}

/** How long establish and reset wait for ovn-ic and IC-SB by default. */
const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

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
  /**
   * How long to wait for ovn-ic to make each NB transit switch, and for IC-SB to have a
   * leader before the AZ name is touched. @default 30000
   */
  readonly waitTimeoutMs?: number;
  /** Stops every wait (`WaitAbortedError`); transactions already sent are not undone. */
  readonly signal?: AbortSignal;
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

/**
 * Runs planner body `body` as one optimistic transaction on `session`, reading `replica` (a
 * replica of that session): the planners it calls see each other's writes, what they read is
 * verified at commit, and a conflict runs the body again on fresh rows. The bodies compute
 * what to write from what they read, so a lost reply may be resent. 1 when a commit was sent,
 * 0 when there was nothing to write.
 */
async function commit<T extends object>(
  session: Session,
  replica: Replica<T>,
  model: DatabaseModel<T>,
  body: (txn: Transaction<T>) => void,
): Promise<number> {
  const outcome = await runTransaction(session, model, body, { replica, idempotent: true });
  return outcome.sent ? 1 : 0;
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
  const signal = options.signal ? { signal: options.signal } : {};
  // See resetInterconnection: the AZ name changes only while IC-SB has a leader.
  await ic.icSb.whenReady({ timeoutMs: options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, ...signal });
  transactions += await commit(ic.nb, ic.nbReplica, nbModel, (txn) => {
    setAvailabilityZone(txn, az);
    setIcRouteOptions(txn, {
      autoRoute: ic.config.autoRoute,
      ...(options.blacklist !== undefined ? { blacklist: options.blacklist } : {}),
    });
  });
  const specs = options.transitSwitches;
  if (specs !== undefined) {
    // One transaction: a name listed twice is planned once, and a switch another AZ adds
    // meanwhile is a conflict that runs the body again (it then finds the switch), not a
    // constraint violation.
    transactions += await commit(ic.icNb, ic.icNbReplica, icNbModel, (txn) => {
      for (const spec of specs) addTransitSwitch(txn, spec, { mayExist: true });
    });
  }
  const switches = ic.icNbReplica
    .where('Transit_Switch', (ts) => ts.external_ids.vendor === KUBE_OVN_VENDOR)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  options.onProgress?.({ step: 'transit-switches', names: switches.map((ts) => ts.name) });
  const gatewayChassis = gatewayChassisNames(ic.sbReplica, ic.config.gwNodes);
  const routerPorts: Record<string, string> = {};
  for (const [rotation, ts] of switches.entries()) {
    await waitForTransitSwitch(ic.nbReplica, ts.name, {
      timeoutMs: options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      ...signal,
      onProgress: (waitedMs) => options.onProgress?.({ step: 'waiting', transitSwitch: ts.name, waitedMs }),
    });
    // The address is drawn from what the NB switch and IC-SB show; the NB switch's ports are
    // verified at commit, so a remote port ovn-ic adds meanwhile makes the body draw again.
    const sent = await commit(ic.nb, ic.nbReplica, nbModel, (txn) => {
      const used = ic.icSbReplica
        .where('Port_Binding', (pb) => pb.transit_switch === ts.name)
        .map((pb) => pb.address);
      connectTransitSwitch(txn, {
        az,
        transitSwitch: ts.name,
        subnet: transitSwitchSubnet(ts).join(','),
        router: options.router ?? DEFAULT_VPC,
        gatewayChassis,
        rotation,
        usedAddresses: used,
      });
    });
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

/** Options of {@link resetInterconnection}. */
export interface ResetInterconnectionOptions {
  /**
   * How long to wait for IC-SB to have a leader before anything is touched
   * (`SessionWaitTimeoutError`). @default 30000
   */
  readonly waitTimeoutMs?: number;
  /** Stops that wait (`WaitAbortedError`). */
  readonly signal?: AbortSignal;
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
  options: ResetInterconnectionOptions = {},
): Promise<ResetReport> {
  // ovn-ic 23.03 crashes when the AZ name changes while it is cut off from IC-SB (it then
  // deletes the old zone row without a transaction): touch the name only while IC-SB has a
  // leader, which is when ovn-ic can be connected too.
  await ic.icSb.whenReady({
    timeoutMs: options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
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
    result.reset = await resetInterconnection(ic, previous.azName, {
      ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  ic.config = next;
  if (next.enabled) result.established = await establishInterconnection(ic, options);
  return result;
}
