// Generated from schemas/ovn-sb.ovsschema (OVN_Southbound 20.27.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import type { schemaIndexes, Uuid } from '../../model/index.js';

/** A row of table `Address_Set`. */
export interface AddressSet {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Address_Set'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly addresses: readonly string[];
  readonly name: string;
}

/** Allowed values of column `status` of table `BFD`. */
export type BFDStatus = 'admin_down' | 'down' | 'init' | 'up';

/** A row of table `BFD`. */
export interface BFD {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'BFD'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly detect_mult: number;
  readonly disc: number;
  readonly dst_ip: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly logical_port: string;
  readonly min_rx: number;
  readonly min_tx: number;
  readonly options: Readonly<Record<string, string>>;
  readonly src_port: number;
  readonly status: BFDStatus;
}

/** A row of table `Chassis`. */
export interface Chassis {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Chassis'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly encaps: readonly Uuid<'Encap'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly hostname: string;
  readonly name: string;
  readonly nb_cfg: number;
  readonly other_config: Readonly<Record<string, string>>;
  readonly transport_zones: readonly string[];
  readonly vtep_logical_switches: readonly string[];
}

/** A row of table `Chassis_Private`. */
export interface ChassisPrivate {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Chassis_Private'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis?: Uuid<'Chassis'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly name: string;
  readonly nb_cfg: number;
  readonly nb_cfg_timestamp: number;
}

/** A row of table `Chassis_Template_Var`. */
export interface ChassisTemplateVar {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Chassis_Template_Var'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis: string;
  readonly variables: Readonly<Record<string, string>>;
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
  readonly read_only: boolean;
  readonly role: string;
  readonly status: Readonly<Record<string, string>>;
  readonly target: string;
}

/** Allowed values of column `event_type` of table `Controller_Event`. */
export type ControllerEventEventType = 'empty_lb_backends';

/** A row of table `Controller_Event`. */
export interface ControllerEvent {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Controller_Event'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis?: Uuid<'Chassis'>;
  readonly event_info: Readonly<Record<string, string>>;
  readonly event_type: ControllerEventEventType;
  readonly seq_num: number;
}

/** Allowed values of column `type` of table `DHCP_Options`. */
export type DHCPOptionsType =
  | 'bool'
  | 'domains'
  | 'host_id'
  | 'ipv4'
  | 'static_routes'
  | 'str'
  | 'uint16'
  | 'uint32'
  | 'uint8';

/** A row of table `DHCP_Options`. */
export interface DHCPOptions {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'DHCP_Options'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly code: number;
  readonly name: string;
  readonly type: DHCPOptionsType;
}

/** Allowed values of column `type` of table `DHCPv6_Options`. */
export type DHCPv6OptionsType = 'ipv6' | 'mac' | 'str';

/** A row of table `DHCPv6_Options`. */
export interface DHCPv6Options {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'DHCPv6_Options'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly code: number;
  readonly name: string;
  readonly type: DHCPv6OptionsType;
}

/** A row of table `DNS`. */
export interface DNS {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'DNS'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapaths: readonly Uuid<'Datapath_Binding'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly records: Readonly<Record<string, string>>;
}

/** A row of table `Datapath_Binding`. */
export interface DatapathBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Datapath_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly load_balancers: readonly Uuid[];
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
  readonly chassis_name: string;
  readonly ip: string;
  readonly options: Readonly<Record<string, string>>;
  readonly type: EncapType;
}

/** A row of table `FDB`. */
export interface FDB {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'FDB'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly dp_key: number;
  readonly mac: string;
  readonly port_key: number;
}

/** A row of table `Gateway_Chassis`. */
export interface GatewayChassis {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Gateway_Chassis'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis?: Uuid<'Chassis'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
  readonly priority: number;
}

/** A row of table `HA_Chassis`. */
export interface HAChassis {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'HA_Chassis'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis?: Uuid<'Chassis'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly priority: number;
}

/** A row of table `HA_Chassis_Group`. */
export interface HAChassisGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'HA_Chassis_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ha_chassis: readonly Uuid<'HA_Chassis'>[];
  readonly name: string;
  readonly ref_chassis: readonly Uuid<'Chassis'>[];
}

/** A row of table `IGMP_Group`. */
export interface IGMPGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'IGMP_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly address: string;
  readonly chassis?: Uuid<'Chassis'>;
  readonly datapath?: Uuid<'Datapath_Binding'>;
  readonly ports: readonly Uuid<'Port_Binding'>[];
}

/** A row of table `IP_Multicast`. */
export interface IPMulticast {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'IP_Multicast'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapath: Uuid<'Datapath_Binding'>;
  readonly enabled?: boolean;
  readonly eth_src: string;
  readonly idle_timeout?: number;
  readonly ip4_src: string;
  readonly ip6_src: string;
  readonly querier?: boolean;
  readonly query_interval?: number;
  readonly query_max_resp?: number;
  readonly seq_no: number;
  readonly table_size?: number;
}

/** Allowed values of column `protocol` of table `Load_Balancer`. */
export type LoadBalancerProtocol = 'sctp' | 'tcp' | 'udp';

/** A row of table `Load_Balancer`. */
export interface LoadBalancer {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Load_Balancer'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapath_group?: Uuid<'Logical_DP_Group'>;
  readonly datapaths: readonly Uuid<'Datapath_Binding'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
  readonly protocol?: LoadBalancerProtocol;
  readonly vips: Readonly<Record<string, string>>;
}

/** A row of table `Logical_DP_Group`. */
export interface LogicalDPGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_DP_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapaths: readonly Uuid<'Datapath_Binding'>[];
}

/** Allowed values of column `pipeline` of table `Logical_Flow`. */
export type LogicalFlowPipeline = 'egress' | 'ingress';

/** A row of table `Logical_Flow`. */
export interface LogicalFlow {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Flow'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly actions: string;
  readonly controller_meter?: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly logical_datapath?: Uuid<'Datapath_Binding'>;
  readonly logical_dp_group?: Uuid<'Logical_DP_Group'>;
  readonly match: string;
  readonly pipeline: LogicalFlowPipeline;
  readonly priority: number;
  readonly table_id: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** A row of table `MAC_Binding`. */
export interface MACBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'MAC_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapath: Uuid<'Datapath_Binding'>;
  readonly ip: string;
  readonly logical_port: string;
  readonly mac: string;
  readonly timestamp: number;
}

/** Allowed values of column `unit` of table `Meter`. */
export type MeterUnit = 'kbps' | 'pktps';

/** A row of table `Meter`. */
export interface Meter {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Meter'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly bands: readonly Uuid<'Meter_Band'>[];
  readonly name: string;
  readonly unit: MeterUnit;
}

/** Allowed values of column `action` of table `Meter_Band`. */
export type MeterBandAction = 'drop';

/** A row of table `Meter_Band`. */
export interface MeterBand {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Meter_Band'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly action: MeterBandAction;
  readonly burst_size: number;
  readonly rate: number;
}

/** Allowed values of column `filter` of table `Mirror`. */
export type MirrorFilter = 'from-lport' | 'to-lport';

/** Allowed values of column `type` of table `Mirror`. */
export type MirrorType = 'erspan' | 'gre';

/** A row of table `Mirror`. */
export interface Mirror {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Mirror'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly filter: MirrorFilter;
  readonly index: number;
  readonly name: string;
  readonly sink: string;
  readonly type: MirrorType;
}

/** A row of table `Multicast_Group`. */
export interface MulticastGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Multicast_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapath: Uuid<'Datapath_Binding'>;
  readonly name: string;
  readonly ports: readonly Uuid<'Port_Binding'>[];
  readonly tunnel_key: number;
}

/** A row of table `Port_Binding`. */
export interface PortBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Port_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly additional_chassis: readonly Uuid<'Chassis'>[];
  readonly additional_encap: readonly Uuid<'Encap'>[];
  readonly chassis?: Uuid<'Chassis'>;
  readonly datapath: Uuid<'Datapath_Binding'>;
  readonly encap?: Uuid<'Encap'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly gateway_chassis: readonly Uuid<'Gateway_Chassis'>[];
  readonly ha_chassis_group?: Uuid<'HA_Chassis_Group'>;
  readonly logical_port: string;
  readonly mac: readonly string[];
  readonly mirror_rules: readonly Uuid<'Mirror'>[];
  readonly nat_addresses: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly parent_port?: string;
  readonly port_security: readonly string[];
  readonly requested_additional_chassis: readonly Uuid<'Chassis'>[];
  readonly requested_chassis?: Uuid<'Chassis'>;
  readonly tag?: number;
  readonly tunnel_key: number;
  readonly type: string;
  readonly up?: boolean;
  readonly virtual_parent?: string;
}

/** A row of table `Port_Group`. */
export interface PortGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Port_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly name: string;
  readonly ports: readonly string[];
}

/** A row of table `RBAC_Permission`. */
export interface RBACPermission {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'RBAC_Permission'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly authorization: readonly string[];
  readonly insert_delete: boolean;
  readonly table: string;
  readonly update: readonly string[];
}

/** A row of table `RBAC_Role`. */
export interface RBACRole {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'RBAC_Role'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly name: string;
  readonly permissions: Readonly<Record<string, Uuid<'RBAC_Permission'>>>;
}

/** A row of table `SB_Global`. */
export interface SBGlobal {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'SB_Global'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly connections: readonly Uuid<'Connection'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ipsec: boolean;
  readonly nb_cfg: number;
  readonly options: Readonly<Record<string, string>>;
  readonly ssl?: Uuid<'SSL'>;
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

/** Allowed values of column `protocol` of table `Service_Monitor`. */
export type ServiceMonitorProtocol = 'tcp' | 'udp';

/** Allowed values of column `status` of table `Service_Monitor`. */
export type ServiceMonitorStatus = 'error' | 'offline' | 'online';

/** A row of table `Service_Monitor`. */
export interface ServiceMonitor {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Service_Monitor'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly logical_port: string;
  readonly options: Readonly<Record<string, string>>;
  readonly port: number;
  readonly protocol?: ServiceMonitorProtocol;
  readonly src_ip: string;
  readonly src_mac: string;
  readonly status?: ServiceMonitorStatus;
}

/** A row of table `Static_MAC_Binding`. */
export interface StaticMACBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Static_MAC_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly datapath: Uuid<'Datapath_Binding'>;
  readonly ip: string;
  readonly logical_port: string;
  readonly mac: string;
  readonly override_dynamic_mac: boolean;
}

/** The row type of every table of OVN_Southbound, by table name. */
export interface Tables {
  readonly Address_Set: AddressSet;
  readonly BFD: BFD;
  readonly Chassis: Chassis;
  readonly Chassis_Private: ChassisPrivate;
  readonly Chassis_Template_Var: ChassisTemplateVar;
  readonly Connection: Connection;
  readonly Controller_Event: ControllerEvent;
  readonly DHCP_Options: DHCPOptions;
  readonly DHCPv6_Options: DHCPv6Options;
  readonly DNS: DNS;
  readonly Datapath_Binding: DatapathBinding;
  readonly Encap: Encap;
  readonly FDB: FDB;
  readonly Gateway_Chassis: GatewayChassis;
  readonly HA_Chassis: HAChassis;
  readonly HA_Chassis_Group: HAChassisGroup;
  readonly IGMP_Group: IGMPGroup;
  readonly IP_Multicast: IPMulticast;
  readonly Load_Balancer: LoadBalancer;
  readonly Logical_DP_Group: LogicalDPGroup;
  readonly Logical_Flow: LogicalFlow;
  readonly MAC_Binding: MACBinding;
  readonly Meter: Meter;
  readonly Meter_Band: MeterBand;
  readonly Mirror: Mirror;
  readonly Multicast_Group: MulticastGroup;
  readonly Port_Binding: PortBinding;
  readonly Port_Group: PortGroup;
  readonly RBAC_Permission: RBACPermission;
  readonly RBAC_Role: RBACRole;
  readonly SB_Global: SBGlobal;
  readonly SSL: SSL;
  readonly Service_Monitor: ServiceMonitor;
  readonly Static_MAC_Binding: StaticMACBinding;
  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */
  readonly [schemaIndexes]?: TableIndexes;
}

/**
 * The indexes the OVN_Southbound schema declares, by table: each named by its columns joined
 * with `+` (the name a replica looks it up by), listing those columns in order.
 */
export interface TableIndexes {
  readonly Address_Set: {
    readonly name: readonly ['name'];
  };
  readonly BFD: {
    readonly 'logical_port+dst_ip+src_port+disc': readonly ['logical_port', 'dst_ip', 'src_port', 'disc'];
  };
  readonly Chassis: {
    readonly name: readonly ['name'];
  };
  readonly Chassis_Private: {
    readonly name: readonly ['name'];
  };
  readonly Chassis_Template_Var: {
    readonly chassis: readonly ['chassis'];
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
  readonly FDB: {
    readonly 'mac+dp_key': readonly ['mac', 'dp_key'];
  };
  readonly Gateway_Chassis: {
    readonly name: readonly ['name'];
  };
  readonly HA_Chassis_Group: {
    readonly name: readonly ['name'];
  };
  readonly IGMP_Group: {
    readonly 'address+datapath+chassis': readonly ['address', 'datapath', 'chassis'];
  };
  readonly IP_Multicast: {
    readonly datapath: readonly ['datapath'];
  };
  readonly MAC_Binding: {
    readonly 'logical_port+ip': readonly ['logical_port', 'ip'];
  };
  readonly Meter: {
    readonly name: readonly ['name'];
  };
  readonly Mirror: {
    readonly name: readonly ['name'];
  };
  readonly Multicast_Group: {
    readonly 'datapath+name': readonly ['datapath', 'name'];
    readonly 'datapath+tunnel_key': readonly ['datapath', 'tunnel_key'];
  };
  readonly Port_Binding: {
    readonly 'datapath+tunnel_key': readonly ['datapath', 'tunnel_key'];
    readonly logical_port: readonly ['logical_port'];
  };
  readonly Port_Group: {
    readonly name: readonly ['name'];
  };
  readonly Service_Monitor: {
    readonly 'logical_port+ip+port+protocol': readonly ['logical_port', 'ip', 'port', 'protocol'];
  };
  readonly Static_MAC_Binding: {
    readonly 'logical_port+ip': readonly ['logical_port', 'ip'];
  };
}

/** The name of a table of OVN_Southbound. */
export type TableName = keyof Tables & string;
