/**
 * What makes an OVN deployment an availability zone of OVN-IC, all in its NB_Global row:
 * the AZ name (`name`: ovn-ic does nothing while it is empty) and the `ic-route-*` options
 * that switch route advertisement and learning on (ovn-mapping.md D2, D3).
 */
import { NBGlobalTable } from '../generated/nb/index.js';
import type { NBGlobal } from '../generated/nb/rows.js';
import { mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import { parseCidr, parseIp } from '../ovn/addresses.js';
import { type NbHandle, type NbReplica, type NbTarget, planNb } from '../ovn/nb-lookup.js';
import { InvalidSpecError } from '../ovn/ovn-errors.js';
import { NbGlobalMissingError } from '../ovn/wait-for.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';

/** The NB_Global options of OVN-IC route exchange (23.03). */
export const IC_ROUTE_OPTIONS = [
  'ic-route-adv',
  'ic-route-learn',
  'ic-route-blacklist',
  'ic-route-adv-default',
  'ic-route-learn-default',
] as const;

const AZ_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;

// Read by a scan, which a transaction does not verify at commit: ovn-northd rewrites
// NB_Global's `sb_cfg`, `hv_cfg` and their timestamps as the chassis catch up, and a verified
// read of the row would make a transaction that names the AZ retry on each of those. What is
// written does not need it: `name` is set whole, the options by their own keys.
function nbGlobal(nb: NbReplica): NBGlobal {
  const rows = nb.list('NB_Global');
  if (rows.length === 0) throw new NbGlobalMissingError();
  return rows[0] as NBGlobal;
}

/**
 * The operation naming this AZ (`NB_Global.name`, nothing else), or none when it already has
 * that name. An empty name takes the AZ out of OVN-IC: ovn-ic then does nothing. Runs on a
 * replica (the operation is returned) or a transaction (it joins it).
 * @throws {@link InvalidSpecError} (`az-name`), {@link NbGlobalMissingError}.
 */
export function setAvailabilityZone<Target extends NbTarget | NbHandle>(
  target: Target,
  azName: string,
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setAvailabilityZoneOps(txn.view, azName)));
}

function setAvailabilityZoneOps(nb: NbReplica, azName: string): Operation[] {
  if (azName !== '' && !AZ_NAME.test(azName)) {
    throw new InvalidSpecError('az-name', azName, 'letters, digits, ".", "_" and "-" only');
  }
  const global = nbGlobal(nb);
  if (global.name === azName) return [];
  return [updateRows(NBGlobalTable, [whereColumn('_uuid', '==', global._uuid)], { name: azName })];
}

/** Where the entries of Kube-OVN's `ic-route-blacklist` come from. */
export interface BlacklistSources {
  /** Subnets (their `cidrBlock`, `v4,v6` allowed) with `disableInterConnection: true`. */
  readonly disabledSubnets?: readonly string[];
  /** The join subnet's CIDR block. */
  readonly joinSubnet?: string;
  /** CIDRs found to conflict with learned routes (see `resolveRouteConflicts`). */
  readonly conflicts?: readonly string[];
  /** Node internal IPs, written bare (ovn-ic reads a bare IP as a /32 or /128). */
  readonly nodeIps?: readonly string[];
}

/**
 * Kube-OVN's blacklist: the disabled subnets' blocks, the join subnet, the conflicts and the
 * node IPs, in that order, each entry once. CIDRs are kept as given (normalized only in case
 * and IPv6 compression); bare IPs stay bare.
 * @throws {@link InvalidSpecError} naming the entry that is neither a CIDR nor an IP.
 */
export function icRouteBlacklist(sources: BlacklistSources): string[] {
  const entries: string[] = [];
  const add = (text: string, field: string): void => {
    for (const part of text.split(',')) {
      const item = part.trim();
      if (item === '') continue;
      const canonical = item.includes('/') ? parseCidr(item, field).addressText : parseIp(item, field).text;
      if (!entries.includes(canonical)) entries.push(canonical);
    }
  };
  (sources.disabledSubnets ?? []).forEach((block, i) => {
    add(block, `disabledSubnets[${i}]`);
  });
  if (sources.joinSubnet !== undefined) add(sources.joinSubnet, 'joinSubnet');
  (sources.conflicts ?? []).forEach((cidr, i) => {
    add(cidr, `conflicts[${i}]`);
  });
  (sources.nodeIps ?? []).forEach((ip, i) => {
    if (ip.includes('/'))
      throw new InvalidSpecError(`nodeIps[${i}]`, ip, 'a node IP is written without a prefix');
    add(ip, `nodeIps[${i}]`);
  });
  return entries;
}

/** Route exchange settings of one AZ. */
export interface IcRouteSettings {
  /** Kube-OVN's `auto-route`: advertise and learn. Off removes the three keys Kube-OVN sets. */
  readonly autoRoute: boolean;
  /** `ic-route-blacklist` entries (CIDRs or bare IPs); see {@link icRouteBlacklist}. */
  readonly blacklist?: readonly string[];
  /** `ic-route-adv-default` (advertise 0.0.0.0/0 and ::/0). Kube-OVN never sets it. @default left as is */
  readonly advertiseDefault?: boolean;
  /** `ic-route-learn-default`. @default left as is */
  readonly learnDefault?: boolean;
}

/**
 * The NB_Global options `settings` call for: with `autoRoute`, `ic-route-adv` and
 * `ic-route-learn` are `"true"` and `ic-route-blacklist` is the comma-joined list (absent
 * when empty); without it, those three keys are removed, as Kube-OVN does. Other options
 * are kept.
 */
export function icRouteOptions(
  current: Readonly<Record<string, string>>,
  settings: IcRouteSettings,
): Record<string, string> {
  const options: Record<string, string> = { ...current };
  delete options['ic-route-adv'];
  delete options['ic-route-learn'];
  delete options['ic-route-blacklist'];
  if (settings.autoRoute) {
    options['ic-route-adv'] = 'true';
    options['ic-route-learn'] = 'true';
    const blacklist = (settings.blacklist ?? []).map((entry, i) => {
      const field = `blacklist[${i}]`;
      return entry.includes('/') ? parseCidr(entry, field).addressText : parseIp(entry, field).text;
    });
    if (blacklist.length > 0) options['ic-route-blacklist'] = blacklist.join(',');
  }
  if (settings.advertiseDefault !== undefined)
    options['ic-route-adv-default'] = String(settings.advertiseDefault);
  if (settings.learnDefault !== undefined) options['ic-route-learn-default'] = String(settings.learnDefault);
  return options;
}

/**
 * The operation bringing NB_Global's `ic-route-*` options to `settings` (Kube-OVN's
 * `SetICAutoRoute`), or none when they match. It changes only the keys it owns, with a
 * delete-then-insert mutation, so options other writers set meanwhile are not overwritten.
 * Runs on a replica (the operation is returned) or a transaction (it joins it).
 * @throws {@link InvalidSpecError} (`blacklist[i]`), {@link NbGlobalMissingError}.
 */
export function setIcRouteOptions<Target extends NbTarget | NbHandle>(
  target: Target,
  settings: IcRouteSettings,
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setIcRouteOptionsOps(txn.view, settings)));
}

function setIcRouteOptionsOps(nb: NbReplica, settings: IcRouteSettings): Operation[] {
  const global = nbGlobal(nb);
  const wanted = icRouteOptions(global.options, settings);
  const changed = IC_ROUTE_OPTIONS.filter((key) => global.options[key] !== wanted[key]);
  if (changed.length === 0) return [];
  const set: Record<string, string> = {};
  for (const key of changed) if (wanted[key] !== undefined) set[key] = wanted[key];
  const mutations = [mutateColumn<NBGlobal, 'options', 'delete'>('options', 'delete', changed)];
  if (Object.keys(set).length > 0)
    mutations.push(mutateColumn<NBGlobal, 'options', 'insert'>('options', 'insert', set));
  return [mutateRows(NBGlobalTable, [whereColumn('_uuid', '==', global._uuid)], mutations)];
}
