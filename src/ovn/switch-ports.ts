/**
 * Logical switch ports as Kube-OVN keeps them for pods, VMs and gateways: created in their
 * switch, brought to a spec by diff (only the columns that differ are written, set and map
 * columns element by element), deleted by name. The addresses, port security, type, options,
 * container parent and tag, DHCP references and external_ids are what ovn-nbctl's `lsp-*`
 * commands set, and the rows written are the rows those commands write.
 */
import { LogicalSwitchPortTable, LogicalSwitchTable } from '../generated/nb/model.js';
import type { DHCPOptions, LogicalSwitch, LogicalSwitchPort } from '../generated/nb/rows.js';
import { deleteRows, insertRow, mutateColumn, mutateRows, updateRows, whereColumn } from '../model/index.js';
import { CLEAR } from '../model/write-markers.js';
import type { Operation } from '../protocol/operations.js';
import type { Planned } from '../txn/plan.js';
import { type Cidr, parseCidr } from './addresses.js';
import { mapColumnMutations, mergedMap, setColumnMutations } from './column-diff.js';
import { findDhcpOptions } from './dhcp-options.js';
import { checkDhcpOverlap, dhcpRowRef } from './dhcp-overlap.js';
import {
  findNamed,
  type NbHandle,
  type NbReplica,
  type NbTarget,
  planNb,
  requireNamed,
} from './nb-lookup.js';
import { InvalidSpecError, ObjectExistsError, ObjectNotFoundError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';
import {
  type AddressEntry,
  checkUniqueIps,
  parseAddressEntry,
  parsePortSecurityEntry,
} from './port-addresses.js';
import { checkStringMap } from './spec-checks.js';
import { nextUuidName } from './uuid-names.js';

/** The port types ovn-nbctl's lsp-set-type accepts that a switch port spec may name. */
export type LogicalSwitchPortType =
  | ''
  | 'router'
  | 'localnet'
  | 'virtual'
  | 'localport'
  | 'external'
  | 'vtep'
  | 'l2gateway';

const PORT_TYPES: ReadonlySet<string> = new Set<LogicalSwitchPortType>([
  '',
  'router',
  'localnet',
  'virtual',
  'localport',
  'external',
  'vtep',
  'l2gateway',
]);

/** The highest VLAN tag OVN accepts in `tag_request`. */
export const MAX_TAG = 4095;

/**
 * A logical switch port. On an existing port, a field left out is left as the row has it;
 * a field given is written as given (`[]` / `{}` empties a column).
 */
export interface LogicalSwitchPortSpec {
  /** The switch the port belongs to; it must exist. */
  readonly switch: string;
  readonly name: string;
  /**
   * `dynamic` (OVN's IPAM picks MAC and IPs), `unknown`, `router`, or entries
   * `"<mac> <ip> [<ip6>]"`, `"<mac> dynamic"`, `"dynamic <ip>"`, as lsp-set-addresses takes
   * them. IPv4 addresses must lie in the switch's `other_config:subnet` when it has one, and
   * a static address must not be another port's on the switch.
   */
  readonly addresses?: readonly string[];
  /** Entries `"<mac> [<ip>[/<len>]...]"`: what the port may send from (lsp-set-port-security). */
  readonly portSecurity?: readonly string[];
  /** @default '' (a VIF: a pod's or VM's interface) */
  readonly type?: LogicalSwitchPortType;
  /** The whole `options` map (lsp-set-options): `router-port`, `network_name`, ... */
  readonly options?: Readonly<Record<string, string>>;
  /** The port this one is a container port of (lsp-add's PARENT); `''` clears it. */
  readonly parentName?: string;
  /** The VLAN tag requested for a container port, 0..4095 (lsp-add's TAG). */
  readonly tagRequest?: number;
  readonly enabled?: boolean;
  /**
   * The DHCP_Options row the port gets DHCPv4 replies from, by identity (its external_ids
   * pairs, as {@link setDhcpOptions} takes them); `{}` removes the reference.
   */
  readonly dhcpv4Options?: Readonly<Record<string, string>>;
  /** As {@link LogicalSwitchPortSpec.dhcpv4Options}, for DHCPv6. */
  readonly dhcpv6Options?: Readonly<Record<string, string>>;
  /** Merged into the row's external_ids after `ls=<switch>` and `vendor=kube-ovn`. */
  readonly externalIds?: Readonly<Record<string, string>>;
}

/** Options of {@link setSwitchPort}. */
export interface SetSwitchPortOptions {
  /** Prefix of the field paths errors name (`spec`): `<field>.addresses[0]`. */
  readonly field?: string;
}

/** Options of {@link deleteSwitchPort}. */
export interface DeleteSwitchPortOptions {
  /** No port has the name: return no operations instead of throwing {@link ObjectNotFoundError}. */
  readonly ifExists?: boolean;
}

type PortRow = Record<string, unknown>;

function join(prefix: string | undefined, name: string): string {
  return prefix === undefined || prefix === '' ? name : `${prefix}.${name}`;
}

function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim())
    throw new InvalidSpecError(field, value, 'a non-empty name without surrounding spaces');
  return value;
}

function checkList(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'a list of strings');
  return value;
}

function switchBlock(ls: LogicalSwitch): Cidr | undefined {
  const subnet = ls.other_config.subnet;
  return subnet === undefined ? undefined : parseCidr(subnet, 'other_config:subnet');
}

/** The DHCP_Options row of a reference by identity; `null` for `{}` (no reference). */
function dhcpRow(
  nb: NbReplica,
  identity: Readonly<Record<string, string>>,
  family: 4 | 6,
  field: string,
): DHCPOptions | null {
  checkStringMap(identity, field);
  if (Object.keys(identity).length === 0) return null;
  const row = findDhcpOptions(nb, identity);
  if (row === undefined)
    throw new ObjectNotFoundError(
      'DHCP_Options',
      Object.entries(identity)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
  let rowFamily: number | undefined;
  try {
    rowFamily = parseCidr(row.cidr, 'cidr').family;
  } catch {
    rowFamily = undefined;
  }
  if (rowFamily !== family)
    throw new InvalidSpecError(
      field,
      identity,
      `DHCP_Options ${row._uuid} has cidr ${row.cidr}, not an IPv${family} network`,
    );
  return row;
}

/** The spec checked and in the form written: columns of the row, present when given. */
function desiredColumns(
  nb: NbReplica,
  spec: LogicalSwitchPortSpec,
  ls: LogicalSwitch,
  existing: LogicalSwitchPort | undefined,
  field: string | undefined,
): { columns: PortRow; entries: AddressEntry[] } {
  const columns: PortRow = {};
  let entries: AddressEntry[] = [];
  if (spec.addresses !== undefined) {
    const base = join(field, 'addresses');
    const block = switchBlock(ls);
    entries = checkList(spec.addresses, base).map((entry, i) =>
      parseAddressEntry(entry as string, `${base}[${i}]`, block),
    );
    columns.addresses = [...new Set(entries.map((e) => e.text))];
  }
  if (spec.portSecurity !== undefined) {
    const base = join(field, 'portSecurity');
    columns.port_security = [
      ...new Set(
        checkList(spec.portSecurity, base).map((e, i) =>
          parsePortSecurityEntry(e as string, `${base}[${i}]`),
        ),
      ),
    ];
  }
  if (spec.type !== undefined) {
    if (!PORT_TYPES.has(spec.type))
      throw new InvalidSpecError(
        join(field, 'type'),
        spec.type,
        `one of ${[...PORT_TYPES].map((t) => `"${t}"`).join(', ')}`,
      );
    columns.type = spec.type;
  }
  if (spec.options !== undefined)
    columns.options = { ...checkStringMap(spec.options, join(field, 'options')) };
  if (spec.parentName !== undefined) {
    if (spec.parentName !== '') checkName(spec.parentName, join(field, 'parentName'));
    columns.parent_name = spec.parentName;
  }
  if (spec.tagRequest !== undefined) {
    const tag = spec.tagRequest;
    if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0 || tag > MAX_TAG)
      throw new InvalidSpecError(join(field, 'tagRequest'), tag, `an integer from 0 to ${MAX_TAG}`);
    columns.tag_request = tag;
  }
  if (spec.enabled !== undefined) {
    if (typeof spec.enabled !== 'boolean')
      throw new InvalidSpecError(join(field, 'enabled'), spec.enabled, 'true or false');
    columns.enabled = spec.enabled;
  }
  for (const [key, column, family] of [
    ['dhcpv4Options', 'dhcpv4_options', 4],
    ['dhcpv6Options', 'dhcpv6_options', 6],
  ] as const) {
    const identity = spec[key];
    if (identity === undefined) continue;
    const path = join(field, key);
    const row = dhcpRow(nb, identity, family, path);
    const uuid = row === null ? null : row._uuid;
    // The overlap rule is checked when the reference changes only.
    if (row !== null && existing?.[column] !== uuid)
      checkDhcpOverlap(nb, ls, dhcpRowRef(row), parseCidr(row.cidr, path), {
        field: path,
        value: identity,
        ...(existing === undefined ? {} : { exceptPort: existing._uuid }),
      });
    columns[column] = uuid;
  }
  const externalIds = checkStringMap(spec.externalIds ?? {}, join(field, 'externalIds'));
  columns.external_ids = { ls: spec.switch, vendor: KUBE_OVN_VENDOR, ...externalIds };
  return { columns, entries };
}

/**
 * Creates port `spec.name` in switch `spec.switch` (inserted into the switch's `ports`), or
 * brings the port of that name on that switch to the spec by diff: scalar columns that differ
 * in one update, set and map columns (`addresses`, `port_security`, `options`,
 * `external_ids`) by mutating only the elements that differ. The same spec twice sends nothing.
 * Everything is checked before any operation is built.
 * @throws {@link InvalidSpecError} (the field path and value: `addresses[i]`, `portSecurity[i]`,
 *   `type`, `tagRequest`, `dhcpv4Options`, ...), {@link ObjectNotFoundError} (the switch, or the
 *   DHCP_Options of an identity), {@link ObjectExistsError} (a port of that name on another
 *   switch), {@link OverlappingDhcpOptionsError}, `DuplicateNameError`.
 */
export function setSwitchPort<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: LogicalSwitchPortSpec,
  options: SetSwitchPortOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(setSwitchPortOps(txn.view, spec, options)));
}

function setSwitchPortOps(
  nb: NbReplica,
  spec: LogicalSwitchPortSpec,
  options: SetSwitchPortOptions,
): Operation[] {
  const { field } = options;
  if (spec === null || typeof spec !== 'object')
    throw new InvalidSpecError(field ?? 'spec', spec, 'a switch port spec');
  checkName(spec.switch, join(field, 'switch'));
  checkName(spec.name, join(field, 'name'));
  const ls = requireNamed(nb, 'Logical_Switch', spec.switch);
  const existing = findNamed(nb, 'Logical_Switch_Port', spec.name);
  if (existing !== undefined && !ls.ports.includes(existing._uuid))
    throw new ObjectExistsError('Logical_Switch_Port', spec.name);
  const { columns, entries } = desiredColumns(nb, spec, ls, existing, field);
  const addressesChange =
    columns.addresses !== undefined &&
    (existing === undefined ||
      setColumnMutations('addresses', existing.addresses, columns.addresses as string[]).length > 0);
  if (addressesChange) checkUniqueIps(nb, ls, existing, entries, (i) => `${join(field, 'addresses')}[${i}]`);

  if (existing === undefined) {
    const row: PortRow = { name: spec.name };
    for (const [key, value] of Object.entries(columns)) {
      // Empty values are the column's default: not written, as ovn-nbctl leaves them.
      if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
      row[key] = value;
    }
    const lsp = insertRow(LogicalSwitchPortTable, row, { uuidName: nextUuidName('lsp') });
    return [
      lsp.operation,
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [mutateColumn('ports', 'insert', [lsp.ref])],
      ),
    ];
  }
  return diffOps(existing, columns);
}

function diffOps(existing: LogicalSwitchPort, columns: PortRow): Operation[] {
  const where = [whereColumn<LogicalSwitchPort, '_uuid', '=='>('_uuid', '==', existing._uuid)];
  const update: PortRow = {};
  const current = existing as unknown as PortRow;
  for (const column of [
    'type',
    'parent_name',
    'tag_request',
    'enabled',
    'dhcpv4_options',
    'dhcpv6_options',
  ]) {
    if (!(column in columns)) continue;
    const want = columns[column];
    const have = current[column];
    const empty = want === null || (want === '' && column !== 'type');
    if (empty ? have !== undefined : have !== want) update[column] = empty ? CLEAR : want;
  }
  const mutations = [
    ...(columns.addresses === undefined
      ? []
      : setColumnMutations<LogicalSwitchPort>(
          'addresses',
          existing.addresses,
          columns.addresses as string[],
        )),
    ...(columns.port_security === undefined
      ? []
      : setColumnMutations<LogicalSwitchPort>(
          'port_security',
          existing.port_security,
          columns.port_security as string[],
        )),
    ...(columns.options === undefined
      ? []
      : mapColumnMutations<LogicalSwitchPort>(
          'options',
          existing.options,
          columns.options as Record<string, string>,
        )),
    ...mapColumnMutations<LogicalSwitchPort>(
      'external_ids',
      existing.external_ids,
      mergedMap(existing.external_ids, columns.external_ids as Record<string, string>),
    ),
  ];
  const ops: Operation[] = [];
  if (Object.keys(update).length > 0) ops.push(updateRows(LogicalSwitchPortTable, where, update));
  if (mutations.length > 0) ops.push(mutateRows(LogicalSwitchPortTable, where, mutations));
  return ops;
}

/**
 * Deletes port `name`: it leaves the `ports` of its switch (and the row goes with it, as
 * ovn-nbctl's lsp-del).
 * @throws {@link ObjectNotFoundError} when no port has the name and `ifExists` is not set.
 */
export function deleteSwitchPort<Target extends NbTarget | NbHandle>(
  target: Target,
  name: string,
  options: DeleteSwitchPortOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => txn.add(deleteSwitchPortOps(txn.view, name, options)));
}

function deleteSwitchPortOps(nb: NbReplica, name: string, options: DeleteSwitchPortOptions): Operation[] {
  checkName(name, 'name');
  const port = findNamed(nb, 'Logical_Switch_Port', name);
  if (port === undefined) {
    if (options.ifExists === true) return [];
    throw new ObjectNotFoundError('Logical_Switch_Port', name);
  }
  const ops: Operation[] = nb
    .where('Logical_Switch', (ls) => ls.ports.includes(port._uuid))
    .map((ls) =>
      mutateRows(
        LogicalSwitchTable,
        [whereColumn('_uuid', '==', ls._uuid)],
        [mutateColumn('ports', 'delete', [port._uuid])],
      ),
    );
  // A port in no switch (another tool's leftover) is deleted itself.
  if (ops.length === 0)
    ops.push(deleteRows(LogicalSwitchPortTable, [whereColumn('_uuid', '==', port._uuid)]));
  return ops;
}
