/**
 * Kube-OVN's VPC router: one Logical_Router per Vpc, with the options `createVpcRouter` sets,
 * plus the reads the subnet and peering helpers share (a router's subnets are the networks of
 * its ports that are not peering links).
 */
import type { LogicalRouterPort } from '../generated/nb/index.js';
import { LogicalRouterTable } from '../generated/nb/index.js';
import { deleteRows, insertRow, updateRows, whereColumn } from '../model/index.js';
import type { Planned } from '../txn/plan.js';
import { type Cidr, parseCidr } from './addresses.js';
import { findNamed, type NbHandle, type NbTarget, nbReader, planNb } from './nb-lookup.js';
import { ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';

/** What {@link createRouter} makes: a Kube-OVN Vpc's router. */
export interface RouterSpec {
  /** The router's name: the Vpc's `metadata.name`. */
  readonly name: string;
  /** Options laid over the Kube-OVN defaults (a key given here wins). */
  readonly options?: Readonly<Record<string, string>>;
  /** External ids laid over `{vendor: kube-ovn}` (pass `vendor` to name another owner). */
  readonly externalIds?: Readonly<Record<string, string>>;
  /** The Vpc's `spec.enableExternal`: the router learns from ARP requests. */
  readonly enableExternal?: boolean;
  /** The Vpc has `spec.vpcPeerings`: the router learns from ARP requests. */
  readonly hasPeerings?: boolean;
}

/** ovn-nbctl's `--may-exist`: an existing router is brought to the spec instead of refused. */
export interface MayExistOption {
  readonly mayExist?: boolean;
}

/** ovn-nbctl's `--if-exists`: deleting a missing object is a no-op instead of an error. */
export interface IfExistsOption {
  readonly ifExists?: boolean;
}

/**
 * The options Kube-OVN's `createVpcRouter` gives a VPC router. Learning from ARP requests is
 * turned off only for isolated VPCs: a peer or an external network must be able to teach the
 * router its MAC bindings.
 */
export function kubeOvnRouterOptions(
  spec: Pick<RouterSpec, 'enableExternal' | 'hasPeerings'>,
): Record<string, string> {
  const options: Record<string, string> = {
    mac_binding_age_threshold: '300',
    dynamic_neigh_routers: 'true',
  };
  if (spec.enableExternal !== true && spec.hasPeerings !== true)
    options.always_learn_from_arp_request = 'false';
  return options;
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * The operations creating router `spec.name`. With `mayExist`, an existing router gets the
 * spec's options and external ids when they differ (Kube-OVN replaces the whole options map),
 * and no operation when they match.
 * @throws {@link ObjectExistsError} when it exists without `mayExist`;
 *   `DuplicateNameError` when several routers carry the name.
 */
export function createRouter<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: RouterSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const wantedOptions = { ...kubeOvnRouterOptions(spec), ...spec.options };
    const wantedIds = { vendor: KUBE_OVN_VENDOR, ...spec.externalIds };
    const existing = findNamed(txn, 'Logical_Router', spec.name);
    if (existing !== undefined) {
      if (options.mayExist !== true) throw new ObjectExistsError('Logical_Router', spec.name);
      const changeOptions = !sameMap(existing.options, wantedOptions);
      const changeIds = !sameMap(existing.external_ids, { ...existing.external_ids, ...wantedIds });
      if (!changeOptions && !changeIds) return;
      txn.add(
        updateRows(LogicalRouterTable, [whereColumn('_uuid', '==', existing._uuid)], {
          ...(changeOptions ? { options: wantedOptions } : {}),
          // Keys other tools added stay: only ours are laid over.
          ...(changeIds ? { external_ids: { ...existing.external_ids, ...wantedIds } } : {}),
        }),
      );
      return;
    }
    txn.add(
      insertRow(LogicalRouterTable, { name: spec.name, options: wantedOptions, external_ids: wantedIds })
        .operation,
    );
  });
}

/**
 * The operation deleting router `name`, which takes its ports, routes, policies and NAT rules
 * with it (they are not root rows). Peers' ports are left dangling, as Kube-OVN leaves them.
 * @throws {@link ObjectNotFoundError} when it is missing without `ifExists`.
 */
export function deleteRouter<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: IfExistsOption = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const existing = findNamed(txn, 'Logical_Router', name);
    if (existing === undefined) {
      if (options.ifExists === true) return;
      throw new ObjectNotFoundError('Logical_Router', name);
    }
    txn.add(deleteRows(LogicalRouterTable, [whereColumn('_uuid', '==', existing._uuid)]));
  });
}

/** One subnet of a router, as its port's network says. */
export interface RouterSubnet {
  /** The router port that carries it. */
  readonly port: string;
  readonly cidr: Cidr;
}

/**
 * The subnets a router is attached to: the networks of its ports that are not peering links
 * (ports with a `peer`). Networks OVN would not accept are skipped, not thrown: they are
 * someone else's data.
 */
export function routerSubnets(target: NbTarget, routerName: string, exceptPort?: string): RouterSubnet[] {
  const nb = nbReader(target);
  const router = findNamed(nb, 'Logical_Router', routerName);
  if (router === undefined) return [];
  const subnets: RouterSubnet[] = [];
  for (const uuid of router.ports) {
    const port: LogicalRouterPort | undefined = nb.get('Logical_Router_Port', uuid);
    if (port === undefined || port.name === exceptPort || port.peer !== undefined) continue;
    for (const network of port.networks) {
      try {
        subnets.push({ port: port.name, cidr: parseCidr(network, 'networks') });
      } catch {
        // Not a CIDR: nothing to compare against.
      }
    }
  }
  return subnets;
}
