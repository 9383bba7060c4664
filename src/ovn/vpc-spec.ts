/**
 * The Kube-OVN `Vpc` and `Subnet` resources as the declarative helpers take them: parsed from
 * objects, JSON or YAML (the seeds' examples work as they are, several documents in one
 * text), with field names as the CRDs have them, and checked field by field before anything
 * is planned. Every refusal is an `InvalidSpecError` naming the field path and the value
 * (a `DuplicatePolicyError` naming both entries for two policy routes of one identity), or,
 * for text that is not YAML, an `InvalidYamlError` naming the document, line and column.
 */
import { parseCidr, parseIp } from './addresses.js';
import { DuplicatePolicyError, InvalidSpecError, type InvalidYamlError } from './ovn-errors.js';
import { checkRouterMatch } from './router-match.js';
import { readYamlDocuments } from './yaml-documents.js';

/** `spec.staticRoutes[]` of a Vpc. */
export interface VpcStaticRoute {
  readonly cidr: string;
  readonly nextHopIP: string;
  /** `policyDst` (the default) or `policySrc`. */
  readonly policy?: 'policyDst' | 'policySrc';
  /** The route table; empty or absent: the main table. */
  readonly routeTable?: string;
}

/** `spec.policyRoutes[]` of a Vpc. */
export interface VpcPolicyRoute {
  readonly priority: number;
  readonly match: string;
  readonly action: 'allow' | 'drop' | 'reroute';
  /** For `reroute`: one next hop, or several comma-separated (ECMP). */
  readonly nextHopIP?: string;
}

/** `spec.vpcPeerings[]` of a Vpc. */
export interface VpcPeering {
  readonly remoteVpc: string;
  /** This side's connect address with its prefix, e.g. `169.254.0.1/30` (comma list: dual stack). */
  readonly localConnectIP: string;
}

/** A Kube-OVN Vpc, as `metadata.name` plus the parts of `spec` the helpers act on. */
export interface VpcResource {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly staticRoutes: readonly VpcStaticRoute[];
  readonly policyRoutes: readonly VpcPolicyRoute[];
  readonly vpcPeerings: readonly VpcPeering[];
  readonly enableExternal: boolean;
}

/** A Kube-OVN Subnet, the fields the helpers act on. */
export interface SubnetResource {
  readonly name: string;
  /** Absent in the resource: {@link DEFAULT_VPC}. */
  readonly vpc: string;
  readonly cidrBlock: string;
  readonly gateway?: string;
  readonly excludeIps: readonly string[];
  readonly routeTable?: string;
}

/** What a text or object held: Vpcs and Subnets (other kinds are ignored). */
export interface ParsedResources {
  readonly vpcs: VpcResource[];
  readonly subnets: SubnetResource[];
}

type Loose = Record<string, unknown>;

/** The VPC of a Subnet that names none: Kube-OVN's default VPC. */
export const DEFAULT_VPC = 'ovn-cluster';

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, field: string, required = true): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidSpecError(field, value, 'required');
    return undefined;
  }
  if (typeof value !== 'string') throw new InvalidSpecError(field, value, 'must be a string');
  return value;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'must be a list');
  return value;
}

function commaList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function staticRoute(value: unknown, field: string): VpcStaticRoute {
  if (!isObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const cidr = str(value.cidr, `${field}.cidr`) as string;
  const prefix = parseCidr(cidr, `${field}.cidr`);
  const nextHopIP = str(value.nextHopIP, `${field}.nextHopIP`) as string;
  for (const hop of commaList(nextHopIP)) {
    if (hop === 'discard') continue;
    if (parseIp(hop, `${field}.nextHopIP`).family !== prefix.family) {
      throw new InvalidSpecError(`${field}.nextHopIP`, nextHopIP, `not of the family of cidr ${cidr}`);
    }
  }
  const policy = value.policy ?? undefined;
  if (policy !== undefined && policy !== '' && policy !== 'policyDst' && policy !== 'policySrc') {
    throw new InvalidSpecError(`${field}.policy`, policy, 'must be policyDst or policySrc');
  }
  const routeTable = str(value.routeTable, `${field}.routeTable`, false);
  return {
    cidr,
    nextHopIP,
    ...(policy === 'policySrc' ? { policy } : { policy: 'policyDst' as const }),
    ...(routeTable !== undefined ? { routeTable } : {}),
  };
}

function policyRoute(value: unknown, field: string): VpcPolicyRoute {
  if (!isObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const priority = value.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 32767) {
    throw new InvalidSpecError(`${field}.priority`, priority, 'must be an integer from 0 to 32767');
  }
  const match = str(value.match, `${field}.match`) as string;
  // Checked as the file is read, so `ovndb vpc apply` refuses the whole file before
  // connecting; applyVpc checks it again against the database's address sets.
  checkRouterMatch(match, `${field}.match`);
  const action = value.action;
  if (action !== 'allow' && action !== 'drop' && action !== 'reroute') {
    throw new InvalidSpecError(`${field}.action`, action, 'must be allow, drop or reroute');
  }
  const nextHopIP = str(value.nextHopIP, `${field}.nextHopIP`, action === 'reroute');
  if (action === 'reroute') {
    const hops = commaList(nextHopIP as string);
    if (hops.length === 0)
      throw new InvalidSpecError(`${field}.nextHopIP`, nextHopIP, 'reroute needs a next hop');
    const families = new Set(hops.map((hop) => parseIp(hop, `${field}.nextHopIP`).family));
    if (families.size > 1) throw new InvalidSpecError(`${field}.nextHopIP`, nextHopIP, 'mixes IPv4 and IPv6');
  }
  // Kube-OVN drops the next hop of a non-reroute policy; so do we.
  return { priority, match, action, ...(action === 'reroute' ? { nextHopIP: nextHopIP as string } : {}) };
}

function policyRoutes(value: unknown): VpcPolicyRoute[] {
  const routes = list(value, 'spec.policyRoutes').map((r, i) => policyRoute(r, `spec.policyRoutes[${i}]`));
  checkPolicyRouteIdentities(routes);
  return routes;
}

function peering(value: unknown, field: string, vpc: string): VpcPeering {
  if (!isObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const remoteVpc = str(value.remoteVpc, `${field}.remoteVpc`) as string;
  if (remoteVpc === vpc)
    throw new InvalidSpecError(`${field}.remoteVpc`, remoteVpc, 'a VPC cannot peer with itself');
  const localConnectIP = str(value.localConnectIP, `${field}.localConnectIP`) as string;
  for (const part of commaList(localConnectIP)) {
    const cidr = parseCidr(part, `${field}.localConnectIP`);
    if (!cidr.hasHostBits) {
      throw new InvalidSpecError(
        `${field}.localConnectIP`,
        localConnectIP,
        `${part} is its network's own address`,
      );
    }
  }
  return { remoteVpc, localConnectIP };
}

/**
 * Refuses two policy routes of one identity (priority, match; the match compared as written,
 * as OVN compares it). Each would replace the other's row on every apply, so the Vpc would
 * never settle; even two identical entries are refused, as one name given twice is.
 * @throws {@link DuplicatePolicyError} naming both entries (`spec.policyRoutes[0]`, `[3]`).
 */
export function checkPolicyRouteIdentities(
  policyRoutes: readonly Pick<VpcPolicyRoute, 'priority' | 'match'>[],
  field = 'spec.policyRoutes',
): void {
  const first = new Map<string, number>();
  policyRoutes.forEach((policy, index) => {
    const key = `${policy.priority}|${policy.match}`;
    const earlier = first.get(key);
    if (earlier !== undefined)
      throw new DuplicatePolicyError(
        `${field}[${earlier}]`,
        `${field}[${index}]`,
        policy.priority,
        policy.match,
      );
    first.set(key, index);
  });
}

/** Reads one Vpc resource (`{ metadata: { name }, spec }`, or `{ name, ...spec }`). */
export function parseVpc(value: unknown): VpcResource {
  if (!isObject(value)) throw new InvalidSpecError('Vpc', value, 'must be an object');
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = str(metadata?.name ?? value.name, 'metadata.name') as string;
  const spec = isObject(value.spec) ? value.spec : value.spec === undefined ? value : undefined;
  if (spec === undefined) throw new InvalidSpecError('spec', value.spec, 'must be an object');
  return {
    name,
    namespaces: list(spec.namespaces, 'spec.namespaces').map(
      (n, i) => str(n, `spec.namespaces[${i}]`) as string,
    ),
    staticRoutes: list(spec.staticRoutes, 'spec.staticRoutes').map((r, i) =>
      staticRoute(r, `spec.staticRoutes[${i}]`),
    ),
    policyRoutes: policyRoutes(spec.policyRoutes),
    vpcPeerings: list(spec.vpcPeerings, 'spec.vpcPeerings').map((p, i) =>
      peering(p, `spec.vpcPeerings[${i}]`, name),
    ),
    enableExternal: spec.enableExternal === true,
  };
}

/** Reads one Subnet resource. */
export function parseSubnet(value: unknown): SubnetResource {
  if (!isObject(value)) throw new InvalidSpecError('Subnet', value, 'must be an object');
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = str(metadata?.name ?? value.name, 'metadata.name') as string;
  const spec = isObject(value.spec) ? value.spec : value;
  const cidrBlock = str(spec.cidrBlock, 'spec.cidrBlock') as string;
  for (const part of commaList(cidrBlock)) parseCidr(part, 'spec.cidrBlock');
  const gateway = str(spec.gateway, 'spec.gateway', false);
  const routeTable = str(spec.routeTable, 'spec.routeTable', false);
  return {
    name,
    vpc: str(spec.vpc, 'spec.vpc', false) ?? DEFAULT_VPC,
    cidrBlock,
    ...(gateway !== undefined ? { gateway } : {}),
    excludeIps: list(spec.excludeIps, 'spec.excludeIps').map(
      (e, i) => str(e, `spec.excludeIps[${i}]`) as string,
    ),
    ...(routeTable !== undefined ? { routeTable } : {}),
  };
}

/**
 * Reads every Vpc and Subnet from YAML (several `---` documents) or JSON text, or from an
 * already parsed object or array. Documents of other kinds (Pods, ...) are skipped.
 * @throws {@link InvalidYamlError} for text that does not parse (syntax, duplicate keys, an
 *   alias bomb), {@link InvalidSpecError} for a field the helpers refuse.
 */
export function parseResources(input: string | unknown): ParsedResources {
  const documents =
    typeof input === 'string' ? readYamlDocuments(input) : Array.isArray(input) ? input : [input];
  const vpcs: VpcResource[] = [];
  const subnets: SubnetResource[] = [];
  for (const doc of documents) {
    if (!isObject(doc)) continue;
    if (doc.kind === 'Vpc') vpcs.push(parseVpc(doc));
    else if (doc.kind === 'Subnet') subnets.push(parseSubnet(doc));
  }
  return { vpcs, subnets };
}
