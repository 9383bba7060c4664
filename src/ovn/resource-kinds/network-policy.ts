/**
 * The `NetworkPolicy` kind of `applyResources`: every policy of the input translated with the
 * input's Namespaces and Pods and planned in ONE transaction (after the Pods' ports exist), by
 * diff, so that a pod or namespace label change touches only the rows it affects.
 */
import { planDeleteNetworkPolicy } from '../network-policy/delete-policy.js';
import {
  type KubernetesObjects,
  type NetworkPolicyResource,
  parseNetworkPolicy,
} from '../network-policy/k8s-objects.js';
import { policyKey } from '../network-policy/names.js';
import { planNetworkPolicies } from '../network-policy/plan.js';
import { translateNetworkPolicies } from '../network-policy/translate.js';
import { ownedBy } from '../ownership.js';
import { type ParsedInput, type ResourceKind, resourcesOf } from './kind.js';
import type { AppliedPod } from './pod.js';

/** A NetworkPolicy as applyResources plans it; its name is `<namespace>/<name>`. */
export interface AppliedNetworkPolicy {
  readonly name: string;
  readonly policy: NetworkPolicyResource;
}

/** What the translation reads: `policies`, and the input's Namespaces and Pods. */
function objectsOf(input: ParsedInput, policies: readonly AppliedNetworkPolicy[]): KubernetesObjects {
  return {
    networkPolicies: policies.map((p) => p.policy),
    namespaces: [...input.namespaces],
    pods: resourcesOf<AppliedPod>(input, 'Pod').map((p) => p.pod),
  };
}

/** NetworkPolicies: all in one transaction; pruned by their port group's `external_ids:np`. */
export const networkPolicyKind: ResourceKind<AppliedNetworkPolicy> = {
  kind: 'NetworkPolicy',
  parse(document) {
    const policy = parseNetworkPolicy(document);
    return { name: `${policy.namespace}/${policy.name}`, policy };
  },
  nameField: (name) => `NetworkPolicy ${name}: metadata.name`,
  // Translated now, so that a name OVN cannot take, or two policies sharing one port group,
  // are refused before anything is sent.
  check(policies, input) {
    if (policies.length > 0) translateNetworkPolicies(objectsOf(input, policies));
  },
  units: (policies) => [[...policies]],
  planUnit(txn, unit, input) {
    return planNetworkPolicies(txn, objectsOf(input, unit)).map(({ operations, changes }) => ({
      operations,
      changes,
    }));
  },
  ownedKey: ({ policy }) => policyKey(policy.namespace, policy.name),
  owned: (nb) =>
    nb
      .where('Port_Group', (group) => group.external_ids.np !== undefined && ownedBy(group))
      .map((group) => group.external_ids.np as string),
  prune(txn, name) {
    const { operations, changes } = planDeleteNetworkPolicy(txn, name, { ifExists: true });
    return { operations, changes };
  },
};
