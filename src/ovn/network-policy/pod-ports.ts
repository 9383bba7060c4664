/**
 * Pods' switch ports as Kube-OVN's CNI makes them: `<pod>.<namespace>` on the switch of the
 * pod's `ovn.kubernetes.io/logical_switch` annotation, addressed `"<mac> <ip>..."` from its
 * `mac_address` and `ip_address` annotations, `external_ids:pod=<namespace>/<pod>`. Created
 * when missing (one insert each and ONE mutate of `ports` per switch, not one per pod); a port
 * that exists is left as it is.
 */
import { LogicalSwitchPortTable, LogicalSwitchTable } from '../../generated/nb/index.js';
import type { Tables as NbTables } from '../../generated/nb/rows.js';
import { insertRow, mutateColumn, mutateRows, whereColumn } from '../../model/index.js';
import type { Operation } from '../../protocol/operations.js';
import type { Planned } from '../../txn/plan.js';
import type { Transaction } from '../../txn/transaction.js';
import { cidrContains, parseCidr } from '../addresses.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  requireNamed,
  unverifiedNb,
} from '../nb-lookup.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { KUBE_OVN_VENDOR } from '../ownership.js';
import { nextUuidName } from '../uuid-names.js';
import { NetworkPolicyConflictError } from './conflict-error.js';
import { POD_ANNOTATIONS, type PodResource } from './k8s-objects.js';
import { podPortName } from './names.js';

/** The pod operations of one pod: its port's insert, and after a switch's last pod the switch's mutate. */
export interface PodPortCreation {
  readonly pod: PodResource;
  readonly port: string;
  readonly operations: Operation[];
}

function annotationField(pod: PodResource, key: string): string {
  return `Pod ${pod.namespace}/${pod.name}: metadata.annotations["${key}"]`;
}

/** True for a pod that has a switch port: not host-network, on a switch, with an address. */
export function hasSwitchPort(pod: PodResource): boolean {
  return !pod.hostNetwork && pod.logicalSwitch !== undefined && pod.ips.length > 0;
}

/**
 * Checks the ports of `pods` (each on a switch, see {@link hasSwitchPort}) before anything is
 * planned, and returns the pods whose port is missing, each once.
 * @throws {@link NetworkPolicyConflictError} for a port of that name on another switch,
 *   `ObjectNotFoundError` for a switch that does not exist, {@link InvalidSpecError} for a
 *   missing port whose pod has no MAC annotation.
 */
export function missingPodPorts(nb: NbReplica, pods: readonly PodResource[]): PodResource[] {
  const switchPorts = new Map<string, ReadonlySet<string>>();
  const portsOf = (name: string) => {
    let ports = switchPorts.get(name);
    if (ports === undefined) {
      // The switch's existence is verified; its `ports` (thousands) are not: see below.
      ports = new Set(
        unverifiedNb(nb).get('Logical_Switch', requireNamed(nb, 'Logical_Switch', name)._uuid)?.ports,
      );
      switchPorts.set(name, ports);
    }
    return ports;
  };
  const missing = new Map<string, PodResource>();
  const seen = new Set<string>();
  for (const pod of pods) {
    const name = podPortName(pod.namespace, pod.name);
    if (seen.has(name)) continue;
    seen.add(name);
    const ls = pod.logicalSwitch as string;
    // An existing pod port is checked unverified: the plans only add it to groups by relative
    // mutates, so a race with its deletion leaves no wrong row (the weak reference goes with
    // it). A missing one is verified absent, as the insert that creates it rests on that.
    const port = findNamed(unverifiedNb(nb), 'Logical_Switch_Port', name);
    if (port === undefined) findNamed(nb, 'Logical_Switch_Port', name);
    if (port !== undefined) {
      if (!portsOf(ls).has(port._uuid))
        throw new NetworkPolicyConflictError('switch-port', name, [
          `Pod ${pod.namespace}/${pod.name} (on ${ls})`,
          'the port of that name on another switch',
        ]);
      continue;
    }
    portsOf(ls);
    if (pod.mac === undefined)
      throw new InvalidSpecError(
        annotationField(pod, POD_ANNOTATIONS.macAddress),
        undefined,
        `required to create switch port ${name}`,
      );
    missing.set(name, pod);
  }
  return [...missing.values()];
}

/**
 * Adds the switch ports of `pods` (none exists yet: see {@link missingPodPorts}) to `txn`, as
 * `addSwitchPort` writes them plus `external_ids:pod`: one insert each and ONE mutate of
 * `ports` per switch. Returns each pod's share, in the order of `pods` grouped by switch.
 * @throws {@link InvalidSpecError} for an IPv4 address outside the switch's `other_config:subnet`.
 */
export function createPodPorts(txn: Transaction<NbTables>, pods: readonly PodResource[]): PodPortCreation[] {
  const bySwitch = new Map<string, PodResource[]>();
  for (const pod of pods) {
    const list = bySwitch.get(pod.logicalSwitch as string);
    if (list === undefined) bySwitch.set(pod.logicalSwitch as string, [pod]);
    else list.push(pod);
  }
  const ops: Operation[] = [];
  const shares: Array<{ pod: PodResource; port: string; count: number }> = [];
  for (const [name, members] of bySwitch) {
    const ls = requireNamed(txn.view, 'Logical_Switch', name);
    const subnet = ls.other_config.subnet;
    const block =
      subnet === undefined ? undefined : parseCidr(subnet, `Logical_Switch ${name}: other_config:subnet`);
    const refs = members.map((pod) => {
      for (const ip of pod.ips)
        if (block !== undefined && !ip.includes(':') && !cidrContains(block, { family: 4, text: ip }))
          throw new InvalidSpecError(
            annotationField(pod, POD_ANNOTATIONS.ipAddress),
            pod.ips.join(','),
            `${ip} is outside ${subnet} of switch ${name}`,
          );
      const port = podPortName(pod.namespace, pod.name);
      const lsp = insertRow(
        LogicalSwitchPortTable,
        {
          name: port,
          addresses: [[pod.mac as string, ...pod.ips].join(' ')],
          external_ids: { ls: name, pod: `${pod.namespace}/${pod.name}`, vendor: KUBE_OVN_VENDOR },
        },
        { uuidName: nextUuidName('lsp') },
      );
      ops.push(lsp.operation);
      shares.push({ pod, port, count: 1 });
      return lsp.ref;
    });
    ops.push(
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [mutateColumn('ports', 'insert', refs)],
      ),
    );
    shares[shares.length - 1]!.count++;
  }
  // The operations as the transaction holds them: its inserts carry the UUIDs later references use.
  const added = planNb(txn, (t) => t.add(ops));
  let at = 0;
  return shares.map(({ pod, port, count }) => {
    const operations = added.slice(at, at + count);
    at += count;
    return { pod, port, operations };
  });
}

/**
 * Creates the switch ports of `pods` that do not exist yet (pods without a switch, an address,
 * or on the host network are skipped), as Kube-OVN's CNI names and addresses them; existing
 * ports are left as they are. On a handle it commits its own transaction.
 * @throws {@link InvalidSpecError}, {@link NetworkPolicyConflictError}, `ObjectNotFoundError`
 *   (see {@link missingPodPorts} and {@link createPodPorts}), before anything is planned.
 */
export function ensurePodPorts<Target extends NbTarget | NbHandle>(
  target: Target,
  pods: readonly PodResource[],
): Planned<Target> {
  return planNb(target, (txn) => {
    createPodPorts(txn, missingPodPorts(txn.view, pods.filter(hasSwitchPort)));
  });
}
