/**
 * Kubernetes NetworkPolicy translated into OVN as Kube-OVN does it: a port group per policy,
 * address sets per rule and family, and the ACLs of the group (see docs/ovn/network-policy.md).
 */
export { NetworkPolicyConflictError } from './conflict-error.js';
export {
  deleteNetworkPolicy,
  type NetworkPolicyDeletion,
  planDeleteNetworkPolicy,
} from './delete-policy.js';
export {
  type ContainerPort,
  type IpBlock,
  type KubernetesObjects,
  NAMESPACE_NAME_LABEL,
  type NamespaceResource,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicyResource,
  type NetworkPolicyRule,
  POD_ANNOTATIONS,
  type PodResource,
  type PolicyProtocol,
  parseKubernetesObjects,
  parseNamespace,
  parseNetworkPolicy,
  parsePod,
} from './k8s-objects.js';
export {
  type LabelSelector,
  type LabelSelectorRequirement,
  parseLabelSelector,
  selectorMatches,
} from './label-selector.js';
export {
  type PolicyDirection,
  podPortName,
  policyAddressSetName,
  policyKey,
  policyOvnName,
  policyPortGroupName,
} from './names.js';
export {
  type ApplyNetworkPoliciesOptions,
  applyNetworkPolicies,
  type NetworkPoliciesOutcome,
  type NetworkPolicyPlan,
  type PlanNetworkPoliciesOptions,
  planNetworkPolicies,
} from './plan.js';
export {
  createPodPorts,
  ensurePodPorts,
  hasSwitchPort,
  missingPodPorts,
  type PodPortCreation,
} from './pod-ports.js';
export {
  type DesiredNetworkPolicy,
  NETWORK_POLICY_PRIORITY,
  type PolicyAcl,
  type PolicyAddressSet,
  translateNetworkPolicies,
} from './translate.js';
