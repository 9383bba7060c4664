/**
 * Routes between AZs without auto-route, as the Kube-OVN guide does them by hand: find the
 * remote AZ's port on the local transit switch (`ovn-nbctl show`: `port ts-az2, type: remote,
 * addresses: [...]`) and route the remote subnet to its address.
 */
import type { LogicalSwitchPort } from '../generated/nb/rows.js';
import { parseCidr } from '../ovn/addresses.js';
import { type NbHandle, type NbTarget, nbReader, planNb } from '../ovn/nb-lookup.js';
import { InvalidSpecError, ObjectNotFoundError } from '../ovn/ovn-errors.js';
import { type AddStaticRouteOptions, addStaticRoute } from '../ovn/static-routes.js';
import { DEFAULT_VPC } from '../ovn/vpc-spec.js';
import type { Planned } from '../txn/plan.js';
import { requireTransitSwitchInNb } from './connect-transit-switch.js';
import { addressesInUse } from './transit-address.js';

/** Another AZ's router, as ovn-ic shows it on the local transit switch. */
export interface RemoteTransitPort {
  /** `<ts>-<az>`. */
  readonly port: string;
  /** The AZ, read from the port name (`ts-az2` on switch `ts`: `az2`). */
  readonly az: string;
  readonly transitSwitch: string;
  readonly mac: string;
  /** Its addresses on the switch, without prefix lengths. */
  readonly ips: readonly string[];
}

function remotePort(ls: string, port: LogicalSwitchPort): RemoteTransitPort {
  const address = port.addresses[0] ?? '';
  const prefix = `${ls}-`;
  return {
    port: port.name,
    az: port.name.startsWith(prefix) ? port.name.slice(prefix.length) : port.name,
    transitSwitch: ls,
    mac: address.split(/\s+/)[0] ?? '',
    ips: [...addressesInUse([address])],
  };
}

/**
 * The other AZs' ports on transit switch `transitSwitch` (type `remote`, made by ovn-ic),
 * by port name; read from a replica or a transaction's view.
 * @throws {@link ObjectNotFoundError} when this AZ has no NB switch for it yet.
 */
export function remoteTransitPorts(target: NbTarget, transitSwitch: string): RemoteTransitPort[] {
  const nb = nbReader(target);
  const ls = requireTransitSwitchInNb(nb, transitSwitch);
  return ls.ports
    .map((uuid) => nb.get('Logical_Switch_Port', uuid))
    .filter((port): port is LogicalSwitchPort => port !== undefined && port.type === 'remote')
    .map((port) => remotePort(transitSwitch, port))
    .sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
}

/** A route to another AZ's subnet through the transit switch. */
export interface ManualIcRouteSpec {
  /** The remote subnet, e.g. `10.17.0.0/24`. */
  readonly cidr: string;
  /** The AZ that has it. */
  readonly remoteAz: string;
  /** @default 'ts' */
  readonly transitSwitch?: string;
  /** @default 'ovn-cluster' */
  readonly router?: string;
  /** @default '' (the main table) */
  readonly routeTable?: string;
}

/**
 * The operations adding the guide's manual route: `cidr` via the address `remoteAz`'s router
 * has on the transit switch (of the cidr's family), a dst-ip static route with Kube-OVN's
 * vendor. Learned routes are never touched; `mayExist` re-points an existing route. Runs on a
 * replica (the operations are returned) or a transaction (they join it).
 * @throws {@link ObjectNotFoundError} (switch, or no port of `remoteAz` on it),
 *   {@link InvalidSpecError} (`cidr`, or a remote port without an address of that family).
 */
export function addManualIcRoute<Target extends NbTarget | NbHandle>(
  target: Target,
  spec: ManualIcRouteSpec,
  options: AddStaticRouteOptions = {},
): Planned<Target> {
  return planNb(target, (txn) => {
    const cidr = parseCidr(spec.cidr, 'cidr');
    const ts = spec.transitSwitch ?? 'ts';
    const remote = remoteTransitPorts(txn, ts).find((port) => port.az === spec.remoteAz);
    if (remote === undefined) throw new ObjectNotFoundError('Logical_Switch_Port', `${ts}-${spec.remoteAz}`);
    const nextHop = remote.ips.find((ip) => ip.includes(':') === (cidr.family === 6));
    if (nextHop === undefined) {
      throw new InvalidSpecError(
        'remoteAz',
        spec.remoteAz,
        `port ${remote.port} has no IPv${cidr.family} address`,
      );
    }
    addStaticRoute(
      txn,
      {
        router: spec.router ?? DEFAULT_VPC,
        cidr: spec.cidr,
        nextHops: nextHop,
        policy: 'dst-ip',
        ...(spec.routeTable !== undefined ? { routeTable: spec.routeTable } : {}),
      },
      options,
    );
  });
}
