/**
 * The `SecurityGroup` kind of `applyResources`: each group planned by `planSecurityGroup` with
 * its members, the switch ports of the input's Pods whose `ovn.kubernetes.io/security_groups`
 * annotation names it; all groups in one transaction, after the Pods (their ports exist), a
 * group before the groups whose rules name it as `remoteSecurityGroup`.
 */
import type { Operation } from '../../protocol/operations.js';
import { setAddressSet } from '../address-sets.js';
import { findNamed } from '../nb-lookup.js';
import { podPortName } from '../network-policy/names.js';
import { hasSwitchPort } from '../network-policy/pod-ports.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { ownedBy } from '../ownership.js';
import { deletePortGroup } from '../port-groups.js';
import {
  parseSecurityGroup,
  type SecurityGroupResource,
  securityGroupField,
} from '../security-group-spec.js';
import {
  DENY_ALL_SECURITY_GROUP,
  deleteSecurityGroup,
  planSecurityGroup,
  securityGroupAddressSet,
  securityGroupPortGroup,
} from '../security-groups.js';
import { type ResourceKind, type ResourceReference, resourcesOf, summarizeOperations } from './kind.js';
import type { AppliedPod } from './pod.js';

/** The groups a rule of `sg` names as `remoteSecurityGroup`, with where. */
function remoteGroups(sg: SecurityGroupResource): ResourceReference[] {
  const refs: ResourceReference[] = [];
  for (const key of ['ingressRules', 'egressRules'] as const)
    sg[key].forEach((rule, i) => {
      if (rule.remoteType === 'securityGroup' && rule.remoteSecurityGroup !== undefined)
        if (rule.remoteSecurityGroup !== sg.name)
          refs.push({
            kind: 'SecurityGroup',
            name: rule.remoteSecurityGroup,
            field: securityGroupField(sg.name, `spec.${key}[${i}].remoteSecurityGroup`),
          });
    });
  return refs;
}

/**
 * `sgs` with each group after the groups of `sgs` it names, input order otherwise; a cycle is
 * cut where it was entered (that group goes after the others of its cycle).
 */
function dependencyOrder(sgs: readonly SecurityGroupResource[]): SecurityGroupResource[] {
  const byName = new Map(sgs.map((sg) => [sg.name, sg]));
  const ordered: SecurityGroupResource[] = [];
  const visiting = new Set<string>();
  const visit = (sg: SecurityGroupResource) => {
    if (ordered.includes(sg) || visiting.has(sg.name)) return;
    visiting.add(sg.name);
    for (const ref of remoteGroups(sg)) {
      const named = byName.get(ref.name);
      if (named !== undefined) visit(named);
    }
    ordered.push(sg);
  };
  for (const sg of sgs) visit(sg);
  return ordered;
}

/** SecurityGroups: one transaction for all; pruned by their port group's `external_ids:sg`. */
export const securityGroupKind: ResourceKind<SecurityGroupResource> = {
  kind: 'SecurityGroup',
  parse: parseSecurityGroup,
  nameField: (name) => securityGroupField(name, 'metadata.name'),
  check(sgs) {
    for (const sg of sgs)
      if (sg.name === DENY_ALL_SECURITY_GROUP)
        throw new InvalidSpecError(
          securityGroupField(sg.name, 'metadata.name'),
          sg.name,
          'is the deny-all group Kube-OVN keeps for every member port',
        );
  },
  units: (sgs) => [dependencyOrder(sgs)],
  planUnit(txn, unit, input) {
    const pods = resourcesOf<AppliedPod>(input, 'Pod').filter(({ pod }) => hasSwitchPort(pod));
    const names = new Set(unit.map((sg) => sg.name));
    const planned = new Set<string>();
    const plans = new Map(
      unit.map((sg) => {
        // Groups naming each other: the address sets of a group of the cycle not planned yet are
        // made (empty) first, so that this group's rules can name them; its own plan fills them.
        const early: Operation[] = [];
        for (const ref of remoteGroups(sg))
          if (names.has(ref.name) && !planned.has(ref.name))
            for (const family of [4, 6] as const) {
              const set = securityGroupAddressSet(ref.name, family);
              if (findNamed(txn.view, 'Address_Set', set) === undefined)
                early.push(
                  ...setAddressSet(txn, { name: set, addresses: [], family, externalIds: { sg: ref.name } }),
                );
            }
        planned.add(sg.name);
        const members = pods
          .filter((pod) => pod.securityGroups.includes(sg.name))
          .map(({ pod }) => podPortName(pod.namespace, pod.name));
        const pg = securityGroupPortGroup(sg.name);
        const existed = findNamed(txn.view, 'Port_Group', pg) !== undefined;
        const operations = [...early, ...planSecurityGroup(txn, sg, { members })];
        const changes =
          operations.length === 0
            ? []
            : [
                `${existed ? 'update' : 'create'} security group ${sg.name} (port group ${pg}, ${members.length} member ports): ${summarizeOperations(operations)}`,
              ];
        return [sg, { operations, changes }];
      }),
    );
    return unit.map((sg) => plans.get(sg)!);
  },
  refersTo: remoteGroups,
  // The deny-all group goes last, and only when no security group stays: the input holds
  // none, and no group of another owner remains.
  owned(nb, input) {
    const groups = nb.where('Port_Group', (g) => g.external_ids.type === 'security_group');
    const owned = groups
      .filter((g) => ownedBy(g) && g.external_ids.sg !== undefined)
      .map((g) => g.external_ids.sg as string)
      .filter((name) => name !== DENY_ALL_SECURITY_GROUP);
    const denyAll = groups.find((g) => g.external_ids.sg === DENY_ALL_SECURITY_GROUP);
    const othersStay =
      resourcesOf(input, 'SecurityGroup').length > 0 ||
      groups.some((g) => !ownedBy(g) && g.external_ids.sg !== DENY_ALL_SECURITY_GROUP);
    if (denyAll !== undefined && ownedBy(denyAll) && !othersStay) owned.push(DENY_ALL_SECURITY_GROUP);
    return owned;
  },
  prune(txn, name) {
    if (name === DENY_ALL_SECURITY_GROUP) {
      const pg = securityGroupPortGroup(name);
      return {
        operations: deletePortGroup(txn, pg, { ifExists: true }),
        changes: [`remove port group ${pg} with its ACLs`],
      };
    }
    const pg = securityGroupPortGroup(name);
    return {
      operations: deleteSecurityGroup(txn, name, { ifExists: true }),
      changes: [`remove port group ${pg} with its ACLs, and its address sets`],
    };
  },
};
