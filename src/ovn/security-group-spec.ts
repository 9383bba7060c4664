/**
 * Kube-OVN's `SecurityGroup` resource (cluster scoped, `kubeovn.io/v1`), read and checked as
 * Kube-OVN's controller checks it before writing, and the pod annotation that puts a pod in
 * groups. Every refusal is an {@link InvalidSpecError} naming the group and the path:
 * `SecurityGroup sg1: spec.ingressRules[2].remoteAddress`.
 */
import { isJsonObject } from '../protocol/json-members.js';
import { type IpFamily, parseCidr, parseIp } from './addresses.js';
import { InvalidSpecError } from './ovn-errors.js';
import { ovnIdentifier } from './ovn-names.js';

/** What a rule matches above IP: everything, ICMP of its family, or a TCP/UDP port range. */
export type SecurityGroupProtocol = 'all' | 'icmp' | 'tcp' | 'udp';

/** `allow` (allow-related), `drop`, or `pass` (on to the next ACL tier). */
export type SecurityGroupPolicy = 'allow' | 'drop' | 'pass';

/** One entry of `spec.ingressRules` or `spec.egressRules`. */
export interface SecurityGroupRule {
  readonly ipVersion: 'ipv4' | 'ipv6';
  /** @default 'all' */
  readonly protocol?: SecurityGroupProtocol;
  /** 1..16384; a lower number wins (the ACL priority is 18484 - priority). */
  readonly priority: number;
  /** The peer: an address or CIDR, or the members of another group. */
  readonly remoteType: 'address' | 'securityGroup';
  /** With remoteType `address`: an IP or CIDR of `ipVersion`. */
  readonly remoteAddress?: string;
  /** With remoteType `securityGroup`: the group whose members' addresses are the peer. */
  readonly remoteSecurityGroup?: string;
  /** TCP/UDP: the peer-facing port range on the member (`tcp.dst` in, `tcp.dst` out). */
  readonly portRangeMin?: number;
  readonly portRangeMax?: number;
  /** Only packets to (in) or from (out) this member address or CIDR. */
  readonly localAddress?: string;
  /** TCP/UDP with `localAddress`: the source port range. */
  readonly sourcePortRangeMin?: number;
  readonly sourcePortRangeMax?: number;
  readonly policy: SecurityGroupPolicy;
}

/** A SecurityGroup as {@link planSecurityGroup} takes it. */
export interface SecurityGroupResource {
  /** `metadata.name`. */
  readonly name: string;
  readonly ingressRules: readonly SecurityGroupRule[];
  readonly egressRules: readonly SecurityGroupRule[];
  /** Allow traffic among the group's own members (both directions). */
  readonly allowSameGroupTraffic?: boolean;
  /**
   * Kube-OVN's ACL tier (0 or 1). Checked, not written: NB 7.0.0 has no `ACL.tier` column;
   * it only forbids `pass` in tier 1 here.
   */
  readonly tier?: number;
}

/** Kube-OVN's bounds of a rule's priority. */
export const SG_PRIORITY_MIN = 1;
export const SG_PRIORITY_MAX = 16384;

/** The pod annotation naming a pod's groups, for the default provider `ovn`. */
export const SECURITY_GROUPS_ANNOTATION = 'ovn.kubernetes.io/security_groups';

/** The field path of an error: `SecurityGroup sg1: spec.egressRules[0].policy`. */
export function securityGroupField(name: string, path: string): string {
  return `SecurityGroup ${name}: ${path}`;
}

/** An IP or CIDR (host bits cleared) of `family`, as a match writes it. */
function addressText(value: unknown, family: IpFamily, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidSpecError(field, value, 'an IP address or CIDR is required');
  const text = value.trim();
  const parsed = text.includes('/') ? parseCidr(text, field) : parseIp(text, field);
  if (parsed.family !== family)
    throw new InvalidSpecError(
      field,
      value,
      `not an IPv${family} address or CIDR (ipVersion is ipv${family})`,
    );
  return 'networkText' in parsed ? parsed.networkText : parsed.text;
}

function port(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
    throw new InvalidSpecError(field, value, 'a port from 1 to 65535');
  return value;
}

function checkRule(value: unknown, field: string, tier: number): SecurityGroupRule {
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be an object');
  const at = (key: string) => `${field}.${key}`;
  const { ipVersion, priority, remoteType, policy } = value;
  if (ipVersion !== 'ipv4' && ipVersion !== 'ipv6')
    throw new InvalidSpecError(at('ipVersion'), ipVersion, 'must be ipv4 or ipv6');
  const family: IpFamily = ipVersion === 'ipv4' ? 4 : 6;
  const protocol = value.protocol === undefined || value.protocol === '' ? 'all' : value.protocol;
  if (protocol !== 'all' && protocol !== 'icmp' && protocol !== 'tcp' && protocol !== 'udp')
    throw new InvalidSpecError(at('protocol'), value.protocol, 'must be all, icmp, tcp or udp');
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < SG_PRIORITY_MIN ||
    priority > SG_PRIORITY_MAX
  )
    throw new InvalidSpecError(
      at('priority'),
      priority,
      `must be an integer from ${SG_PRIORITY_MIN} to ${SG_PRIORITY_MAX}`,
    );
  if (policy !== 'allow' && policy !== 'drop' && policy !== 'pass')
    throw new InvalidSpecError(at('policy'), policy, 'must be allow, drop or pass');
  if (policy === 'pass' && tier === 1)
    throw new InvalidSpecError(at('policy'), policy, 'pass is not allowed in tier 1, the last tier');
  const rule: Record<string, unknown> = { ipVersion, protocol, priority, remoteType, policy };
  if (remoteType === 'address') {
    rule.remoteAddress = addressText(value.remoteAddress, family, at('remoteAddress'));
  } else if (remoteType === 'securityGroup') {
    const remote = value.remoteSecurityGroup;
    if (typeof remote !== 'string' || remote === '')
      throw new InvalidSpecError(
        at('remoteSecurityGroup'),
        remote,
        'the name of a security group is required',
      );
    ovnIdentifier(remote, at('remoteSecurityGroup'));
    rule.remoteSecurityGroup = remote;
  } else {
    throw new InvalidSpecError(at('remoteType'), remoteType, 'must be address or securityGroup');
  }
  const hasLocal = value.localAddress !== undefined && value.localAddress !== '';
  if (hasLocal) rule.localAddress = addressText(value.localAddress, family, at('localAddress'));
  if (protocol === 'tcp' || protocol === 'udp') {
    const min = port(value.portRangeMin, at('portRangeMin'));
    const max = port(value.portRangeMax, at('portRangeMax'));
    if (min > max) throw new InvalidSpecError(at('portRangeMax'), max, `below portRangeMin ${min}`);
    rule.portRangeMin = min;
    rule.portRangeMax = max;
    if (hasLocal) {
      const smin = port(value.sourcePortRangeMin, at('sourcePortRangeMin'));
      const smax = port(value.sourcePortRangeMax, at('sourcePortRangeMax'));
      if (smin > smax)
        throw new InvalidSpecError(at('sourcePortRangeMax'), smax, `below sourcePortRangeMin ${smin}`);
      rule.sourcePortRangeMin = smin;
      rule.sourcePortRangeMax = smax;
    }
  }
  return rule as unknown as SecurityGroupRule;
}

function checkRules(value: unknown, field: string, tier: number): SecurityGroupRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'must be a list');
  return value.map((rule, i) => checkRule(rule, `${field}[${i}]`, tier));
}

/**
 * `sg` with every field checked and normalized (addresses canonical, protocol `all` when not
 * given), as {@link planSecurityGroup} writes it.
 * @throws {@link InvalidSpecError} naming `SecurityGroup <name>: spec.<path>`.
 */
export function checkSecurityGroup(sg: SecurityGroupResource): SecurityGroupResource {
  if (!isJsonObject(sg)) throw new InvalidSpecError('SecurityGroup', sg, 'must be an object');
  const name = sg.name;
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError('SecurityGroup: metadata.name', name, 'required');
  const at = (path: string) => securityGroupField(name, path);
  ovnIdentifier(name, at('metadata.name'));
  const tier = sg.tier ?? 0;
  if (tier !== 0 && tier !== 1) throw new InvalidSpecError(at('spec.tier'), sg.tier, 'must be 0 or 1');
  const allow = sg.allowSameGroupTraffic ?? false;
  if (typeof allow !== 'boolean')
    throw new InvalidSpecError(at('spec.allowSameGroupTraffic'), allow, 'must be true or false');
  return {
    name,
    ingressRules: checkRules(sg.ingressRules, at('spec.ingressRules'), tier),
    egressRules: checkRules(sg.egressRules, at('spec.egressRules'), tier),
    allowSameGroupTraffic: allow,
    tier,
  };
}

/**
 * Reads a Kube-OVN SecurityGroup document (`{ metadata: { name }, spec }`, or the spec's
 * fields beside `name`), checked as {@link checkSecurityGroup} checks it.
 * @throws {@link InvalidSpecError}.
 */
export function parseSecurityGroup(doc: unknown): SecurityGroupResource {
  if (!isJsonObject(doc)) throw new InvalidSpecError('SecurityGroup', doc, 'must be an object');
  const metadata = isJsonObject(doc.metadata) ? doc.metadata : undefined;
  const name = metadata?.name ?? doc.name;
  if (typeof name !== 'string' || name === '')
    throw new InvalidSpecError('SecurityGroup: metadata.name', name, 'required');
  const spec = doc.spec ?? (doc.metadata === undefined ? doc : undefined);
  if (!isJsonObject(spec))
    throw new InvalidSpecError(securityGroupField(name, 'spec'), doc.spec, 'must be an object');
  return checkSecurityGroup({
    name,
    ingressRules: spec.ingressRules as SecurityGroupRule[],
    egressRules: spec.egressRules as SecurityGroupRule[],
    ...(spec.allowSameGroupTraffic === undefined
      ? {}
      : { allowSameGroupTraffic: spec.allowSameGroupTraffic as boolean }),
    ...(spec.tier === undefined ? {} : { tier: spec.tier as number }),
  });
}

/**
 * The groups a pod's annotation `<provider>.kubernetes.io/security_groups` names (`sg1,sg2`),
 * read as Kube-OVN reads it: blanks dropped, empty items skipped; each once, in order.
 */
export function podSecurityGroups(
  pod: { readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> } },
  options: { readonly provider?: string } = {},
): string[] {
  const key = `${options.provider ?? 'ovn'}.kubernetes.io/security_groups`;
  const value = pod?.metadata?.annotations?.[key];
  if (typeof value !== 'string') return [];
  const names = value
    .replace(/\s+/g, '')
    .split(',')
    .filter((n) => n !== '');
  return [...new Set(names)];
}
