/**
 * Transit switches in OVN_IC_Northbound: the logical switches every AZ's router joins. ovn-ic
 * creates the matching NB `Logical_Switch` in each AZ (`other_config:interconn-ts`); Kube-OVN
 * names them `ts`, `ts1`, `ts2`... and records the subnet it hands addresses out of in
 * `external_ids:subnet`.
 */
import { TransitSwitchTable } from '../generated/ic-nb/index.js';
import type { Tables as IcNbTables, TransitSwitch } from '../generated/ic-nb/rows.js';
import { deleteRows, insertRow, updateRows, whereColumn } from '../model/index.js';
import { parseCidr } from '../ovn/addresses.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from '../ovn/ovn-errors.js';
import { KUBE_OVN_VENDOR } from '../ovn/ownership.js';
import type { IfExistsOption, MayExistOption } from '../ovn/routers.js';
import type { Planned } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';
import { type IcNbHandle, type IcNbTarget, icNbReader, planIcNb } from './ic-targets.js';

/** A transit switch to create. */
export interface TransitSwitchSpec {
  /** `ts`, `ts1`, ... */
  readonly name: string;
  /**
   * The subnet the AZs' router ports take their addresses from: one CIDR, or `v4,v6` for
   * dual stack (`169.254.100.0/24,fe80:a9fe:64::/112`). Kept in `external_ids:subnet`.
   */
  readonly subnet: string;
  /** `external_ids:vendor`. @default 'kube-ovn' */
  readonly vendor?: string;
}

/** Which families Kube-OVN's transit switches carry. */
export type TransitSwitchStack = 'ipv4' | 'ipv6' | 'dual';

/**
 * The transit switches Kube-OVN's IC server creates: `ts`, `ts1`, ... `ts<count-1>`, switch N
 * with `169.254.(100+N).0/24` and, for IPv6, `fe80:a9fe:<hex(100+N)>::/112`.
 * @throws {@link InvalidSpecError} for a count outside 1..155 (the third octet ends at 255).
 */
export function kubeOvnTransitSwitches(count = 3, stack: TransitSwitchStack = 'ipv4'): TransitSwitchSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > 155) {
    throw new InvalidSpecError('count', count, 'must be an integer 1-155');
  }
  return Array.from({ length: count }, (_, n) => {
    const v4 = `169.254.${100 + n}.0/24`;
    const v6 = `fe80:a9fe:${(100 + n).toString(16)}::/112`;
    const subnet = stack === 'ipv4' ? v4 : stack === 'ipv6' ? v6 : `${v4},${v6}`;
    return { name: n === 0 ? 'ts' : `ts${n}`, subnet, vendor: KUBE_OVN_VENDOR };
  });
}

/** The blocks of a transit switch subnet, checked: network form, at most one per family. */
export function parseTransitSubnet(subnet: string, field = 'subnet'): string[] {
  const parts = subnet.split(',').map((part) => part.trim());
  const blocks = parts.map((part) => parseCidr(part, field));
  if (blocks.length > 2 || (blocks.length === 2 && blocks[0]?.family === blocks[1]?.family)) {
    throw new InvalidSpecError(field, subnet, 'one CIDR, or one IPv4 and one IPv6 CIDR');
  }
  for (const block of blocks) {
    if (block.hasHostBits) {
      throw new InvalidSpecError(
        field,
        subnet,
        `${block.addressText} has host bits set (${block.networkText}?)`,
      );
    }
  }
  return blocks.map((block) => block.networkText);
}

/** The transit switch named `name` (read from a replica, or a transaction's view), or undefined. */
export function findTransitSwitch(target: IcNbTarget, name: string): TransitSwitch | undefined {
  return icNbReader(target).find('Transit_Switch', 'name', name)[0];
}

/**
 * The transit switch named `name`.
 * @throws {@link ObjectNotFoundError} when IC-NB has none.
 */
export function requireTransitSwitch(target: IcNbTarget, name: string): TransitSwitch {
  const ts = findTransitSwitch(target, name);
  if (ts === undefined) throw new ObjectNotFoundError('Transit_Switch', name);
  return ts;
}

/**
 * The operations creating transit switch `spec.name` with `external_ids {subnet, vendor}`
 * (`ovn-ic-nbctl ts-add` plus Kube-OVN's external ids). With `mayExist` an existing switch
 * gets the subnet and vendor of the spec (other keys kept), or nothing when it has them.
 * Runs on a replica (the operations are returned) or a transaction (they join it, and later
 * steps of its body find the switch).
 * @throws {@link InvalidSpecError} (`name`, `subnet`), {@link ObjectExistsError}.
 */
export function addTransitSwitch<Target extends IcNbTarget | IcNbHandle>(
  target: Target,
  spec: TransitSwitchSpec,
  options: MayExistOption = {},
): Planned<Target> {
  return planIcNb(target, (txn) => addTransitSwitchIn(txn, spec, options));
}

function addTransitSwitchIn(
  txn: Transaction<IcNbTables>,
  spec: TransitSwitchSpec,
  options: MayExistOption,
): void {
  if (spec.name.trim() === '' || spec.name !== spec.name.trim()) {
    throw new InvalidSpecError('name', spec.name, 'must be a non-empty name without surrounding spaces');
  }
  const subnet = parseTransitSubnet(spec.subnet).join(',');
  const wanted = { subnet, vendor: spec.vendor ?? KUBE_OVN_VENDOR };
  const existing = findTransitSwitch(txn, spec.name);
  if (existing === undefined) {
    txn.add(insertRow(TransitSwitchTable, { name: spec.name, external_ids: wanted }).operation);
    return;
  }
  if (options.mayExist !== true) throw new ObjectExistsError('Transit_Switch', spec.name);
  if (existing.external_ids.subnet === wanted.subnet && existing.external_ids.vendor === wanted.vendor)
    return;
  txn.add(
    updateRows(TransitSwitchTable, [whereColumn('_uuid', '==', existing._uuid)], {
      external_ids: { ...existing.external_ids, ...wanted },
    }),
  );
}

/**
 * The operations deleting transit switch `name` (`ovn-ic-nbctl ts-del`). ovn-ic then removes
 * the NB switch in every AZ, and the IC-SB rows of the switch. Runs on a replica or a
 * transaction, as {@link addTransitSwitch}.
 * @throws {@link ObjectNotFoundError} when it is missing without `ifExists`.
 */
export function deleteTransitSwitch<Target extends IcNbTarget | IcNbHandle>(
  target: Target,
  name: string,
  options: IfExistsOption = {},
): Planned<Target> {
  return planIcNb(target, (txn) => {
    const existing = findTransitSwitch(txn, name);
    if (existing === undefined) {
      if (options.ifExists === true) return;
      throw new ObjectNotFoundError('Transit_Switch', name);
    }
    txn.add(deleteRows(TransitSwitchTable, [whereColumn('_uuid', '==', existing._uuid)]));
  });
}

/** The transit switch's address blocks, from `external_ids:subnet`; empty when it has none. */
export function transitSwitchSubnet(ts: TransitSwitch): string[] {
  const subnet = ts.external_ids.subnet;
  return subnet === undefined || subnet === ''
    ? []
    : parseTransitSubnet(subnet, `Transit_Switch ${ts.name} external_ids:subnet`);
}
