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

/** The same change as the arguments of one `ovn-nbctl` command (one transaction). */
export function vpcChangeNbctlArgs(size: NbSize, n: number): string[] {
  const k = vpcName(peerOf(size, n));
  const l = link(n);
  const name = newVpcName(n);
  const mac = (x: number) =>
    `0a:fe:00:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}:0${x}`;
  return [
    'lr-add',
    name,
    '--',
    'lrp-add',
    name,
    `${name}-${k}`,
    mac(1),
    `${l.local}${l.prefix}`,
    `peer=${k}-${name}`,
    '--',
    'lrp-add',
    k,
    `${k}-${name}`,
    mac(2),
    `${l.remote}${l.prefix}`,
    `peer=${name}-${k}`,
    '--',
    'lr-route-add',
    name,
    `172.31.${n & 255}.0/24`,
    l.remote,
    '--',
    'lr-route-add',
    name,
    `172.30.${n & 255}.0/24`,
    l.remote,
  ];
}
