/**
 * What `ovn-ic-sbctl show` prints, as typed objects read from an IC-SB replica: availability
 * zones, their gateways (hostname, encapsulations) and the transit switch ports bound to each
 * gateway. `renderIcStatus` writes it back in ovn-ic-sbctl's own format.
 */
import type { PortBinding } from '../generated/ic-sb/rows.js';
import { type IcSbTarget, icSbReader } from './ic-targets.js';

/** A port of a transit switch, as ovn-ic publishes it for its AZ. */
export interface IcPort {
  /** The transit switch's port of the AZ's router: `<ts>-<az>`. */
  readonly logicalPort: string;
  readonly transitSwitch: string;
  /** `"<mac> <ip>/<len>..."`: the router port's MAC and networks. */
  readonly address: string;
  readonly tunnelKey: number;
  /** The gateway (chassis name) the port is bound to; `''` before a chassis claims `cr-<lrp>`. */
  readonly gateway: string;
}

/** An interconnection gateway: an AZ chassis with `other_config:is-interconn=true`. */
export interface IcGateway {
  /** The chassis name. */
  readonly name: string;
  readonly hostname: string;
  readonly encaps: readonly { readonly type: string; readonly ip: string }[];
  /** Ports bound to this gateway, by logical port name. */
  readonly ports: readonly IcPort[];
}

/** One availability zone. */
export interface IcZone {
  readonly name: string;
  /** Gateways by name. */
  readonly gateways: readonly IcGateway[];
  /**
   * Ports of the zone bound to no gateway of the zone (none is claimed yet): ovn-ic-sbctl
   * show leaves them out; they are here so that nothing is hidden.
   */
  readonly unboundPorts: readonly IcPort[];
}

/** Everything `ovn-ic-sbctl show` shows, zones by name. */
export interface IcStatus {
  readonly zones: readonly IcZone[];
}

// ovn-ic-sbctl sorts with strcmp: by UTF-8 bytes, which for these names is code unit order.
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function port(pb: PortBinding): IcPort {
  return {
    logicalPort: pb.logical_port,
    transitSwitch: pb.transit_switch,
    address: pb.address,
    tunnelKey: pb.tunnel_key,
    gateway: pb.gateway,
  };
}

/**
 * Reads the status from an IC-SB replica, or a transaction's view (tables Availability_Zone,
 * Gateway, Encap, Port_Binding).
 */
export function icStatus(target: IcSbTarget): IcStatus {
  const icSb = icSbReader(target);
  const zones = icSb.list('Availability_Zone').sort((a, b) => byBytes(a.name, b.name));
  return {
    zones: zones.map((zone) => {
      const ports = icSb.where('Port_Binding', (pb) => pb.availability_zone === zone._uuid);
      const gateways = icSb
        .where('Gateway', (gw) => gw.availability_zone === zone._uuid)
        .sort((a, b) => byBytes(a.name, b.name));
      const gatewayNames = new Set(gateways.map((gw) => gw.name));
      return {
        name: zone.name,
        gateways: gateways.map((gw) => ({
          name: gw.name,
          hostname: gw.hostname,
          // Set members come sorted by UUID, the order ovn-ic-sbctl prints them in.
          encaps: [...gw.encaps]
            .sort(byBytes)
            .map((uuid) => icSb.get('Encap', uuid))
            .filter((encap) => encap !== undefined)
            .map((encap) => ({ type: encap.type, ip: encap.ip })),
          ports: ports
            .filter((pb) => pb.gateway === gw.name)
            .sort((a, b) => byBytes(a.logical_port, b.logical_port))
            .map(port),
        })),
        unboundPorts: ports
          .filter((pb) => !gatewayNames.has(pb.gateway))
          .sort((a, b) => byBytes(a.logical_port, b.logical_port))
          .map(port),
      };
    }),
  };
}

/** Writes the status as `ovn-ic-sbctl show` prints it (unbound ports are not part of that output). */
export function renderIcStatus(status: IcStatus): string {
  const lines: string[] = [];
  for (const zone of status.zones) {
    lines.push(`availability-zone ${zone.name}`);
    for (const gw of zone.gateways) {
      lines.push(`    gateway ${gw.name}`);
      if (gw.hostname !== '') lines.push(`        hostname: ${gw.hostname}`);
      for (const encap of gw.encaps) lines.push(`        type: ${encap.type}`, `            ip: ${encap.ip}`);
      for (const p of gw.ports) {
        lines.push(`        port ${p.logicalPort}`, `            transit switch: ${p.transitSwitch}`);
        lines.push(`            address: ["${p.address}"]`);
      }
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
