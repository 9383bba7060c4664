/**
 * Southbound reads a controller needs, from a replica of OVN_Southbound: which chassis a host
 * runs, and where a distributed gateway port (`cr-<lrp>`) is bound now.
 */
import type { Chassis, Tables as SbTables } from '../generated/sb/rows.js';
import { type PlanTarget, type ReplicaReader, readerOf } from '../txn/plan.js';
import { DuplicateNameError } from './ovn-errors.js';

/** What the Southbound reads take: a replica of OVN_Southbound (the generated `ovndb/sb` model), or a view of one. */
export type SbReplica = ReplicaReader<SbTables>;

/** A Southbound replica, or a transaction in progress on OVN_Southbound (its view is read). */
export type SbTarget = PlanTarget<SbTables>;

/**
 * The chassis whose `hostname` is `hostname`, or undefined.
 * @throws {@link DuplicateNameError} when several chassis report that hostname.
 */
export function chassisByHostname(target: SbTarget, hostname: string): Chassis | undefined {
  const rows = readerOf(target).where('Chassis', (row) => row.hostname === hostname);
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
export function gatewayChassisOf(target: SbTarget, routerPort: string): Chassis | undefined {
  const sb = readerOf(target);
  const binding = sb.findOne('Port_Binding', 'logical_port', `cr-${routerPort}`);
  if (binding?.chassis === undefined) return undefined;
  return sb.get('Chassis', binding.chassis);
}
