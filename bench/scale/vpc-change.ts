/**
 * The one-change measure of `npm run bench:scale`: a new Vpc peering with an existing one,
 * with 2 static routes via the peer, as Kube-OVN objects (both Vpcs, so that both ends of the
 * link are planned in one transaction), and the same change as one `ovn-nbctl` command.
 */
import { type NbSize, vpcName, vpcObject } from './nb-shape.js';

/** The link of change `n`: 169.254.<hi>.<lo>/30, local .1 and remote .2 of it. */
function link(n: number): { local: string; remote: string; prefix: string } {
  const base = (n & 63) * 4;
  const third = n >> 6;
  return {
    local: `169.254.${third}.${base + 1}`,
    remote: `169.254.${third}.${base + 2}`,
    prefix: '/30',
  };
}

/** The existing Vpc that change `n` peers with (never vpc-0, which the burst writes to). */
export const peerOf = (size: NbSize, n: number): number => 1 + (n % Math.max(1, size.routers - 1));

/** The name of the Vpc change `n` creates. */
export const newVpcName = (n: number): string => `vpc-new-${n}`;

/** Change `n` as objects: the new Vpc (peering + 2 routes) and the existing Vpc with its side of the peering. */
export function vpcChangeObjects(size: NbSize, n: number): Record<string, unknown>[] {
  const k = peerOf(size, n);
  const l = link(n);
  const name = newVpcName(n);
  const existing = vpcObject(size, k) as { spec: Record<string, unknown> };
  return [
    {
      apiVersion: 'kubeovn.io/v1',
      kind: 'Vpc',
      metadata: { name },
      spec: {
        vpcPeerings: [{ remoteVpc: vpcName(k), localConnectIP: `${l.local}${l.prefix}` }],
        staticRoutes: [
          { cidr: `172.31.${n & 255}.0/24`, nextHopIP: l.remote, policy: 'policyDst' },
          { cidr: `172.30.${n & 255}.0/24`, nextHopIP: l.remote, policy: 'policyDst' },
        ],
      },
    },
    {
      ...existing,
      spec: {
        ...existing.spec,
        vpcPeerings: [{ remoteVpc: name, localConnectIP: `${l.remote}${l.prefix}` }],
      },
    },
  ];
}

/** Change `n` as the rows a CLI or an IDL client writes: the new router, a port on each side, the routes. */
export interface VpcChangeRows {
  name: string;
  peer: string;
  local_port: string;
  remote_port: string;
  mac1: string;
  mac2: string;
  local: string;
  remote: string;
  routes: [string, string][];
}

/** The rows of change `n`. */
export function vpcChangeRows(size: NbSize, n: number): VpcChangeRows {
  const peer = vpcName(peerOf(size, n));
  const l = link(n);
  const name = newVpcName(n);
  const hex = (x: number) => (x & 255).toString(16).padStart(2, '0');
  const mac = (x: number) => `0a:fe:00:${hex(n >> 8)}:${hex(n)}:0${x}`;
  return {
    name,
    peer,
    local_port: `${name}-${peer}`,
    remote_port: `${peer}-${name}`,
    mac1: mac(1),
    mac2: mac(2),
    local: `${l.local}${l.prefix}`,
    remote: `${l.remote}${l.prefix}`,
    routes: [
      [`172.31.${n & 255}.0/24`, l.remote],
      [`172.30.${n & 255}.0/24`, l.remote],
    ],
  };
}

/** The same change as the arguments of one `ovn-nbctl` command (one transaction). */
export function vpcChangeNbctlArgs(size: NbSize, n: number): string[] {
  const c = vpcChangeRows(size, n);
  return [
    'lr-add',
    c.name,
    '--',
    'lrp-add',
    c.name,
    c.local_port,
    c.mac1,
    c.local,
    `peer=${c.remote_port}`,
    '--',
    'lrp-add',
    c.peer,
    c.remote_port,
    c.mac2,
    c.remote,
    `peer=${c.local_port}`,
    ...c.routes.flatMap(([prefix, nexthop]) => ['--', 'lr-route-add', c.name, prefix, nexthop]),
  ];
}
