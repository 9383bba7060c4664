/**
 * The overlap rule of DHCP_Options: the ports of one logical switch never reference two
 * different DHCP_Options rows of one address family whose `cidr`s overlap. ovn-northd builds
 * each port's DHCP reply from the row the port references alone, so it would not object; but
 * two option sets for one address range on one segment means a pod's gateway, DNS or lease
 * depends on which row its port happened to be given (a stale row left by an earlier subnet
 * definition, typically), which is never what a Kube-OVN Subnet means.
 */
import { OvndbError } from '../errors.js';
import type { DHCPOptions, LogicalSwitch } from '../generated/nb/rows.js';
import { type Cidr, cidrsOverlap, parseCidr } from './addresses.js';
import type { NbReplica } from './nb-lookup.js';

/** A DHCP_Options row as an {@link OverlappingDhcpOptionsError} names it. */
export interface DhcpOptionsRowRef {
  readonly uuid: string;
  readonly cidr: string;
  readonly externalIds: Readonly<Record<string, string>>;
}

/**
 * Two DHCP_Options rows of one address family with overlapping `cidr`s would be referenced by
 * ports of one logical switch (see docs/ovn/switch-ports-and-dhcp.md). Nothing was written.
 */
export class OverlappingDhcpOptionsError extends OvndbError {
  constructor(
    /** The spec field that would cause it (`dhcpv4Options`, `cidr`). */
    readonly field: string,
    readonly value: unknown,
    /** The switch whose ports would reference both rows. */
    readonly switchName: string,
    /** The row the call writes or references. */
    readonly row: DhcpOptionsRowRef,
    /** The row already referenced on the switch, and by which port. */
    readonly other: DhcpOptionsRowRef & { readonly port: string },
  ) {
    super(
      'OVNDB_DHCP_OPTIONS_OVERLAP',
      `${field} = ${JSON.stringify(value)}: DHCP_Options ${row.uuid} (${row.cidr}) overlaps ` +
        `${other.uuid} (${other.cidr}), referenced by port ${other.port} of switch ${switchName}`,
      { details: { field, value, switch: switchName, row, other } },
    );
  }
}

/** The row as an error names it. */
export function dhcpRowRef(row: Pick<DHCPOptions, '_uuid' | 'cidr' | 'external_ids'>): DhcpOptionsRowRef {
  return { uuid: row._uuid, cidr: row.cidr, externalIds: { ...row.external_ids } };
}

function readCidr(text: string): Cidr | undefined {
  try {
    return parseCidr(text, 'cidr');
  } catch {
    // A row another tool wrote with a cidr OVN would not use: it overlaps nothing.
    return undefined;
  }
}

/**
 * Throws when a port of `ls` other than `exceptPort` references a DHCP_Options row other than
 * `row` whose cidr overlaps `cidr`. Costs one look at each port of the switch; called only
 * when a reference or a cidr changes.
 * @throws {@link OverlappingDhcpOptionsError}
 */
export function checkDhcpOverlap(
  nb: NbReplica,
  ls: LogicalSwitch,
  row: DhcpOptionsRowRef,
  cidr: Cidr,
  at: { readonly field: string; readonly value: unknown; readonly exceptPort?: string },
): void {
  const seen = new Map<string, Cidr | undefined>();
  for (const uuid of ls.ports) {
    if (uuid === at.exceptPort) continue;
    const port = nb.get('Logical_Switch_Port', uuid);
    if (port === undefined) continue;
    for (const ref of [port.dhcpv4_options, port.dhcpv6_options]) {
      if (ref === undefined || ref === row.uuid) continue;
      let otherCidr = seen.get(ref);
      const other = nb.get('DHCP_Options', ref);
      if (other === undefined) continue;
      if (!seen.has(ref)) {
        otherCidr = readCidr(other.cidr);
        seen.set(ref, otherCidr);
      }
      if (otherCidr !== undefined && cidrsOverlap(cidr, otherCidr))
        throw new OverlappingDhcpOptionsError(at.field, at.value, ls.name, row, {
          ...dhcpRowRef(other),
          port: port.name,
        });
    }
  }
}

/**
 * The overlap rule for a row whose cidr changes: every switch with a port referencing row
 * `row.uuid` is checked against the new cidr.
 * @throws {@link OverlappingDhcpOptionsError}
 */
export function checkDhcpOverlapOfRow(
  nb: NbReplica,
  row: DhcpOptionsRowRef,
  cidr: Cidr,
  at: { readonly field: string; readonly value: unknown },
): void {
  const users = new Set(
    nb
      .where('Logical_Switch_Port', (p) => p.dhcpv4_options === row.uuid || p.dhcpv6_options === row.uuid)
      .map((p) => p._uuid as string),
  );
  if (users.size === 0) return;
  for (const ls of nb.where('Logical_Switch', (s) => s.ports.some((p) => users.has(p))))
    checkDhcpOverlap(nb, ls, row, cidr, at);
}
