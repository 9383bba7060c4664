/**
 * The shape of the Kube-OVN-sized Northbound of `npm run bench:scale`, and the Kube-OVN
 * objects (Vpcs, Subnets) that describe its routers and switches, so that applying them to
 * the generated database has nothing to change.
 *
 * Vpc `vpc-<v>` owns Subnets `s-<v>-0` and `s-<v>-1` (cidr 10.<hi>.<lo>.0/24 of the subnet's
 * number), 5 static routes and 3 policy routes; each switch has its router port and 25 pod
 * ports `pod-<s>-<j>.bench`. Port groups `pg-<g>` hold ACLs and 5 pod ports each; address
 * sets `as-<a>` hold 50 addresses.
 */

/** The sizes of the generated database. */
export interface NbSize {
  routers: number;
  subnetsPerRouter: number;
  routesPerRouter: number;
  policiesPerRouter: number;
  podsPerSwitch: number;
  portGroups: number;
  aclsPerGroup: number;
  addressSets: number;
  addressesPerSet: number;
}

/** The defaults: 2,000 VPCs (2 subnets, 5 routes, 3 policies), 26 ports a switch, 20,000 ACLs in 2,000 groups, 1,000 sets of 50. */
export const DEFAULT_SIZE: NbSize = {
  routers: 2000,
  subnetsPerRouter: 2,
  routesPerRouter: 5,
  policiesPerRouter: 3,
  podsPerSwitch: 25,
  portGroups: 2000,
  aclsPerGroup: 10,
  addressSets: 1000,
  addressesPerSet: 50,
};

/** `DEFAULT_SIZE` with the counts of objects (not their insides) multiplied by `factor` (at least 2 routers, 1 group, 1 set). */
export function scaledSize(factor: number): NbSize {
  const times = (n: number, min: number) => Math.max(min, Math.round(n * factor));
  return {
    ...DEFAULT_SIZE,
    routers: times(DEFAULT_SIZE.routers, 2),
    portGroups: times(DEFAULT_SIZE.portGroups, 1),
    addressSets: times(DEFAULT_SIZE.addressSets, 1),
  };
}

/** Rows of the database of `size`, table by table. */
export function rowCounts(size: NbSize): Record<string, number> {
  const switches = size.routers * size.subnetsPerRouter;
  return {
    Logical_Router: size.routers,
    Logical_Router_Port: switches,
    Logical_Router_Static_Route: size.routers * size.routesPerRouter,
    Logical_Router_Policy: size.routers * size.policiesPerRouter,
    Logical_Switch: switches,
    Logical_Switch_Port: switches * (size.podsPerSwitch + 1),
    ACL: size.portGroups * size.aclsPerGroup,
    Port_Group: size.portGroups,
    Address_Set: size.addressSets,
  };
}

/** Total rows of `size`. */
export const totalRows = (size: NbSize): number => Object.values(rowCounts(size)).reduce((a, b) => a + b, 0);

export const vpcName = (v: number): string => `vpc-${v}`;
export const subnetName = (v: number, k: number): string => `s-${v}-${k}`;
/** The switch number of subnet `k` of Vpc `v`. */
export const switchNumber = (size: NbSize, v: number, k: number): number => v * size.subnetsPerRouter + k;
/** `10.<hi>.<lo>` of switch `s` (room for 65,536 switches). */
export const switchNet = (s: number): string => `10.${(s >> 8) & 255}.${s & 255}`;
export const subnetCidr = (s: number): string => `${switchNet(s)}.0/24`;
export const podIp = (s: number, j: number): string => `${switchNet(s)}.${j + 2}`;
export const podName = (s: number, j: number): string => `pod-${s}-${j}`;
export const podMac = (s: number, j: number): string =>
  `0a:${hex(s >> 16)}:${hex(s >> 8)}:${hex(s)}:${hex(j >> 8)}:${hex(j)}`;
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** Static route `i` of Vpc `v`: an outside prefix via a host of the Vpc's first subnet. */
export function vpcRoute(size: NbSize, v: number, i: number): { cidr: string; nextHopIP: string } {
  return {
    cidr: `172.${16 + (i % 16)}.${v & 255}.${(v >> 8) * 8}/29`,
    nextHopIP: `${switchNet(switchNumber(size, v, 0))}.254`,
  };
}

/** Policy route `i` of Vpc `v`. */
export function vpcPolicy(
  size: NbSize,
  v: number,
  i: number,
): { priority: number; match: string; action: string } {
  const s = switchNumber(size, v, i % size.subnetsPerRouter);
  return {
    priority: 1000 + i,
    match: `ip4.src == ${subnetCidr(s)} && ip4.dst == 192.168.${i}.0/24`,
    action: 'allow',
  };
}

/** The Vpc object of router `v`, as a controller has it from the API server. */
export function vpcObject(size: NbSize, v: number): Record<string, unknown> {
  return {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: vpcName(v) },
    spec: {
      staticRoutes: Array.from({ length: size.routesPerRouter }, (_, i) => ({
        ...vpcRoute(size, v, i),
        policy: 'policyDst',
      })),
      policyRoutes: Array.from({ length: size.policiesPerRouter }, (_, i) => vpcPolicy(size, v, i)),
    },
  };
}

/** The Subnet object `k` of Vpc `v`. */
export function subnetObject(size: NbSize, v: number, k: number): Record<string, unknown> {
  return {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Subnet',
    metadata: { name: subnetName(v, k) },
    spec: { vpc: vpcName(v), cidrBlock: subnetCidr(switchNumber(size, v, k)) },
  };
}

/** Every Vpc and Subnet of the database, as objects. */
export function allObjects(size: NbSize): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let v = 0; v < size.routers; v++) out.push(vpcObject(size, v));
  for (let v = 0; v < size.routers; v++)
    for (let k = 0; k < size.subnetsPerRouter; k++) out.push(subnetObject(size, v, k));
  return out;
}
