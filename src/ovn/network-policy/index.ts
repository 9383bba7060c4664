/**
 * Kubernetes NetworkPolicy translated into OVN as Kube-OVN does it: a port group per policy,
 * address sets per rule and family, and the ACLs of the group (see docs/ovn/network-policy.md).
 */
export * from './conflict-error.js';
export * from './k8s-objects.js';
export * from './label-selector.js';
export * from './names.js';
export * from './translate.js';
