/**
 * Deleting a Kube-OVN Vpc: its router, and with the router every row only the router holds
 * (ports, static routes, policies, NAT rules: OVN collects them once unreferenced), plus the
 * Kube-OVN load balancers no other router, switch or group uses.
 *
 * What it decides, and why:
 * - Only a router with Kube-OVN's mark is deleted ({@link NotOwnedError} otherwise).
 * - A Vpc with subnets still joined is refused ({@link VpcInUseError}), as Kube-OVN refuses it;
 *   `withSubnets` deletes the Kube-OVN subnets in the same transaction, but a switch of
 *   another owner always refuses: deleting the router would leave it joined to nothing.
 * - A peer's port to this Vpc (`<remote>-<vpc>` on the remote router) is the remote Vpc's
 *   resource, written by its spec: it stays, with a dangling `peer`, until that spec drops the
 *   peering (Kube-OVN leaves it the same way). The plan names those ports (`danglingPeers`).
 */
import type { LogicalRouter, LogicalSwitch } from '../generated/nb/index.js';
import { LoadBalancerTable, LogicalRouterTable } from '../generated/nb/index.js';
import { deleteRows, whereColumn } from '../model/index.js';
import type { Uuid } from '../model/uuid.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { findNamed, type NbHandle, type NbReplica, type NbTarget, planNb } from './nb-lookup.js';
import { NotOwnedError, ObjectNotFoundError, VpcInUseError } from './ovn-errors.js';
import { ownedBy } from './ownership.js';
import { peeringPortNames } from './peering.js';
import type { IfExistsOption } from './routers.js';
import { deleteSubnet } from './subnets.js';

/** Options of {@link deleteVpc}. */
export interface DeleteVpcOptions extends IfExistsOption {
  /**
   * Delete the Kube-OVN subnets still joined to the router, in the same transaction, instead
   * of refusing with {@link VpcInUseError}. Switches of other owners refuse either way.
   * @default false
   */
  readonly withSubnets?: boolean;
}

/** What deleting a Vpc does (nothing at all when it did not exist and `ifExists` was given). */
export interface VpcDeletion {
  readonly vpc: string;
  /** False: the router was missing (with `ifExists`), no operation. */
  readonly found: boolean;
  readonly operations: Operation[];
  /** The subnets (switches) deleted with it (`withSubnets`). */
  readonly subnets: string[];
  /** The Kube-OVN load balancers only this router used, deleted with it. */
  readonly loadBalancers: string[];
  /** Ports of peer routers whose `peer` is one of this router's ports: left, dangling. */
  readonly danglingPeers: string[];
  /** One line per change, for people. */
  readonly changes: string[];
}

/**
 * The operations deleting Vpc `name` (see the module comment for what goes with it and what
 * refuses). On a handle it commits them in one transaction.
 * @throws {@link ObjectNotFoundError} (missing, without `ifExists`), {@link NotOwnedError},
 *   {@link VpcInUseError}, `DuplicateNameError`.
 */
export function deleteVpc<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: DeleteVpcOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    planDeleteVpc(txn, name, options);
  });
}

/**
 * Plans {@link deleteVpc} on `target` (a replica: the operations are returned; a transaction:
 * they join it) and says what it deletes and leaves.
 */
export function planDeleteVpc(target: NbTarget, name: string, options: DeleteVpcOptions = {}): VpcDeletion {
  let deletion: VpcDeletion | undefined;
  const operations = planNb(target, (txn) => {
    const found = deletionOf(txn.view, name, options);
    if (found === undefined) return;
    deletion = found.deletion;
    for (const subnet of deletion.subnets) deleteSubnet(txn, subnet);
    for (const uuid of found.loadBalancers)
      txn.add(deleteRows(LoadBalancerTable, [whereColumn('_uuid', '==', uuid)]));
    txn.add(deleteRows(LogicalRouterTable, [whereColumn('_uuid', '==', found.router._uuid)]));
  });
  if (deletion === undefined)
    return {
      vpc: name,
      found: false,
      operations,
      subnets: [],
      loadBalancers: [],
      danglingPeers: [],
      changes: [],
    };
  return { ...deletion, operations };
}

interface FoundVpc {
  readonly router: LogicalRouter;
  readonly loadBalancers: Uuid<'Load_Balancer'>[];
  readonly deletion: VpcDeletion;
}

function deletionOf(nb: NbReplica, name: string, options: DeleteVpcOptions): FoundVpc | undefined {
  const router = findNamed(nb, 'Logical_Router', name);
  if (router === undefined) {
    if (options.ifExists === true) return undefined;
    throw new ObjectNotFoundError('Logical_Router', name);
  }
  if (!ownedBy(router)) throw new NotOwnedError('Logical_Router', name, router.external_ids.vendor);

  const switches = attachedSwitches(nb, router);
  const blocking = switches.filter((ls) => options.withSubnets !== true || !ownedBy(ls));
  if (blocking.length > 0)
    throw new VpcInUseError(
      name,
      blocking.map((ls) => ls.name),
    );

  const loadBalancers: string[] = [];
  const lbUuids: Uuid<'Load_Balancer'>[] = [];
  for (const uuid of router.load_balancer) {
    const lb = nb.get('Load_Balancer', uuid);
    if (lb === undefined || !ownedBy(lb)) continue;
    const usedElsewhere =
      nb.where('Logical_Router', (r) => r._uuid !== router._uuid && r.load_balancer.includes(uuid)).length >
        0 ||
      nb.where('Logical_Switch', (ls) => ls.load_balancer.includes(uuid)).length > 0 ||
      nb.where('Load_Balancer_Group', (g) => g.load_balancer.includes(uuid)).length > 0;
    if (usedElsewhere) continue;
    loadBalancers.push(lb.name);
    lbUuids.push(uuid);
  }

  const danglingPeers: string[] = [];
  for (const uuid of router.ports) {
    const port = nb.get('Logical_Router_Port', uuid);
    if (port?.peer === undefined || !port.name.startsWith(`${name}-`)) continue;
    const remoteVpc = port.name.slice(name.length + 1);
    const remotePort = findNamed(nb, 'Logical_Router_Port', peeringPortNames(name, remoteVpc).remote);
    if (remotePort !== undefined && remotePort.peer === port.name) danglingPeers.push(remotePort.name);
  }

  const subnets = switches.map((ls) => ls.name);
  const deletion: VpcDeletion = {
    vpc: name,
    found: true,
    operations: [],
    subnets,
    loadBalancers,
    danglingPeers,
    changes: [
      ...subnets.map((subnet) => `delete subnet ${subnet}`),
      ...loadBalancers.map((lb) => `delete load balancer ${lb}`),
      `delete router ${name}`,
      ...danglingPeers.map((port) => `leave ${port} of the peer dangling`),
    ],
  };
  return { router, loadBalancers: lbUuids, deletion };
}

/** The switches joined to `router`: a router-type port naming one of its ports. */
function attachedSwitches(nb: NbReplica, router: LogicalRouter): LogicalSwitch[] {
  const portNames = new Set<string>();
  for (const uuid of router.ports) {
    const port = nb.get('Logical_Router_Port', uuid);
    if (port !== undefined) portNames.add(port.name);
  }
  if (portNames.size === 0) return [];
  return nb.where('Logical_Switch', (ls) =>
    ls.ports.some((uuid) => {
      const lsp = nb.get('Logical_Switch_Port', uuid);
      const joined = lsp?.type === 'router' ? lsp.options['router-port'] : undefined;
      return joined !== undefined && portNames.has(joined);
    }),
  );
}
