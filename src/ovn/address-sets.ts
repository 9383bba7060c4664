/**
 * Address sets (NB `Address_Set`): the `$name` of an ACL match, holding the IPs and CIDRs of a
 * NetworkPolicy peer or a security group. Kept apart by family as Kube-OVN keeps them
 * (`<base>.IPv4`, `<base>.IPv6`), since a match compares `ip4.src` or `ip6.src` with one set.
 *
 * Addresses are stored canonical: an address as `inet_pton` would print it back (`fd00::1`, not
 * `FD00:0::1`), a CIDR with its host bits cleared (`10.0.0.5/24` -> `10.0.0.0/24`, which is what
 * OVN's lexer reads it as anyway), and each once. `ovn-nbctl create`/`add` store strings as
 * given; canonical text makes one address one element, so an update is a diff of strings.
 */
import { type AddressSet, AddressSetTable } from '../generated/nb/index.js';
import { mutateColumn, whereColumn } from '../model/typed-clauses.js';
import { insertRow, mutateRows } from '../model/typed-ops.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type IpFamily, parseCidr, parseIp } from './addresses.js';
import { mapColumnMutations, mergedMap } from './column-diff.js';
import {
  deleteNamedOps,
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  unverifiedNb,
} from './nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from './ovn-errors.js';
import { checkOvnName } from './ovn-names.js';
import { checkStringList, fieldPath, ownedExternalIds } from './spec-checks.js';

/** An address set to create or bring up to date. */
export interface AddressSetSpec {
  /** The set's name, an OVN identifier as a match names it (`$name`); see {@link ovnIdentifier}. */
  readonly name: string;
  /** IPs (`10.0.0.5`) or CIDRs (`10.0.0.0/24`), stored canonical, duplicates dropped. */
  readonly addresses: readonly string[];
  /** When given, every address must be of this family (Kube-OVN keeps IPv4 and IPv6 sets apart). */
  readonly family?: IpFamily;
  /** Merged into the row's external_ids; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link setAddressSet}. */
export interface SetAddressSetOptions {
  /** Path of the spec in the caller's terms: errors then name `<field>.addresses[2]`. */
  readonly field?: string;
}

/** Options of {@link setAddressSetPair}. */
export interface SetAddressSetPairOptions {
  /** Merged into both rows' external_ids; `vendor` defaults to `kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
  /** Path of the address list in the caller's terms: errors then name `<field>[2]`. @default 'addresses' */
  readonly field?: string;
}

/** Options of {@link deleteAddressSet}. */
export interface DeleteAddressSetOptions {
  /** No such set: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

/** The name suffixes of a family's set in a pair (Kube-OVN's). */
export const ADDRESS_SET_SUFFIX: Readonly<Record<IpFamily, string>> = { 4: 'IPv4', 6: 'IPv6' };

/** An address-set entry in canonical text, and its family. */
export interface AddressSetEntry {
  readonly family: IpFamily;
  readonly text: string;
}

/**
 * An address or CIDR as an address set stores it: canonical, a CIDR with host bits cleared.
 * @throws {@link InvalidSpecError} naming `field` and the value.
 */
export function addressSetEntry(value: string, field: string): AddressSetEntry {
  const text = typeof value === 'string' ? value.trim() : value;
  if (typeof text === 'string' && text.includes('/')) {
    const cidr = parseCidr(text, field);
    return { family: cidr.family, text: cidr.networkText };
  }
  const ip = parseIp(text as string, field);
  return { family: ip.family, text: ip.text };
}

function canonicalAddresses(value: unknown, field: string, family: IpFamily | undefined): Set<string> {
  const list = checkStringList(value, field);
  const out = new Set<string>();
  for (const [index, address] of list.entries()) {
    const entry = addressSetEntry(address, `${field}[${index}]`);
    if (family !== undefined && entry.family !== family)
      throw new InvalidSpecError(`${field}[${index}]`, address, `not an IPv${family} address or CIDR`);
    out.add(entry.text);
  }
  return out;
}

function checkFamily(value: unknown, field: string): IpFamily | undefined {
  if (value === undefined || value === 4 || value === 6) return value;
  throw new InvalidSpecError(field, value, 'the family is 4 or 6');
}

/**
 * Operations creating the set, or bringing an existing one to `wanted` with one mutate:
 * addresses it lacks inserted, others deleted, external_ids pairs merged.
 */
function addressSetOps(
  nb: NbReplica,
  name: string,
  wanted: ReadonlySet<string>,
  externalIds: Record<string, string>,
): Operation[] {
  const found = findNamed(nb, 'Address_Set', name);
  if (found === undefined)
    return [
      insertRow(AddressSetTable, { name, addresses: [...wanted], external_ids: externalIds }).operation,
    ];
  // The set's name look-up is verified; its columns are read unverified: they change only by
  // relative mutates, which compose with any concurrent change (one address added to 10,000
  // verifies nothing of the other 10,000).
  const row = unverifiedNb(nb).get('Address_Set', found._uuid) ?? found;
  const remove: string[] = [];
  const present = new Set<string>();
  for (const stored of row.addresses) {
    // A stored entry that is not canonical is not ours to read: replaced by its canonical twin.
    if (wanted.has(stored)) present.add(stored);
    else remove.push(stored);
  }
  const add: string[] = [];
  if (present.size < wanted.size) for (const address of wanted) if (!present.has(address)) add.push(address);
  const mutations = [
    ...(remove.length > 0
      ? [mutateColumn<AddressSet, 'addresses', 'delete'>('addresses', 'delete', remove)]
      : []),
    ...(add.length > 0 ? [mutateColumn<AddressSet, 'addresses', 'insert'>('addresses', 'insert', add)] : []),
    ...mapColumnMutations<AddressSet>(
      'external_ids',
      row.external_ids,
      mergedMap(row.external_ids, externalIds),
    ),
  ];
  if (mutations.length === 0) return [];
  return [mutateRows(AddressSetTable, [whereColumn('_uuid', '==', row._uuid)], mutations)];
}

/**
 * Creates the address set, or brings an existing one to `spec.addresses` with ONE mutate
 * (the missing addresses inserted, the others deleted; a 10,000-address set gaining one
 * address costs one insert of one element). The same spec again plans nothing.
 *
 * @example
 * ```ts fragment
 * await client.transact('OVN_Northbound', setAddressSet(nb, { name: 'web.IPv4', addresses: ['10.16.0.5'] }));
 * ```
 * @throws {@link InvalidSpecError} for a name that is not an OVN identifier, an address that is
 *   not an IP or CIDR (or not of `family`); {@link DuplicateNameError} is never thrown (the
 *   name is indexed).
 */
export function setAddressSet<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: AddressSetSpec,
  options: SetAddressSetOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const prefix = options.field;
    const name = checkOvnName(spec.name, fieldPath(prefix, 'name'));
    const family = checkFamily(spec.family, fieldPath(prefix, 'family'));
    const wanted = canonicalAddresses(spec.addresses, fieldPath(prefix, 'addresses'), family);
    const externalIds = ownedExternalIds(spec.externalIds, fieldPath(prefix, 'externalIds'));
    txn.add(addressSetOps(txn.view, name, wanted, externalIds));
  });
}

/**
 * Both families of one set at once, as Kube-OVN names them: `<base>.IPv4` holds the IPv4
 * addresses and CIDRs of `addresses`, `<base>.IPv6` the IPv6 ones. Both sets exist afterwards
 * (an empty one matches nothing), each brought up to date as {@link setAddressSet} does.
 * @throws {@link InvalidSpecError} for a base that is not an OVN identifier or a bad address.
 */
export function setAddressSetPair<Target extends NbTarget | NbHandle>(
  target: Target,
  base: string,
  addresses: readonly string[],
  options: SetAddressSetPairOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const field = options.field ?? 'addresses';
    checkOvnName(base, 'name');
    const all = canonicalAddresses(addresses, field, undefined);
    const byFamily: Record<IpFamily, Set<string>> = { 4: new Set(), 6: new Set() };
    for (const text of all) byFamily[text.includes(':') ? 6 : 4].add(text);
    const externalIds = ownedExternalIds(options.externalIds, 'externalIds');
    for (const family of [4, 6] as const)
      txn.add(
        addressSetOps(txn.view, `${base}.${ADDRESS_SET_SUFFIX[family]}`, byFamily[family], externalIds),
      );
  });
}

/**
 * Deletes the address set named `name` (compared as stored: a set another tool named with a
 * character OVN cannot match on can still be deleted). ACL matches naming it are not changed.
 * @throws {@link ObjectNotFoundError} when there is no such set and `ifExists` is not set.
 */
export function deleteAddressSet<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: DeleteAddressSetOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    txn.add(deleteNamedOps(txn.view, 'Address_Set', name, options.ifExists === true));
  });
}
