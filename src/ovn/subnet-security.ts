/**
 * What Kube-OVN's Subnet controller writes for a subnet's security and addressing, planned
 * declaratively on the subnet's existing switch:
 *
 * - `private` / `allowSubnets`: to-lport ACLs on the switch that drop IP traffic into the
 *   subnet (1000) except from the subnet itself and from each allowed CIDR (1001, both ways)
 *   and from the join subnet (3000);
 * - `acls`: the entries themselves, marked `external_ids:subnet=<name>` (with
 *   `allowEWTraffic`, also allow within the subnet, 1900, both directions);
 * - `enableDHCP`: a DHCP_Options row per block, Kube-OVN's defaults under the given options;
 * - `enableIPv6RA`: `ipv6_ra_configs` of the router port `<vpc>-<name>`;
 * - `excludeIps`: the switch's `other_config:exclude_ips`.
 *
 * The ACLs on the switch whose `external_ids:parent` names it and whose vendor is kube-ovn are
 * the subnet's (Kube-OVN's own mark): afterwards they are exactly the wanted ones; other ACLs
 * are never touched. Turning a feature off removes what it wrote.
 */
import { LogicalRouterPortTable, LogicalSwitchTable } from '../generated/nb/index.js';
import type { LogicalSwitch, Tables as NbTables } from '../generated/nb/rows.js';
import { mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import type { Planned } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { switchMatchOptions } from './acl-spec.js';
import { type AclSpec, setAcls } from './acls.js';
import { randomMac } from './addresses.js';
import { checkDhcpOptionsMap, deleteDhcpOptions, findDhcpOptions, setDhcpOptions } from './dhcp-options.js';
import { checkMatch, InvalidMatchError } from './expr/index.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  requireNamed,
} from './nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';
import {
  type CheckedSubnetSecurity,
  checkSubnetSecurity,
  type SubnetSecuritySpec,
  subnetField,
} from './subnet-security-spec.js';
import { excludeIpsOption } from './subnets.js';

export * from './subnet-security-spec.js';

/** Kube-OVN's ACL priorities on a subnet's switch (pkg/util/const.go). */
export const SUBNET_ACL_PRIORITY = {
  /** private: the default drop of IP into the subnet. */
  defaultDrop: 1000,
  /** private: the subnet itself and each allowed CIDR. */
  subnetAllow: 1001,
  /** acls + allowEWTraffic: traffic within the subnet. */
  allowEWTraffic: 1900,
  /** private: the join (node) subnet, so health checks and node traffic pass. */
  nodeAllow: 3000,
} as const;

/** Kube-OVN's default join subnet (`--node-switch-cidr`) of a dual-stack install. */
export const DEFAULT_JOIN_CIDR = '100.64.0.0/16,fd00:100:64::/112';

/** Options of {@link planSubnetSecurity}. */
export interface PlanSubnetSecurityOptions {
  /**
   * The join subnet (Kube-OVN's node switch CIDR, comma list) a private subnet accepts
   * traffic from. @default '100.64.0.0/16,fd00:100:64::/112'
   */
  readonly joinCidr?: string;
}

/** The identity of a subnet's DHCP_Options row of one family (Kube-OVN's external_ids). */
export function subnetDhcpIdentity(subnet: string, family: 4 | 6): Record<string, string> {
  return { ls: subnet, protocol: family === 4 ? 'IPv4' : 'IPv6' };
}

/** An ACL name as OVN takes it: at most 63 characters (Kube-OVN cuts to 60 and adds `...`). */
function aclName(name: string): string {
  return name.length > 63 ? `${name.slice(0, 60)}...` : name;
}

function ipKey(family: 4 | 6): 'ip4' | 'ip6' {
  return family === 4 ? 'ip4' : 'ip6';
}

/** The private-subnet ACLs (Kube-OVN's SetLogicalSwitchPrivate), all to-lport. */
function privateAcls(spec: CheckedSubnetSecurity, joinCidr: string): AclSpec[] {
  const acls: AclSpec[] = [
    {
      direction: 'to-lport',
      priority: SUBNET_ACL_PRIORITY.defaultDrop,
      match: 'ip',
      action: 'drop',
      name: aclName(spec.name),
      log: true,
      severity: 'warning',
    },
  ];
  const joins = joinCidr
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const block of spec.blocks) {
    const ip = ipKey(block.family);
    const cidr = block.networkText;
    const allow = (priority: number, match: string): AclSpec => ({
      direction: 'to-lport',
      priority,
      match,
      action: 'allow-related',
    });
    acls.push(allow(SUBNET_ACL_PRIORITY.subnetAllow, `${ip}.src == ${cidr} && ${ip}.dst == ${cidr}`));
    for (const join of joins) {
      if (join.includes(':') !== (block.family === 6)) continue;
      acls.push(allow(SUBNET_ACL_PRIORITY.nodeAllow, `${ip}.src == ${join}`));
    }
    for (const other of spec.allowSubnets) {
      if (other.family !== block.family) continue;
      const o = other.networkText;
      acls.push(
        allow(
          SUBNET_ACL_PRIORITY.subnetAllow,
          `(${ip}.src == ${cidr} && ${ip}.dst == ${o}) || (${ip}.src == ${o} && ${ip}.dst == ${cidr})`,
        ),
      );
    }
  }
  return acls;
}

/**
 * The rows of `acls` (Kube-OVN's UpdateLogicalSwitchACL), marked `subnet=<name>`: with
 * allowEWTraffic the within-subnet allows, then the entries, their matches checked.
 */
function subnetAcls(nb: NbReplica, spec: CheckedSubnetSecurity): { ew: AclSpec[]; user: AclSpec[] } {
  const ew: AclSpec[] = [];
  const user: AclSpec[] = [];
  if (spec.acls.length === 0) return { ew, user };
  const externalIds = { subnet: spec.name };
  if (spec.allowEWTraffic) {
    for (const block of spec.blocks) {
      const ip = ipKey(block.family);
      const match = `${ip}.src == ${block.networkText} && ${ip}.dst == ${block.networkText}`;
      for (const direction of ['to-lport', 'from-lport'] as const)
        ew.push({
          direction,
          priority: SUBNET_ACL_PRIORITY.allowEWTraffic,
          match,
          action: 'allow',
          externalIds,
        });
    }
  }
  const options = switchMatchOptions(nb);
  const tiered = nb.has('ACL', 'tier');
  spec.acls.forEach((acl, i) => {
    const field = subnetField(spec.name, `spec.acls[${i}].match`);
    if (acl.action === 'pass' && !tiered)
      throw new InvalidSpecError(
        subnetField(spec.name, `spec.acls[${i}].action`),
        acl.action,
        'pass needs ACL tiers, which this NB schema has not (NB 7.0.0, OVN 23.03)',
      );
    try {
      checkMatch(acl.match, options());
    } catch (error) {
      if (!(error instanceof InvalidMatchError)) throw error;
      throw new InvalidSpecError(
        field,
        acl.match,
        `not a valid OVN match: ${error.reason} (at ${error.position})`,
        {
          cause: error,
        },
      );
    }
    user.push({ ...acl, externalIds });
  });
  return { ew, user };
}

/** Refuses an `acls` entry with the identity of a row the subnet writes itself. */
function checkIdentities(spec: CheckedSubnetSecurity, own: readonly AclSpec[]): void {
  const ownKeys = new Set(own.map((acl) => `${acl.direction}|${acl.priority}|${acl.match}`));
  spec.acls.forEach((acl, i) => {
    if (ownKeys.has(`${acl.direction}|${acl.priority}|${acl.match}`))
      throw new InvalidSpecError(
        subnetField(spec.name, `spec.acls[${i}]`),
        acl,
        'same direction, priority and match as an ACL the subnet writes for private or allowEWTraffic',
      );
  });
}

/** The DHCP options of one family: Kube-OVN's defaults, the given options over them. */
function dhcpOptionsOf(
  nb: NbReplica,
  spec: CheckedSubnetSecurity,
  family: 4 | 6,
  gateway: string,
): Record<string, string> {
  const existing = findDhcpOptions(nb, subnetDhcpIdentity(spec.name, family));
  if (family === 4) {
    return {
      lease_time: '3600',
      router: gateway,
      server_id: '169.254.0.254',
      // Kept across updates, as Kube-OVN keeps it: a new MAC would confuse leases in flight.
      server_mac: existing?.options.server_mac ?? randomMac(),
      mtu: String(spec.mtu),
      ...spec.dhcpV4Options,
    };
  }
  return { server_id: existing?.options.server_id ?? randomMac(), ...spec.dhcpV6Options };
}

function dhcpField(name: string, family: 4 | 6): string {
  return subnetField(name, family === 4 ? 'spec.dhcpV4Options' : 'spec.dhcpV6Options');
}

function sameMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function excludeIpsOf(spec: CheckedSubnetSecurity, ls: LogicalSwitch): string | undefined {
  if (spec.excludeIps === undefined || ls.other_config.subnet === undefined) return undefined;
  try {
    return excludeIpsOption(spec.blocks, spec.excludeIps);
  } catch (error) {
    if (error instanceof InvalidSpecError && error.field.startsWith('spec.'))
      throw new InvalidSpecError(subnetField(spec.name, error.field), error.value, error.reason, {
        cause: error.cause,
      });
    throw error;
  }
}

function plan(
  txn: Transaction<NbTables>,
  input: SubnetSecuritySpec,
  options: PlanSubnetSecurityOptions,
): void {
  const spec = checkSubnetSecurity(input);
  const nb = txn.view as unknown as NbReplica;
  const ls = requireNamed(nb, 'Logical_Switch', spec.name);

  // Everything is checked and read before the first write.
  const own = spec.private ? privateAcls(spec, options.joinCidr ?? DEFAULT_JOIN_CIDR) : [];
  const { ew, user } = subnetAcls(nb, spec);
  checkIdentities(spec, [...own, ...ew]);
  const dhcp = spec.blocks.map((block, i) => ({
    family: block.family,
    cidr: block.networkText,
    options: spec.enableDHCP ? dhcpOptionsOf(nb, spec, block.family, spec.gateways[i] as string) : undefined,
  }));
  for (const d of dhcp)
    if (d.options !== undefined) checkDhcpOptionsMap(d.options, d.family, dhcpField(spec.name, d.family));
  const lrpName = `${spec.vpc}-${spec.name}`;
  const lrp = findNamed(nb, 'Logical_Router_Port', lrpName);
  const v6 = spec.blocks.some((block) => block.family === 6);
  if (spec.enableIPv6RA && v6 && lrp === undefined)
    throw new ObjectNotFoundError('Logical_Router_Port', lrpName);
  const excludeIps = excludeIpsOf(spec, ls);

  setAcls(txn, { switch: spec.name }, [...own, ...ew, ...user], {
    owner: { parent: spec.name, vendor: KUBE_OVN_VENDOR },
    field: subnetField(spec.name, 'spec.acls'),
  });

  for (const family of [4, 6] as const) {
    const identity = subnetDhcpIdentity(spec.name, family);
    const wanted = dhcp.find((d) => d.family === family);
    if (wanted?.options === undefined) {
      deleteDhcpOptions(txn, identity, { ifExists: true });
      continue;
    }
    setDhcpOptions(
      txn,
      { cidr: wanted.cidr, options: wanted.options, externalIds: identity },
      { identity, field: dhcpField(spec.name, family) },
    );
  }

  if (lrp !== undefined) {
    const ra = spec.enableIPv6RA && v6 ? spec.ipv6RAConfigs : {};
    // Kube-OVN also wrote the prefix lengths (`64`) into ipv6_prefix; cleared with RA.
    const stalePrefix =
      !spec.enableIPv6RA && lrp.ipv6_prefix.length > 0 && lrp.ipv6_prefix.every((p) => /^\d+$/.test(p));
    if (!sameMap(lrp.ipv6_ra_configs, ra) || stalePrefix)
      txn.add([
        updateRows(LogicalRouterPortTable, [whereColumn('_uuid', '==', lrp._uuid)], {
          ipv6_ra_configs: ra,
          ...(stalePrefix ? { ipv6_prefix: [] } : {}),
        }),
      ]);
  }

  if (spec.excludeIps !== undefined && ls.other_config.exclude_ips !== excludeIps) {
    txn.add([
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [
          ...(ls.other_config.exclude_ips === undefined
            ? []
            : [
                mutateColumn<LogicalSwitch, 'other_config', 'delete'>('other_config', 'delete', [
                  'exclude_ips',
                ]),
              ]),
          ...(excludeIps === undefined
            ? []
            : [
                mutateColumn<LogicalSwitch, 'other_config', 'insert'>('other_config', 'insert', {
                  exclude_ips: excludeIps,
                }),
              ]),
        ],
      ),
    ]);
  }
}

/**
 * Brings the security and addressing of subnet `spec.name` (its switch must exist:
 * {@link addSubnet} makes it) to `spec`, as Kube-OVN's Subnet controller writes them (see the
 * module comment and docs/ovn/subnet-security.md). Declarative and idempotent: the same spec
 * again plans nothing; turning `private` off removes its ACLs, `enableDHCP` off the DHCP
 * rows, `enableIPv6RA` off the router port's RA configs; ACLs the subnet does not own stay.
 * @throws {@link InvalidSpecError} naming `Subnet <name>: spec.<path>` (an ACL match OVN
 *   refuses, an unknown action, a priority out of range, a bad CIDR in allowSubnets, malformed
 *   dhcpV4Options, ...), {@link ObjectNotFoundError} for a missing switch (or router port, with
 *   enableIPv6RA), the DHCP helper's overlap error; all before anything is planned.
 */
export function planSubnetSecurity<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: SubnetSecuritySpec,
  options: PlanSubnetSecurityOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => plan(txn, spec, options));
}
