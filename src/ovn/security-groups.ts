/**
 * Kube-OVN's SecurityGroup CRD in the Northbound database, as its controller writes it:
 *
 * - a port group `ovn.sg.<name>` (every `-` becomes `.`), `external_ids: type=security_group,
 *   sg=<name>`, holding the member pods' switch ports;
 * - two address sets `ovn.sg.<name>.associated.v4` / `.v6` (`external_ids:sg=<name>`) with
 *   the members' addresses, the `$set` other groups' rules name as `remoteSecurityGroup`;
 * - the group's ACLs: one per rule at priority 18484 - rule.priority (to-lport for ingress
 *   rules, from-lport for egress), allow-related for `allow`; with allowSameGroupTraffic an
 *   allow of the group's own addresses (2004); and the base allows (2005) of ARP, ND, DHCP and
 *   VRRP that keep a member reachable;
 * - the deny-all group `ovn.sg.kubeovn_deny_all`, whose two drops (2003, both directions) hold
 *   every port that is in some security group: what no rule allows is dropped.
 */

import type { LogicalSwitchPort, Tables as NbTables, PortGroup } from '../generated/nb/rows.js';
import type { Planned } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { type AclSpec, setAcls } from './acls.js';
import { deleteAddressSet, setAddressSet } from './address-sets.js';
import { type IpFamily, parseCidr, parseIp } from './addresses.js';
import { findNamed, type NbHandle, type NbReplica, type NbTarget, planNb } from './nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';
import { ovnIdentifier } from './ovn-names.js';
import { KUBE_OVN_VENDOR } from './ownership.js';
import { addPortGroupPorts, deletePortGroup, removePortGroupPorts, setPortGroup } from './port-groups.js';
import {
  checkSecurityGroup,
  type SecurityGroupResource,
  type SecurityGroupRule,
  securityGroupField,
} from './security-group-spec.js';

export * from './security-group-spec.js';

/** Kube-OVN's ACL priorities of security groups (pkg/util/const.go). */
export const SG_ACL_PRIORITY = {
  /** A rule's ACL priority is this minus the rule's priority (1..16384 -> 18483..2100). */
  highest: 18484,
  /** ARP, ND, DHCP and VRRP allows. */
  base: 2005,
  /** allowSameGroupTraffic. */
  sameGroup: 2004,
  /** The deny-all group's drops. */
  drop: 2003,
} as const;

/** The security group whose port group holds every port that is in a group: Kube-OVN's deny-all. */
export const DENY_ALL_SECURITY_GROUP = 'kubeovn_deny_all';

/** The port group of security group `name`: `ovn.sg.<name>`, `-` -> `.`. */
export function securityGroupPortGroup(name: string, field = 'name'): string {
  return ovnIdentifier(`ovn.sg.${name}`, field);
}

/** The address set of security group `name`'s members of one family: `ovn.sg.<name>.associated.v4`. */
export function securityGroupAddressSet(name: string, family: IpFamily, field = 'name'): string {
  return ovnIdentifier(`ovn.sg.${name}.associated.v${family}`, field);
}

/** Options of {@link planSecurityGroup}. */
export interface PlanSecurityGroupOptions {
  /**
   * The group's members: Logical_Switch_Port names (the ports of pods whose annotation names
   * the group, see {@link podSecurityGroups}). The port group and the address sets become
   * exactly these ports and their addresses; ports leaving go out of the deny-all group unless
   * another group holds them. Left as they are when absent.
   */
  readonly members?: readonly string[];
}

/** Options of {@link deleteSecurityGroup}. */
export interface DeleteSecurityGroupOptions {
  /** No such group: plan nothing instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

type Direction = 'ingress' | 'egress';

/** The base allows of one direction: ARP, ND, DHCPv4/v6 replies (in) or requests (out), VRRP. */
function baseAcls(pg: string, direction: Direction): AclSpec[] {
  const ingress = direction === 'ingress';
  const port = ingress ? 'outport' : 'inport';
  const [v4src, v4dst] = ingress ? ['67', '68'] : ['68', '67'];
  const [v6src, v6dst] = ingress ? ['547', '546'] : ['546', '547'];
  // Ingress takes queries, RAs and neighbour messages; egress sends RSs instead of RAs.
  const icmp6 = ingress ? '{130, 134, 135, 136}' : '{130, 133, 135, 136}';
  return [
    `${port} == @${pg} && arp`,
    `${port} == @${pg} && icmp6.type == ${icmp6} && icmp6.code == 0 && ip.ttl == 255`,
    `${port} == @${pg} && udp.src == ${v4src} && udp.dst == ${v4dst} && ip4`,
    `${port} == @${pg} && udp.src == ${v6src} && udp.dst == ${v6dst} && ip6`,
    `${port} == @${pg} && ip.proto == 112`,
  ].map((match) => ({
    direction: ingress ? 'to-lport' : 'from-lport',
    priority: SG_ACL_PRIORITY.base,
    match,
    action: 'allow-related',
  }));
}

/** The ACL of one rule, as Kube-OVN's newSgRuleACL builds it. */
function ruleAcl(pg: string, direction: Direction, rule: SecurityGroupRule): AclSpec {
  const ingress = direction === 'ingress';
  const ip = rule.ipVersion === 'ipv4' ? 'ip4' : 'ip6';
  const port = ingress ? 'outport' : 'inport';
  const remote = `${ip}.${ingress ? 'src' : 'dst'}`;
  const local = `${ip}.${ingress ? 'dst' : 'src'}`;
  const peer =
    rule.remoteType === 'securityGroup'
      ? `$${securityGroupAddressSet(rule.remoteSecurityGroup as string, rule.ipVersion === 'ipv4' ? 4 : 6)}`
      : (rule.remoteAddress as string);
  const parts = [`${port} == @${pg}`, ip, `${remote} == ${peer}`];
  if (rule.localAddress !== undefined) parts.push(`${local} == ${rule.localAddress}`);
  const protocol = rule.protocol ?? 'all';
  if (protocol === 'icmp') parts.push(ip === 'ip4' ? 'icmp4' : 'icmp6');
  if (protocol === 'tcp' || protocol === 'udp') {
    parts.push(`${rule.portRangeMin} <= ${protocol}.dst <= ${rule.portRangeMax}`);
    if (rule.localAddress !== undefined)
      parts.push(`${rule.sourcePortRangeMin} <= ${protocol}.src <= ${rule.sourcePortRangeMax}`);
  }
  return {
    direction: ingress ? 'to-lport' : 'from-lport',
    priority: SG_ACL_PRIORITY.highest - rule.priority,
    match: parts.join(' && '),
    action: rule.policy === 'allow' ? 'allow-related' : rule.policy,
  };
}

/** Every ACL of the group, rules checked for a shared identity and remote groups for existence. */
function groupAcls(nb: NbReplica, sg: SecurityGroupResource, pg: string): AclSpec[] {
  const acls: AclSpec[] = [];
  const seen = new Map<string, string>();
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = direction === 'ingress' ? sg.ingressRules : sg.egressRules;
    const key = direction === 'ingress' ? 'spec.ingressRules' : 'spec.egressRules';
    if (sg.allowSameGroupTraffic === true) {
      const ingress = direction === 'ingress';
      for (const family of [4, 6] as const) {
        const ip = family === 4 ? 'ip4' : 'ip6';
        acls.push({
          direction: ingress ? 'to-lport' : 'from-lport',
          priority: SG_ACL_PRIORITY.sameGroup,
          match: `${ingress ? 'outport' : 'inport'} == @${pg} && ${ip} && ${ip}.${ingress ? 'src' : 'dst'} == $${securityGroupAddressSet(sg.name, family)}`,
          action: 'allow-related',
        });
      }
    }
    rules.forEach((rule, i) => {
      const field = securityGroupField(sg.name, `${key}[${i}]`);
      if (rule.policy === 'pass' && !nb.has('ACL', 'tier'))
        throw new InvalidSpecError(
          `${field}.policy`,
          rule.policy,
          'pass needs ACL tiers, which this NB schema has not (NB 7.0.0, OVN 23.03)',
        );
      if (rule.remoteType === 'securityGroup' && rule.remoteSecurityGroup !== sg.name) {
        const set = securityGroupAddressSet(
          rule.remoteSecurityGroup as string,
          rule.ipVersion === 'ipv4' ? 4 : 6,
        );
        if (findNamed(nb, 'Address_Set', set) === undefined)
          throw new InvalidSpecError(
            `${field}.remoteSecurityGroup`,
            rule.remoteSecurityGroup,
            `no such security group (its address set ${set} does not exist)`,
          );
      }
      const acl = ruleAcl(pg, direction, rule);
      const identity = `${acl.direction}|${acl.priority}|${acl.match}`;
      const earlier = seen.get(identity);
      if (earlier !== undefined)
        throw new InvalidSpecError(field, rule, `the same ACL (priority and match) as ${earlier}`);
      seen.set(identity, `${key}[${i}]`);
      acls.push(acl);
    });
    acls.push(...baseAcls(pg, direction));
  }
  return acls;
}

/** The addresses of a port as Kube-OVN reads them: port_security, else addresses; after the MAC. */
function portAddresses(port: LogicalSwitchPort): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  const entries = port.port_security.length > 0 ? port.port_security : port.addresses;
  for (const entry of entries) {
    for (const token of entry.trim().split(/\s+/).slice(1)) {
      try {
        const text = token.includes('/')
          ? parseCidr(token, 'address').address
          : parseIp(token, 'address').text;
        (text.includes(':') ? v6 : v4).push(text);
      } catch {
        // `dynamic`, `unknown`, ...: no address to hold.
      }
    }
  }
  return { v4, v6 };
}

function portName(nb: NbReplica, uuid: string): string | undefined {
  return nb.get('Logical_Switch_Port', uuid as LogicalSwitchPort['_uuid'])?.name;
}

/** The ports of the other security groups' port groups (deny-all and `except` left out). */
function portsOfOtherGroups(nb: NbReplica, except: string): Set<string> {
  const deny = securityGroupPortGroup(DENY_ALL_SECURITY_GROUP);
  const out = new Set<string>();
  for (const group of nb.where('Port_Group', (g: PortGroup) => g.external_ids.type === 'security_group'))
    if (group.name !== except && group.name !== deny) for (const uuid of group.ports) out.add(uuid);
  return out;
}

/** The deny-all group and its two drops, created when missing. */
function ensureDenyAll(txn: Transaction<NbTables>): string {
  const pg = securityGroupPortGroup(DENY_ALL_SECURITY_GROUP);
  const nb = txn.view as unknown as NbReplica;
  if (findNamed(nb, 'Port_Group', pg) === undefined)
    setPortGroup(txn, {
      name: pg,
      ports: [],
      externalIds: { type: 'security_group', sg: DENY_ALL_SECURITY_GROUP },
    });
  setAcls(
    txn,
    { portGroup: pg },
    [
      {
        direction: 'to-lport',
        priority: SG_ACL_PRIORITY.drop,
        match: `outport == @${pg} && ip`,
        action: 'drop',
      },
      {
        direction: 'from-lport',
        priority: SG_ACL_PRIORITY.drop,
        match: `inport == @${pg} && ip`,
        action: 'drop',
      },
    ],
    { owner: { parent: pg, vendor: KUBE_OVN_VENDOR } },
  );
  return pg;
}

/** Takes `ports` (names) out of the deny-all group unless another security group holds them. */
function leaveDenyAll(txn: Transaction<NbTables>, pg: string, ports: readonly string[]): void {
  const nb = txn.view as unknown as NbReplica;
  const deny = findNamed(nb, 'Port_Group', securityGroupPortGroup(DENY_ALL_SECURITY_GROUP));
  if (deny === undefined || ports.length === 0) return;
  const elsewhere = portsOfOtherGroups(nb, pg);
  const leaving = ports.filter((name) => {
    const port = findNamed(nb, 'Logical_Switch_Port', name);
    return port !== undefined && !elsewhere.has(port._uuid);
  });
  if (leaving.length > 0) removePortGroupPorts(txn, deny.name, leaving);
}

function plan(
  txn: Transaction<NbTables>,
  input: SecurityGroupResource,
  options: PlanSecurityGroupOptions,
): void {
  const sg = checkSecurityGroup(input);
  const nb = txn.view as unknown as NbReplica;
  const at = (path: string) => securityGroupField(sg.name, path);
  const pg = securityGroupPortGroup(sg.name, at('metadata.name'));
  const sets = { 4: securityGroupAddressSet(sg.name, 4), 6: securityGroupAddressSet(sg.name, 6) } as const;
  const existing = findNamed(nb, 'Port_Group', pg);
  const before = (existing?.ports ?? []).map((uuid) => portName(nb, uuid)).filter((n) => n !== undefined);

  // Read and check everything before the first write.
  const acls = groupAcls(nb, sg, pg);
  let members: string[] | undefined;
  const addresses: { v4: string[]; v6: string[] } = { v4: [], v6: [] };
  if (options.members !== undefined) {
    if (!Array.isArray(options.members))
      throw new InvalidSpecError('members', options.members, 'a list of port names');
    members = [...new Set(options.members)];
    for (const name of members) {
      const port = findNamed(nb, 'Logical_Switch_Port', name);
      if (port === undefined) throw new ObjectNotFoundError('Logical_Switch_Port', name);
      const { v4, v6 } = portAddresses(port);
      addresses.v4.push(...v4);
      addresses.v6.push(...v6);
    }
  }

  const ids = { type: 'security_group', sg: sg.name };
  setPortGroup(txn, { name: pg, ports: members ?? before, externalIds: ids });
  for (const family of [4, 6] as const) {
    const current = findNamed(nb, 'Address_Set', sets[family]);
    const wanted =
      members === undefined ? [...(current?.addresses ?? [])] : family === 4 ? addresses.v4 : addresses.v6;
    setAddressSet(txn, { name: sets[family], addresses: wanted, family, externalIds: { sg: sg.name } });
  }
  setAcls(txn, { portGroup: pg }, acls, {
    owner: { parent: pg, vendor: KUBE_OVN_VENDOR },
    field: at('spec'),
  });
  const deny = ensureDenyAll(txn);
  if (members !== undefined) {
    const denyRow = findNamed(txn.view as unknown as NbReplica, 'Port_Group', deny);
    const inDeny = new Set<string>(denyRow?.ports ?? []);
    const joining = members.filter((name) => {
      const port = findNamed(nb, 'Logical_Switch_Port', name);
      return port !== undefined && !inDeny.has(port._uuid);
    });
    if (joining.length > 0) addPortGroupPorts(txn, deny, joining);
    leaveDenyAll(
      txn,
      pg,
      before.filter((name) => !members?.includes(name)),
    );
  }
}

/**
 * Brings security group `sg` to the Northbound database as Kube-OVN writes it (see the module
 * comment and docs/ovn/security-groups.md): its port group, member address sets and ACLs, and
 * the deny-all group. With `members`, the group holds exactly those ports. Declarative and
 * idempotent: the same call again plans nothing; ACLs of the group that no rule asks for are
 * removed, ACLs other tools put on it (without its `parent` mark) are kept.
 * @throws {@link InvalidSpecError} naming `SecurityGroup <name>: spec.<path>` (a bad address,
 *   port range, priority, policy, a remote group that does not exist, two rules with one ACL),
 *   {@link ObjectNotFoundError} for a member port that does not exist; before anything is planned.
 */
export function planSecurityGroup<Target extends NbTarget | NbHandle>(
  target: Target,
  sg: SecurityGroupResource,
  options: PlanSecurityGroupOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => plan(txn, sg, options));
}

/**
 * Deletes security group `name`: its port group (and with it its ACLs), its two address sets,
 * and its ports' membership of the deny-all group where no other group holds them.
 * @throws {@link ObjectNotFoundError} when the port group is missing and `ifExists` is not set.
 */
export function deleteSecurityGroup<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: DeleteSecurityGroupOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const nb = txn.view as unknown as NbReplica;
    const pg = securityGroupPortGroup(name);
    const group = findNamed(nb, 'Port_Group', pg);
    if (group === undefined && options.ifExists !== true) throw new ObjectNotFoundError('Port_Group', pg);
    if (group !== undefined) {
      const ports = group.ports.map((uuid) => portName(nb, uuid)).filter((n) => n !== undefined);
      leaveDenyAll(txn, pg, ports);
      deletePortGroup(txn, pg);
    }
    for (const family of [4, 6] as const)
      deleteAddressSet(txn, securityGroupAddressSet(name, family), { ifExists: true });
  });
}
