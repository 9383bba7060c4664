// Generated from schemas/ovn-ic-sb.ovsschema (OVN_IC_Southbound 1.1.1) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import type { schemaIndexes, Uuid } from '../../model/index.js';

/** A row of table `Availability_Zone`. */
export interface AvailabilityZone {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Availability_Zone'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly name: string;
}

/** A row of table `Connection`. */
export interface Connection {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Connection'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly inactivity_probe?: number;
  readonly is_connected: boolean;
  readonly max_backoff?: number;
  readonly other_config: Readonly<Record<string, string>>;
  readonly status: Readonly<Record<string, string>>;
  readonly target: string;
}

/** A row of table `Datapath_Binding`. */
export interface DatapathBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Datapath_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly transit_switch: string;
  readonly tunnel_key: number;
}

/** Allowed values of column `type` of table `Encap`. */
export type EncapType = 'geneve' | 'stt' | 'vxlan';

/** A row of table `Encap`. */
export interface Encap {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Encap'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly gateway_name: string;
  readonly ip: string;
  readonly options: Readonly<Record<string, string>>;
  readonly type: EncapType;
}

/** A row of table `Gateway`. */
export interface Gateway {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Gateway'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly availability_zone: Uuid<'Availability_Zone'>;
  readonly encaps: readonly Uuid<'Encap'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly hostname: string;
  readonly name: string;
}

/** A row of table `IC_SB_Global`. */
export interface ICSBGlobal {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'IC_SB_Global'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly connections: readonly Uuid<'Connection'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly ssl?: Uuid<'SSL'>;
}

/** A row of table `Port_Binding`. */
export interface PortBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Port_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly address: string;
  readonly availability_zone: Uuid<'Availability_Zone'>;
  readonly encap?: Uuid<'Encap'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly gateway: string;
  readonly logical_port: string;
  readonly transit_switch: string;
  readonly tunnel_key: number;
}

/** Allowed values of column `origin` of table `Route`. */
export type RouteOrigin = 'connected' | 'static';

/** A row of table `Route`. */
export interface Route {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Route'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly availability_zone: Uuid<'Availability_Zone'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ip_prefix: string;
  readonly nexthop: string;
  readonly origin: RouteOrigin;
  readonly route_table: string;
  readonly transit_switch: string;
}

/** A row of table `SSL`. */
export interface SSL {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'SSL'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly bootstrap_ca_cert: boolean;
  readonly ca_cert: string;
  readonly certificate: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly private_key: string;
  readonly ssl_ciphers: string;
  readonly ssl_protocols: string;
}

/** The row type of every table of OVN_IC_Southbound, by table name. */
export interface Tables {
  readonly Availability_Zone: AvailabilityZone;
  readonly Connection: Connection;
  readonly Datapath_Binding: DatapathBinding;
  readonly Encap: Encap;
  readonly Gateway: Gateway;
  readonly IC_SB_Global: ICSBGlobal;
  readonly Port_Binding: PortBinding;
  readonly Route: Route;
  readonly SSL: SSL;
  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */
  readonly [schemaIndexes]?: TableIndexes;
}

/**
 * The indexes the OVN_IC_Southbound schema declares, by table: each named by its columns joined
 * with `+` (the name a replica looks it up by), listing those columns in order.
 */
export interface TableIndexes {
  readonly Availability_Zone: {
    readonly name: readonly ['name'];
  };
  readonly Connection: {
    readonly target: readonly ['target'];
  };
  readonly Datapath_Binding: {
    readonly tunnel_key: readonly ['tunnel_key'];
  };
  readonly Encap: {
    readonly 'type+ip': readonly ['type', 'ip'];
  };
  readonly Gateway: {
    readonly name: readonly ['name'];
  };
  readonly Port_Binding: {
    readonly logical_port: readonly ['logical_port'];
    readonly 'transit_switch+tunnel_key': readonly ['transit_switch', 'tunnel_key'];
  };
  readonly Route: {
    readonly 'transit_switch+availability_zone+route_table+ip_prefix+nexthop': readonly [
      'transit_switch',
      'availability_zone',
      'route_table',
      'ip_prefix',
      'nexthop',
    ];
  };
}

/** The name of a table of OVN_IC_Southbound. */
export type TableName = keyof Tables & string;
