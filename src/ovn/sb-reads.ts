/**
 * Southbound reads a controller needs, from a replica of OVN_Southbound: which chassis a host
 * runs, and where a distributed gateway port (`cr-<lrp>`) is bound now.
 */
import type { Replica } from '../cache/replica.js';
import type { Chassis, Tables as SbTables } from '../generated/sb/rows.js';
import { DuplicateNameError } from './ovn-errors.js';

/** A replica of the OVN Southbound database (the generated `ovndb/sb` model). */
export type SbReplica = Replica<SbTables>;

/**
 * The chassis whose `hostname` is `hostname`, or undefined.
 * @throws {@link DuplicateNameError} when several chassis report that hostname.
 */
export function chassisByHostname(sb: SbReplica, hostname: string): Chassis | undefined {
  const rows = sb.where('Chassis', (row) => row.hostname === hostname);
  if (rows.length > 1)
    throw new DuplicateNameError(
      'Chassis',
      hostname,
      rows.map((row) => row._uuid),
    );
  return rows[0];
}

/**
 * The chassis the distributed gateway port of router port `routerPort` is bound to (its
 * chassis-redirect port `cr-<routerPort>`), or undefined while unbound or unknown.
 */
export function gatewayChassisOf(sb: SbReplica, routerPort: string): Chassis | undefined {
  const binding = sb.findOne('Port_Binding', 'logical_port', `cr-${routerPort}`);
  if (binding?.chassis === undefined) return undefined;
  return sb.get('Chassis', binding.chassis);
}
