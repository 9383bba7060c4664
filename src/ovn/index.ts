/**
 * OVN Northbound helpers for what Kube-OVN does with custom VPCs (published as `ovndb/ovn`).
 * Every helper reads a replica and returns the operations of one transaction; it never sends
 * (see docs/ovn/).
 *
 * @packageDocumentation
 */
export * from './acls.js';
export * from './address-sets.js';
export * from './addresses.js';
export * from './apply-resources.js';
export * from './apply-vpc.js';
export * from './delete-vpc.js';
export * from './dhcp-options.js';
export * from './expr/index.js';
export * from './load-balancers.js';
export * from './nat.js';
export * from './nb-lookup.js';
export * from './network-policy/index.js';
export * from './ovn-errors.js';
export * from './ovn-names.js';
export * from './ownership.js';
export * from './peering.js';
export * from './policy-routes.js';
export * from './port-groups.js';
export * from './port-up.js';
export * from './routers.js';
export * from './sb-reads.js';
export * from './security-groups.js';
export * from './static-routes.js';
export * from './subnet-security.js';
export * from './subnets.js';
export * from './switch-ports.js';
export * from './vpc-spec.js';
export * from './wait-for.js';
