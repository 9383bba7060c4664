/**
 * NetworkPolicy -> the OVN rows Kube-OVN writes for it, as plain data (no database): one port
 * group of the selected pods, address sets per rule and family, and the ACLs of the group.
 * The planner (plan.ts) brings the database to this by diffs.
 */
import { InvalidSpecError } from '../ovn-errors.js';
import { KUBE_OVN_VENDOR } from '../ownership.js';
import { NetworkPolicyConflictError } from './conflict-error.js';
import type {
  KubernetesObjects,
  NetworkPolicyPort,
  NetworkPolicyResource,
  NetworkPolicyRule,
  PodResource,
  PolicyProtocol,
} from './k8s-objects.js';
import { NAMESPACE_NAME_LABEL } from './k8s-objects.js';
import { selectorMatches } from './label-selector.js';
import {
  aclName,
  type PolicyDirection,
  podPortName,
  policyAddressSetName,
  policyKey,
  policyOvnName,
  policyPortGroupName,
} from './names.js';

/** Kube-OVN's priorities of NetworkPolicy ACLs (pkg/util/const.go). */
export const NETWORK_POLICY_PRIORITY = {
  /** `IngressAllowPriority` and `EgressAllowPriority`. */
  allow: 2001,
  /** `IngressDefaultDrop` and `EgressDefaultDrop`. */
  defaultDrop: 2000,
} as const;

/** An ACL of a policy's port group. */
export interface PolicyAcl {
  readonly direction: 'from-lport' | 'to-lport';
  readonly priority: number;
  readonly match: string;
  readonly action: 'allow-related' | 'allow-stateless' | 'drop';
  /** Kube-OVN logs only when the policy's annotations ask for it; these never do. */
  readonly log: false;
  readonly name?: string;
  readonly options?: Readonly<Record<string, string>>;
}

/** An address set of a policy. */
export interface PolicyAddressSet {
  readonly name: string;
  readonly family: 4 | 6;
  /** Canonical, sorted, each once. */
  readonly addresses: readonly string[];
  readonly externalIds: Readonly<Record<string, string>>;
}

/** What one NetworkPolicy becomes in OVN. */
export interface DesiredNetworkPolicy {
  /** `<namespace>/<name>`. */
  readonly policy: string;
  readonly portGroup: string;
  /** The port group's `external_ids` (`np=<namespace>/<npName>`). */
  readonly portGroupExternalIds: Readonly<Record<string, string>>;
  /** The pods of the port group (podSelector in the policy's namespace, with an address). */
  readonly pods: readonly PodResource[];
  readonly addressSets: readonly PolicyAddressSet[];
  readonly acls: readonly PolicyAcl[];
  /** The pairs that mark this policy's ACLs (the owner handed to setAcls). */
  readonly aclOwner: Readonly<Record<string, string>>;
}

/** The objects indexed once for every policy of a translation. */
export interface PolicyWorld {
  readonly podsByNamespace: ReadonlyMap<string, readonly PodResource[]>;
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly allPods: readonly PodResource[];
}

const EGRESS_OPTIONS = { 'apply-after-lb': 'true' } as const;

/**
 * Indexes pods and namespaces; refuses two objects of one name. A namespace that only pods
 * mention gets the label the API server gives every namespace (`kubernetes.io/metadata.name`).
 */
export function policyWorld(objects: KubernetesObjects): PolicyWorld {
  const namespaceLabels = new Map<string, Readonly<Record<string, string>>>();
  for (const ns of objects.namespaces) {
    if (namespaceLabels.has(ns.name))
      throw new InvalidSpecError(
        `Namespace ${ns.name}: metadata.name`,
        ns.name,
        'appears twice in one input',
      );
    namespaceLabels.set(ns.name, ns.labels);
  }
  const podsByNamespace = new Map<string, PodResource[]>();
  const ports = new Map<string, PodResource>();
  const allPods: PodResource[] = [];
  for (const pod of objects.pods) {
    if (pod.hostNetwork) continue;
    const port = podPortName(pod.namespace, pod.name);
    const other = ports.get(port);
    if (other !== undefined)
      throw new NetworkPolicyConflictError('switch-port', port, [
        `Pod ${other.namespace}/${other.name}`,
        `Pod ${pod.namespace}/${pod.name}`,
      ]);
    ports.set(port, pod);
    allPods.push(pod);
    let list = podsByNamespace.get(pod.namespace);
    if (list === undefined) {
      list = [];
      podsByNamespace.set(pod.namespace, list);
      if (!namespaceLabels.has(pod.namespace))
        namespaceLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
    }
    list.push(pod);
  }
  return { podsByNamespace, namespaceLabels, allPods };
}

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/** The pods a selector peer of `policy` selects. */
function peerPods(
  world: PolicyWorld,
  policy: NetworkPolicyResource,
  peer: Extract<NetworkPolicyRule['peers'][number], { kind: 'selector' }>,
): PodResource[] {
  const namespaces: string[] = [];
  if (peer.namespaceSelector === undefined) namespaces.push(policy.namespace);
  else
    for (const [name, labels] of world.namespaceLabels)
      if (selectorMatches(peer.namespaceSelector, labels)) namespaces.push(name);
  const out: PodResource[] = [];
  for (const ns of namespaces)
    for (const pod of world.podsByNamespace.get(ns) ?? [])
      if (peer.podSelector === undefined || selectorMatches(peer.podSelector, pod.labels)) out.push(pod);
  return out;
}

/** The port numbers container port `name` (of `protocol`) has on `pods`, sorted. */
function namedPortNumbers(pods: readonly PodResource[], name: string, protocol: PolicyProtocol): number[] {
  const numbers = new Set<number>();
  for (const pod of pods)
    for (const port of pod.namedPorts)
      if (port.name === name && port.protocol === protocol) numbers.add(port.containerPort);
  return [...numbers].sort((a, b) => a - b);
}

/**
 * The L4 clause of each `ports` entry (`tcp`, `tcp.dst == 80`, `80 <= tcp.dst <= 90`), or
 * `undefined` for a named port no target pod has (that entry allows nothing).
 */
function portClauses(ports: readonly NetworkPolicyPort[], targets: () => readonly PodResource[]) {
  if (ports.length === 0) return [''];
  const clauses: string[] = [];
  for (const port of ports) {
    const proto = port.protocol.toLowerCase();
    if (port.port === undefined) clauses.push(` && ${proto}`);
    else if (typeof port.port === 'string') {
      const numbers = namedPortNumbers(targets(), port.port, port.protocol);
      if (numbers.length === 1) clauses.push(` && ${proto}.dst == ${numbers[0]}`);
      else if (numbers.length > 1) clauses.push(` && ${proto}.dst == {${numbers.join(', ')}}`);
    } else if (port.endPort === undefined) clauses.push(` && ${proto}.dst == ${port.port}`);
    else clauses.push(` && ${port.port} <= ${proto}.dst <= ${port.endPort}`);
  }
  return clauses;
}

function sortedAddresses(addresses: Iterable<string>): string[] {
  return [...new Set(addresses)].sort();
}

/** Translates one policy (its namespace's pods and the peers' addresses read from `world`). */
export function translateNetworkPolicy(
  world: PolicyWorld,
  policy: NetworkPolicyResource,
): DesiredNetworkPolicy {
  const pg = policyPortGroupName(policy.namespace, policy.name);
  const key = policyKey(policy.namespace, policy.name);
  const selected = (world.podsByNamespace.get(policy.namespace) ?? []).filter(
    (pod) =>
      pod.ips.length > 0 &&
      pod.logicalSwitch !== undefined &&
      selectorMatches(policy.podSelector, pod.labels),
  );
  // Kube-OVN writes ACLs of the families its selected pods have addresses of, and none while it selects no pod.
  const families = new Set<4 | 6>();
  for (const pod of selected) for (const ip of pod.ips) families.add(familyOf(ip));
  const addressSets: PolicyAddressSet[] = [];
  const acls: PolicyAcl[] = [];
  const identities = new Set<string>();
  const addAcl = (acl: PolicyAcl) => {
    const identity = `${acl.direction}|${acl.priority}|${acl.match}`;
    if (identities.has(identity)) return;
    identities.add(identity);
    acls.push(acl);
  };

  const direction = (dir: PolicyDirection, rules: readonly NetworkPolicyRule[]) => {
    const ingress = dir === 'ingress';
    const aclDirection = ingress ? 'to-lport' : 'from-lport';
    const portSide = ingress ? 'outport' : 'inport';
    const ipSide = ingress ? 'src' : 'dst';
    const options = ingress ? {} : { options: EGRESS_OPTIONS };
    const setIds = { np: `${key}/${dir}` };
    const base = `${portSide} == @${pg} && ip`;
    addAcl({
      direction: aclDirection,
      priority: NETWORK_POLICY_PRIORITY.defaultDrop,
      match: base,
      action: 'drop',
      log: false,
      name: aclName(`${policy.namespace}/${policy.name}`),
      ...options,
    });
    for (const family of [...families].sort()) {
      const field = `ip${family}.${ipSide}`;
      rules.forEach((rule, idx) => {
        const ruleName = `np/${policyOvnName(policy.name)}.${policy.namespace}/${dir}/IPv${family}/${idx}`;
        const allow = (l3: string, name: string, targets: () => readonly PodResource[]) => {
          for (const l4 of portClauses(rule.ports, targets))
            addAcl({
              direction: aclDirection,
              priority: NETWORK_POLICY_PRIORITY.allow,
              match: `${base} && ${l3}${l4}`,
              action: 'allow-related',
              log: false,
              name: aclName(name),
              ...options,
            });
        };
        const own = () => selected;
        const selectorPeers = rule.peers.filter((peer) => peer.kind === 'selector');
        if (rule.peers.length === 0 || selectorPeers.length > 0) {
          const name = policyAddressSetName(pg, dir, 'allow', family, idx);
          let addresses: string[];
          let targets: () => readonly PodResource[];
          if (rule.peers.length === 0) {
            addresses = [family === 4 ? '0.0.0.0/0' : '::/0'];
            targets = ingress ? own : () => world.allPods;
          } else {
            const pods = selectorPeers.flatMap((peer) => peerPods(world, policy, peer));
            addresses = sortedAddresses(
              pods.flatMap((pod) => pod.ips.filter((ip) => familyOf(ip) === family)),
            );
            targets = ingress ? own : () => pods;
          }
          addressSets.push({ name, family, addresses, externalIds: setIds });
          allow(`${field} == $${name}`, ruleName, targets);
        }
        rule.peers.forEach((peer, j) => {
          if (peer.kind !== 'ipBlock' || peer.ipBlock.cidr.family !== family) return;
          const allowName = policyAddressSetName(pg, dir, 'allow', family, idx, j);
          addressSets.push({
            name: allowName,
            family,
            addresses: [peer.ipBlock.cidr.networkText],
            externalIds: setIds,
          });
          let l3 = `${field} == $${allowName}`;
          if (peer.ipBlock.except.length > 0) {
            const exceptName = policyAddressSetName(pg, dir, 'except', family, idx, j);
            addressSets.push({
              name: exceptName,
              family,
              addresses: sortedAddresses(peer.ipBlock.except.map((cidr) => cidr.networkText)),
              externalIds: setIds,
            });
            l3 += ` && ${field} != $${exceptName}`;
          }
          allow(l3, `${ruleName}/ipBlock`, ingress ? own : () => world.allPods);
        });
      });
    }
  };
  if (families.size > 0) {
    if (policy.ingressIsolated) direction('ingress', policy.ingress);
    if (policy.egressIsolated) direction('egress', policy.egress);
    // Kube-OVN lets ICMPv6 through (neighbour discovery of the gateway) when a policy's pods have IPv6.
    if (families.has(6) && (policy.ingressIsolated || policy.egressIsolated)) {
      addAcl({
        direction: 'from-lport',
        priority: NETWORK_POLICY_PRIORITY.allow,
        match: `inport == @${pg} && icmp6`,
        action: 'allow-stateless',
        log: false,
        options: EGRESS_OPTIONS,
      });
      addAcl({
        direction: 'to-lport',
        priority: NETWORK_POLICY_PRIORITY.allow,
        match: `outport == @${pg} && icmp6`,
        action: 'allow-stateless',
        log: false,
      });
    }
  }
  return {
    policy: `${policy.namespace}/${policy.name}`,
    portGroup: pg,
    portGroupExternalIds: { np: key },
    pods: selected,
    addressSets,
    acls,
    aclOwner: { vendor: KUBE_OVN_VENDOR, parent: pg },
  };
}

/**
 * Translates every policy of `objects`.
 * @throws {@link InvalidSpecError} for a policy, namespace or pod given twice;
 *   {@link NetworkPolicyConflictError} when two policies map to one port group name, or two
 *   pods to one switch port.
 */
export function translateNetworkPolicies(objects: KubernetesObjects): DesiredNetworkPolicy[] {
  const world = policyWorld(objects);
  const groups = new Map<string, string>();
  const seen = new Set<string>();
  return objects.networkPolicies.map((policy) => {
    const id = `${policy.namespace}/${policy.name}`;
    if (seen.has(id))
      throw new InvalidSpecError(
        `NetworkPolicy ${id}: metadata.name`,
        policy.name,
        'appears twice in one input',
      );
    seen.add(id);
    const desired = translateNetworkPolicy(world, policy);
    const other = groups.get(desired.portGroup);
    if (other !== undefined)
      throw new NetworkPolicyConflictError('port-group', desired.portGroup, [
        `NetworkPolicy ${other}`,
        `NetworkPolicy ${id}`,
      ]);
    groups.set(desired.portGroup, id);
    return desired;
  });
}
