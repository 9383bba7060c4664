/**
 * The `Pod` kind of `applyResources`: a pod's switch port `<pod>.<namespace>`, created when
 * missing on the switch of its `ovn.kubernetes.io/logical_switch` annotation (the pods of one
 * input in one transaction, one mutate per switch). Pods are also what NetworkPolicies select
 * and what SecurityGroups hold.
 */

import { findNamed, unverifiedNb } from '../nb-lookup.js';
import { POD_ANNOTATIONS, type PodResource, parsePod } from '../network-policy/k8s-objects.js';
import { createPodPorts, hasSwitchPort, missingPodPorts } from '../network-policy/pod-ports.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { ownedBy } from '../ownership.js';
import { podSecurityGroups, SECURITY_GROUPS_ANNOTATION } from '../security-group-spec.js';
import { securityGroupPortGroup } from '../security-groups.js';
import { deleteSwitchPort } from '../switch-ports.js';
import { type PlannedResource, type ResourceKind, type ResourceReference, resourcesOf } from './kind.js';

/** A Pod as applyResources plans it; its name is `<namespace>/<name>`. */
export interface AppliedPod {
  readonly name: string;
  readonly pod: PodResource;
  /** The security groups its `ovn.kubernetes.io/security_groups` annotation names. */
  readonly securityGroups: readonly string[];
}

/** The field of a pod's annotation `key`, as errors name it. */
export function podAnnotationField(name: string, key: string): string {
  return `Pod ${name}: metadata.annotations["${key}"]`;
}

/** Pods: their missing switch ports, all in one transaction. Pruned only when asked. */
export const podKind: ResourceKind<AppliedPod> = {
  kind: 'Pod',
  // A pod's port is the CNI's, made when the pod starts and deleted when it goes.
  prunedByDefault: false,
  parse(document) {
    const pod = parsePod(document);
    return {
      name: `${pod.namespace}/${pod.name}`,
      pod,
      securityGroups: podSecurityGroups(
        document as { metadata?: { annotations?: Readonly<Record<string, string>> } },
      ),
    };
  },
  nameField: (name) => `Pod ${name}: metadata.name`,
  // A pod on a switch that neither the input's Subnets nor the database hold: refused now,
  // rather than after the Vpcs and Subnets before it were sent.
  // So is a pod naming a security group that neither the input nor the database holds (Kube-OVN
  // would retry such a pod until the group exists). A group only the database holds is not
  // this input's to reconcile: the pod is not added to it.
  checkAgainst(nb, pods, input) {
    const subnets = new Set(resourcesOf(input, 'Subnet').map((subnet) => subnet.name));
    const groups = new Set(resourcesOf(input, 'SecurityGroup').map((sg) => sg.name));
    for (const { name, pod, securityGroups } of pods) {
      const field = podAnnotationField(name, SECURITY_GROUPS_ANNOTATION);
      for (const sg of securityGroups)
        if (!groups.has(sg) && findNamed(nb, 'Port_Group', securityGroupPortGroup(sg, field)) === undefined)
          throw new InvalidSpecError(
            field,
            securityGroups.join(','),
            `names SecurityGroup ${sg}, which neither the input nor the database holds`,
          );
      if (
        hasSwitchPort(pod) &&
        !subnets.has(pod.logicalSwitch as string) &&
        findNamed(nb, 'Logical_Switch', pod.logicalSwitch as string) === undefined
      )
        throw new InvalidSpecError(
          podAnnotationField(name, POD_ANNOTATIONS.logicalSwitch),
          pod.logicalSwitch,
          'no such switch: neither a Subnet of the input nor a Logical_Switch of the database',
        );
    }
  },
  units: (pods) => [[...pods]],
  planUnit(txn, unit) {
    const missing = missingPodPorts(txn.view, unit.map((pod) => pod.pod).filter(hasSwitchPort));
    const created = new Map(createPodPorts(txn, missing).map((creation) => [creation.pod, creation]));
    return unit.map(({ pod }): PlannedResource => {
      const creation = created.get(pod);
      if (creation === undefined) return { operations: [], changes: [] };
      return {
        operations: creation.operations,
        changes: [`create switch port ${creation.port} on ${pod.logicalSwitch} (${pod.ips.join(', ')})`],
      };
    });
  },
  refersTo(pod) {
    const refs: ResourceReference[] = [];
    if (pod.pod.logicalSwitch !== undefined && hasSwitchPort(pod.pod))
      refs.push({
        kind: 'Subnet',
        name: pod.pod.logicalSwitch,
        field: podAnnotationField(pod.name, POD_ANNOTATIONS.logicalSwitch),
      });
    for (const sg of pod.securityGroups)
      refs.push({
        kind: 'SecurityGroup',
        name: sg,
        field: podAnnotationField(pod.name, SECURITY_GROUPS_ANNOTATION),
      });
    return refs;
  },
  // Kube-OVN's pod ports: external_ids:pod=<namespace>/<name>, vendor kube-ovn. Listed
  // unverified (there may be thousands); each port deleted is verified by its deletion.
  owned: (nb) =>
    unverifiedNb(nb)
      .where('Logical_Switch_Port', (port) => port.external_ids.pod !== undefined && ownedBy(port))
      .map((port) => port.external_ids.pod as string),
  prune(txn, name) {
    const operations = [];
    const changes: string[] = [];
    for (const port of txn.view.where(
      'Logical_Switch_Port',
      (p) => p.external_ids.pod === name && ownedBy(p),
    )) {
      operations.push(...deleteSwitchPort(txn, port.name, { ifExists: true }));
      changes.push(`delete switch port ${port.name}`);
    }
    return { operations, changes };
  },
};
