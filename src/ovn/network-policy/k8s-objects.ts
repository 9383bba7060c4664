/**
 * The Kubernetes objects a NetworkPolicy translation reads: `NetworkPolicy`
 * (networking.k8s.io/v1), `Namespace` and `Pod` (v1), from YAML or JSON text or parsed objects,
 * checked as the API server validates them. Every refusal is an `InvalidSpecError` whose
 * field names the object and the path: `NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.cidr`.
 */
import { isJsonObject } from '../../protocol/json-members.js';
import { type Cidr, cidrContains, parseCidr, parseIp, parseMac } from '../addresses.js';
import { InvalidSpecError, type InvalidYamlError } from '../ovn-errors.js';
import { checkStringMap } from '../spec-checks.js';
import { readYamlDocuments } from '../yaml-documents.js';
import { EVERYTHING, type LabelSelector, parseLabelSelector } from './label-selector.js';

/** The pod annotations Kube-OVN writes once it has given the pod an address. */
export const POD_ANNOTATIONS = {
  ipAddress: 'ovn.kubernetes.io/ip_address',
  macAddress: 'ovn.kubernetes.io/mac_address',
  logicalSwitch: 'ovn.kubernetes.io/logical_switch',
} as const;

/** The label the API server puts on every namespace (`kubernetes.io/metadata.name: <name>`). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The transport protocols a NetworkPolicy port may name. */
export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';

/** `ipBlock` of a peer: a CIDR and the CIDRs inside it it leaves out. */
export interface IpBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/** One `from` (ingress) or `to` (egress) entry. */
export type NetworkPolicyPeer =
  | {
      readonly kind: 'selector';
      /** Absent: every pod of the selected namespaces. */
      readonly podSelector?: LabelSelector;
      /** Absent: the policy's own namespace only. */
      readonly namespaceSelector?: LabelSelector;
    }
  | { readonly kind: 'ipBlock'; readonly ipBlock: IpBlock };

/** One `ports` entry. */
export interface NetworkPolicyPort {
  readonly protocol: PolicyProtocol;
  /** Absent: every port of the protocol; a string is a named container port. */
  readonly port?: number | string;
  /** The last port of a range starting at `port` (numeric `port` only). */
  readonly endPort?: number;
}

/** One ingress or egress rule. */
export interface NetworkPolicyRule {
  /** `from` of an ingress rule, `to` of an egress rule; empty: every peer. */
  readonly peers: readonly NetworkPolicyPeer[];
  /** Empty: every port. */
  readonly ports: readonly NetworkPolicyPort[];
}

/** A NetworkPolicy, with `policyTypes` resolved as the API server defaults it. */
export interface NetworkPolicyResource {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly ingressIsolated: boolean;
  readonly egressIsolated: boolean;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

/** A Namespace: its labels (with `kubernetes.io/metadata.name` added as the API server does). */
export interface NamespaceResource {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A named container port of a pod. */
export interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: PolicyProtocol;
}

/** A Pod: labels, named container ports and Kube-OVN's address annotations. */
export interface PodResource {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Canonical IPs of `ovn.kubernetes.io/ip_address` (empty: no address given yet). */
  readonly ips: readonly string[];
  readonly mac?: string;
  readonly logicalSwitch?: string;
  readonly namedPorts: readonly ContainerPort[];
  /** Host-network pods have no switch port; policies do not see them. */
  readonly hostNetwork: boolean;
}

/** The objects a translation reads. */
export interface KubernetesObjects {
  readonly networkPolicies: NetworkPolicyResource[];
  readonly namespaces: NamespaceResource[];
  readonly pods: PodResource[];
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

function metadataOf(doc: Record<string, unknown>, kind: string, namespaced: boolean) {
  const metadata = doc.metadata;
  if (!isJsonObject(metadata)) throw new InvalidSpecError(`${kind}: metadata`, metadata, 'must be an object');
  const { name } = metadata;
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError(`${kind}: metadata.name`, name, 'required');
  let namespace = '';
  if (namespaced) {
    const ns = metadata.namespace ?? 'default';
    if (typeof ns !== 'string' || ns === '')
      throw new InvalidSpecError(`${kind} ${name}: metadata.namespace`, ns, 'must be a namespace name');
    namespace = ns;
  }
  const where = namespaced ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
  return {
    name,
    namespace,
    where,
    labels: checkStringMap(metadata.labels, `${where}: metadata.labels`),
    annotations: checkStringMap(metadata.annotations, `${where}: metadata.annotations`),
  };
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'must be a list');
  return value;
}

/** An IANA service name, as Kubernetes validates a named port. */
function isPortName(text: string): boolean {
  return (
    text.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(text) &&
    !text.includes('--') &&
    /[a-z]/.test(text)
  );
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function protocolOf(value: unknown, field: string): PolicyProtocol {
  if (value === undefined || value === null) return 'TCP';
  if (typeof value !== 'string' || !PROTOCOLS.has(value))
    throw new InvalidSpecError(field, value, 'must be TCP, UDP or SCTP');
  return value as PolicyProtocol;
}

function parsePort(value: unknown, field: string): NetworkPolicyPort {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const protocol = protocolOf(value.protocol, `${field}.protocol`);
  const { port, endPort } = value;
  if (port === undefined || port === null) {
    if (endPort !== undefined && endPort !== null)
      throw new InvalidSpecError(`${field}.endPort`, endPort, 'needs a numeric port');
    return { protocol };
  }
  if (typeof port === 'string') {
    // A quoted number is still a number to Kubernetes (intstr).
    if (/^[0-9]+$/.test(port)) return parsePort({ ...value, port: Number(port) }, field);
    if (!isPortName(port))
      throw new InvalidSpecError(`${field}.port`, port, 'must be a port number or an IANA service name');
    if (endPort !== undefined && endPort !== null)
      throw new InvalidSpecError(
        `${field}.endPort`,
        endPort,
        'endPort needs a numeric port, not a named one',
      );
    return { protocol, port };
  }
  if (!isPortNumber(port)) throw new InvalidSpecError(`${field}.port`, port, 'must be from 1 to 65535');
  if (endPort === undefined || endPort === null) return { protocol, port };
  if (!isPortNumber(endPort) || endPort < port)
    throw new InvalidSpecError(`${field}.endPort`, endPort, `must be from ${port} to 65535`);
  return { protocol, port, endPort };
}

function parseIpBlock(value: unknown, field: string): IpBlock {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  if (typeof value.cidr !== 'string') throw new InvalidSpecError(`${field}.cidr`, value.cidr, 'required');
  // Host bits are allowed (the API server takes 10.0.0.1/24); the block is its network.
  const cidr = parseCidr(parseCidr(value.cidr, `${field}.cidr`).networkText, `${field}.cidr`);
  const except = list(value.except, `${field}.except`).map((entry, i) => {
    const at = `${field}.except[${i}]`;
    if (typeof entry !== 'string') throw new InvalidSpecError(at, entry, 'must be a CIDR');
    const inner = parseCidr(parseCidr(entry, at).networkText, at);
    if (
      inner.family !== cidr.family ||
      inner.prefix <= cidr.prefix ||
      !cidrContains(cidr, { family: inner.family, text: inner.network })
    )
      throw new InvalidSpecError(at, entry, `must be a strict subset of cidr ${cidr.networkText}`);
    return inner;
  });
  return { cidr, except };
}

function parsePeer(value: unknown, field: string): NetworkPolicyPeer {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const hasPods = value.podSelector !== undefined && value.podSelector !== null;
  const hasNamespaces = value.namespaceSelector !== undefined && value.namespaceSelector !== null;
  const hasBlock = value.ipBlock !== undefined && value.ipBlock !== null;
  if (hasBlock) {
    if (hasPods || hasNamespaces)
      throw new InvalidSpecError(field, value, 'ipBlock cannot be combined with a pod or namespace selector');
    return { kind: 'ipBlock', ipBlock: parseIpBlock(value.ipBlock, `${field}.ipBlock`) };
  }
  if (!hasPods && !hasNamespaces)
    throw new InvalidSpecError(field, value, 'needs podSelector, namespaceSelector or ipBlock');
  return {
    kind: 'selector',
    ...(hasPods ? { podSelector: parseLabelSelector(value.podSelector, `${field}.podSelector`) } : {}),
    ...(hasNamespaces
      ? { namespaceSelector: parseLabelSelector(value.namespaceSelector, `${field}.namespaceSelector`) }
      : {}),
  };
}

function parseRule(value: unknown, field: string, peersKey: 'from' | 'to'): NetworkPolicyRule {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  return {
    peers: list(value[peersKey], `${field}.${peersKey}`).map((p, i) =>
      parsePeer(p, `${field}.${peersKey}[${i}]`),
    ),
    ports: list(value.ports, `${field}.ports`).map((p, i) => parsePort(p, `${field}.ports[${i}]`)),
  };
}

/** Reads one NetworkPolicy object. */
export function parseNetworkPolicy(doc: unknown): NetworkPolicyResource {
  if (!isJsonObject(doc)) throw new InvalidSpecError('NetworkPolicy', doc, 'must be an object');
  const { name, namespace, where } = metadataOf(doc, 'NetworkPolicy', true);
  const spec = doc.spec;
  if (!isJsonObject(spec)) throw new InvalidSpecError(`${where}: spec`, spec, 'must be an object');
  const at = (path: string) => `${where}: spec.${path}`;
  const podSelector =
    spec.podSelector === undefined ? EVERYTHING : parseLabelSelector(spec.podSelector, at('podSelector'));
  const ingress = list(spec.ingress, at('ingress')).map((r, i) => parseRule(r, at(`ingress[${i}]`), 'from'));
  const egress = list(spec.egress, at('egress')).map((r, i) => parseRule(r, at(`egress[${i}]`), 'to'));
  const types = list(spec.policyTypes, at('policyTypes'));
  types.forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress')
      throw new InvalidSpecError(at(`policyTypes[${i}]`), type, 'must be Ingress or Egress');
  });
  // Omitted policyTypes, as the API server defaults them: Ingress, and Egress when egress rules exist.
  const ingressIsolated = types.length === 0 || types.includes('Ingress');
  const egressIsolated = types.length === 0 ? egress.length > 0 : types.includes('Egress');
  return { namespace, name, podSelector, ingressIsolated, egressIsolated, ingress, egress };
}

/** Reads one Namespace object. */
export function parseNamespace(doc: unknown): NamespaceResource {
  if (!isJsonObject(doc)) throw new InvalidSpecError('Namespace', doc, 'must be an object');
  const { name, labels } = metadataOf(doc, 'Namespace', false);
  return { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } };
}

function containerPorts(spec: Record<string, unknown>, where: string): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const read = (key: 'containers' | 'initContainers') =>
    list(spec[key], `${where}: spec.${key}`).forEach((container, c) => {
      const at = `${where}: spec.${key}[${c}]`;
      if (!isJsonObject(container)) throw new InvalidSpecError(at, container, 'must be an object');
      // Only sidecars (restartPolicy Always) of the init containers serve ports.
      if (key === 'initContainers' && container.restartPolicy !== 'Always') return;
      list(container.ports, `${at}.ports`).forEach((port, p) => {
        const field = `${at}.ports[${p}]`;
        if (!isJsonObject(port)) throw new InvalidSpecError(field, port, 'must be an object');
        if (port.name === undefined || port.name === null || port.name === '') return;
        if (typeof port.name !== 'string' || !isPortName(port.name))
          throw new InvalidSpecError(`${field}.name`, port.name, 'must be an IANA service name');
        if (!isPortNumber(port.containerPort))
          throw new InvalidSpecError(`${field}.containerPort`, port.containerPort, 'must be from 1 to 65535');
        ports.push({
          name: port.name,
          containerPort: port.containerPort,
          protocol: protocolOf(port.protocol, `${field}.protocol`),
        });
      });
    });
  read('initContainers');
  read('containers');
  return ports;
}

/** Reads one Pod object. */
export function parsePod(doc: unknown): PodResource {
  if (!isJsonObject(doc)) throw new InvalidSpecError('Pod', doc, 'must be an object');
  const { name, namespace, where, labels, annotations } = metadataOf(doc, 'Pod', true);
  const spec = doc.spec === undefined ? {} : doc.spec;
  if (!isJsonObject(spec)) throw new InvalidSpecError(`${where}: spec`, spec, 'must be an object');
  const annotation = (key: string) => `${where}: metadata.annotations["${key}"]`;
  const ipText = annotations[POD_ANNOTATIONS.ipAddress] ?? '';
  const ips = ipText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseIp(part, annotation(POD_ANNOTATIONS.ipAddress)));
  if (ips.length > 2 || (ips.length === 2 && ips[0]!.family === ips[1]!.family))
    throw new InvalidSpecError(annotation(POD_ANNOTATIONS.ipAddress), ipText, 'at most one IP per family');
  const macText = annotations[POD_ANNOTATIONS.macAddress];
  const logicalSwitch = annotations[POD_ANNOTATIONS.logicalSwitch];
  return {
    namespace,
    name,
    labels,
    ips: ips.map((ip) => ip.text),
    ...(macText ? { mac: parseMac(macText, annotation(POD_ANNOTATIONS.macAddress)) } : {}),
    ...(logicalSwitch ? { logicalSwitch } : {}),
    namedPorts: containerPorts(spec, where),
    hostNetwork: spec.hostNetwork === true,
  };
}

/**
 * Reads every NetworkPolicy, Namespace and Pod of `input`: YAML with several `---` documents,
 * JSON text, a parsed object or array, or a `kind: List` of items. Other kinds are skipped.
 * @throws {@link InvalidYamlError} for text that is not YAML, {@link InvalidSpecError} naming
 *   the object and field path (`NetworkPolicy default/allow-web: spec.ingress[0].from[1].ipBlock.cidr`).
 */
export function parseKubernetesObjects(input: string | unknown): KubernetesObjects {
  const documents =
    typeof input === 'string' ? readYamlDocuments(input) : Array.isArray(input) ? input : [input];
  const objects: KubernetesObjects = { networkPolicies: [], namespaces: [], pods: [] };
  const visit = (doc: unknown) => {
    if (!isJsonObject(doc)) return;
    if (doc.kind === 'List' || (typeof doc.kind === 'string' && doc.kind.endsWith('List'))) {
      for (const item of list(doc.items, `${doc.kind}: items`)) visit(item);
    } else if (doc.kind === 'NetworkPolicy') objects.networkPolicies.push(parseNetworkPolicy(doc));
    else if (doc.kind === 'Namespace') objects.namespaces.push(parseNamespace(doc));
    else if (doc.kind === 'Pod') objects.pods.push(parsePod(doc));
  };
  for (const doc of documents) visit(doc);
  return objects;
}
