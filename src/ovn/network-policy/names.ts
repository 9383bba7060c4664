/**
 * The OVN names of a NetworkPolicy's rows, derived as Kube-OVN derives them: a policy name
 * that does not start with a letter gets `np` in front, and every `-` becomes `.` (OVN's lexer
 * takes no `-` in `@port_group` or `$address_set`).
 */
import { ovnIdentifier } from '../ovn-names.js';

/** `ingress` or `egress`. */
export type PolicyDirection = 'ingress' | 'egress';

/** The policy's name as Kube-OVN uses it in OVN names: `np` prefixed when it starts with no letter. */
export function policyOvnName(name: string): string {
  return /^\p{L}/u.test(name) ? name : `np${name}`;
}

/** The port group of policy `name` in `namespace`: `<npName>.<namespace>`, dashes as dots. */
export function policyPortGroupName(namespace: string, name: string): string {
  return ovnIdentifier(
    `${policyOvnName(name)}.${namespace}`,
    `NetworkPolicy ${namespace}/${name}: metadata.name`,
  );
}

/** What identifies the policy in its rows' `external_ids:np` (`<namespace>/<npName>`, as Kube-OVN writes). */
export function policyKey(namespace: string, name: string): string {
  return `${namespace}/${policyOvnName(name)}`;
}

/**
 * An address set of rule `rule` of one direction and family:
 * `<npName>.<namespace>.<direction>.<allow|except>.<IPv4|IPv6>.<rule>`, and `.<peer>` after
 * it for the set of one ipBlock peer.
 */
export function policyAddressSetName(
  portGroup: string,
  direction: PolicyDirection,
  kind: 'allow' | 'except',
  family: 4 | 6,
  rule: number,
  peer?: number,
): string {
  const tail = peer === undefined ? '' : `.${peer}`;
  return `${portGroup}.${direction}.${kind}.IPv${family}.${rule}${tail}`;
}

/** The switch port of a pod: `<pod>.<namespace>` (Kube-OVN's name for the default provider). */
export function podPortName(namespace: string, name: string): string {
  return `${name}.${namespace}`;
}

/**
 * An ACL's `name`: Kube-OVN's form, cut to 60 characters and `...` when longer than the 63
 * the schema allows.
 */
export function aclName(text: string): string {
  return text.length > 63 ? `${text.slice(0, 60)}...` : text;
}
