// Generated from schemas/ovn-nb.ovsschema (OVN_Northbound 7.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import type { schemaIndexes, Uuid } from '../../model/index.js';

/** Allowed values of column `action` of table `ACL`. */
export type ACLAction = 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject';

/** Allowed values of column `direction` of table `ACL`. */
export type ACLDirection = 'from-lport' | 'to-lport';

/** Allowed values of column `severity` of table `ACL`. */
export type ACLSeverity = 'alert' | 'debug' | 'info' | 'notice' | 'warning';

/** A row of table `ACL`. */
export interface ACL {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'ACL'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly action: ACLAction;
  readonly direction: ACLDirection;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly label: number;
  readonly log: boolean;
  readonly match: string;
  readonly meter?: string;
  readonly name?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly severity?: ACLSeverity;
}

/** A row of table `Address_Set`. */
export interface AddressSet {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Address_Set'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly addresses: readonly string[];
  readonly external_ids: Readonly<Record<string, string>>;
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
  readonly detect_mult?: number;
  readonly dst_ip: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly logical_port: string;
  readonly min_rx?: number;
  readonly min_tx?: number;
  readonly options: Readonly<Record<string, string>>;
  readonly status?: BFDStatus;
}

/** A row of table `Chassis_Template_Var`. */
export interface ChassisTemplateVar {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Chassis_Template_Var'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis: string;
  readonly external_ids: Readonly<Record<string, string>>;
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
  readonly status: Readonly<Record<string, string>>;
  readonly target: string;
}

/** A row of table `Copp`. */
export interface Copp {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Copp'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly meters: Readonly<Record<string, string>>;
  readonly name: string;
}

/** A row of table `DHCP_Options`. */
export interface DHCPOptions {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'DHCP_Options'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly cidr: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
}

/** A row of table `DNS`. */
export interface DNS {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'DNS'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly records: Readonly<Record<string, string>>;
}

/** A row of table `Forwarding_Group`. */
export interface ForwardingGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Forwarding_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly child_port: readonly string[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly liveness: boolean;
  readonly name: string;
  readonly vip: string;
  readonly vmac: string;
}

/** A row of table `Gateway_Chassis`. */
export interface GatewayChassis {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Gateway_Chassis'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly chassis_name: string;
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
  readonly chassis_name: string;
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
}

/** Allowed values of column `protocol` of table `Load_Balancer`. */
export type LoadBalancerProtocol = 'sctp' | 'tcp' | 'udp';

/** Allowed values of column `selection_fields` of table `Load_Balancer`. */
export type LoadBalancerSelectionFields = 'eth_dst' | 'eth_src' | 'ip_dst' | 'ip_src' | 'tp_dst' | 'tp_src';

/** A row of table `Load_Balancer`. */
export interface LoadBalancer {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Load_Balancer'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly health_check: readonly Uuid<'Load_Balancer_Health_Check'>[];
  readonly ip_port_mappings: Readonly<Record<string, string>>;
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
  readonly protocol?: LoadBalancerProtocol;
  readonly selection_fields: readonly LoadBalancerSelectionFields[];
  readonly vips: Readonly<Record<string, string>>;
}

/** A row of table `Load_Balancer_Group`. */
export interface LoadBalancerGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Load_Balancer_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly load_balancer: readonly Uuid<'Load_Balancer'>[];
  readonly name: string;
}

/** A row of table `Load_Balancer_Health_Check`. */
export interface LoadBalancerHealthCheck {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Load_Balancer_Health_Check'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly vip: string;
}

/** A row of table `Logical_Router`. */
export interface LogicalRouter {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Router'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly copp?: Uuid<'Copp'>;
  readonly enabled?: boolean;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly load_balancer: readonly Uuid<'Load_Balancer'>[];
  readonly load_balancer_group: readonly Uuid<'Load_Balancer_Group'>[];
  readonly name: string;
  readonly nat: readonly Uuid<'NAT'>[];
  readonly options: Readonly<Record<string, string>>;
  readonly policies: readonly Uuid<'Logical_Router_Policy'>[];
  readonly ports: readonly Uuid<'Logical_Router_Port'>[];
  readonly static_routes: readonly Uuid<'Logical_Router_Static_Route'>[];
}

/** Allowed values of column `action` of table `Logical_Router_Policy`. */
export type LogicalRouterPolicyAction = 'allow' | 'drop' | 'reroute';

/** A row of table `Logical_Router_Policy`. */
export interface LogicalRouterPolicy {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Router_Policy'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly action: LogicalRouterPolicyAction;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly match: string;
  readonly nexthop?: string;
  readonly nexthops: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly priority: number;
}

/** A row of table `Logical_Router_Port`. */
export interface LogicalRouterPort {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Router_Port'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly enabled?: boolean;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly gateway_chassis: readonly Uuid<'Gateway_Chassis'>[];
  readonly ha_chassis_group?: Uuid<'HA_Chassis_Group'>;
  readonly ipv6_prefix: readonly string[];
  readonly ipv6_ra_configs: Readonly<Record<string, string>>;
  readonly mac: string;
  readonly name: string;
  readonly networks: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly peer?: string;
}

/** Allowed values of column `policy` of table `Logical_Router_Static_Route`. */
export type LogicalRouterStaticRoutePolicy = 'dst-ip' | 'src-ip';

/** A row of table `Logical_Router_Static_Route`. */
export interface LogicalRouterStaticRoute {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Router_Static_Route'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly bfd?: Uuid<'BFD'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ip_prefix: string;
  readonly nexthop: string;
  readonly options: Readonly<Record<string, string>>;
  readonly output_port?: string;
  readonly policy?: LogicalRouterStaticRoutePolicy;
  readonly route_table: string;
}

/** A row of table `Logical_Switch`. */
export interface LogicalSwitch {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Switch'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly acls: readonly Uuid<'ACL'>[];
  readonly copp?: Uuid<'Copp'>;
  readonly dns_records: readonly Uuid<'DNS'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly forwarding_groups: readonly Uuid<'Forwarding_Group'>[];
  readonly load_balancer: readonly Uuid<'Load_Balancer'>[];
  readonly load_balancer_group: readonly Uuid<'Load_Balancer_Group'>[];
  readonly name: string;
  readonly other_config: Readonly<Record<string, string>>;
  readonly ports: readonly Uuid<'Logical_Switch_Port'>[];
  readonly qos_rules: readonly Uuid<'QoS'>[];
}

/** A row of table `Logical_Switch_Port`. */
export interface LogicalSwitchPort {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Logical_Switch_Port'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly addresses: readonly string[];
  readonly dhcpv4_options?: Uuid<'DHCP_Options'>;
  readonly dhcpv6_options?: Uuid<'DHCP_Options'>;
  readonly dynamic_addresses?: string;
  readonly enabled?: boolean;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly ha_chassis_group?: Uuid<'HA_Chassis_Group'>;
  readonly mirror_rules: readonly Uuid<'Mirror'>[];
  readonly name: string;
  readonly options: Readonly<Record<string, string>>;
  readonly parent_name?: string;
  readonly port_security: readonly string[];
  readonly tag?: number;
  readonly tag_request?: number;
  readonly type: string;
  readonly up?: boolean;
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
  readonly external_ids: Readonly<Record<string, string>>;
  readonly fair?: boolean;
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
  readonly external_ids: Readonly<Record<string, string>>;
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

/** Allowed values of column `type` of table `NAT`. */
export type NATType = 'dnat' | 'dnat_and_snat' | 'snat';

/** A row of table `NAT`. */
export interface NAT {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'NAT'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly allowed_ext_ips?: Uuid<'Address_Set'>;
  readonly exempted_ext_ips?: Uuid<'Address_Set'>;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly external_ip: string;
  readonly external_mac?: string;
  readonly external_port_range: string;
  readonly gateway_port?: Uuid<'Logical_Router_Port'>;
  readonly logical_ip: string;
  readonly logical_port?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly type: NATType;
}

/** A row of table `NB_Global`. */
export interface NBGlobal {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'NB_Global'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly connections: readonly Uuid<'Connection'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly hv_cfg: number;
  readonly hv_cfg_timestamp: number;
  readonly ipsec: boolean;
  readonly name: string;
  readonly nb_cfg: number;
  readonly nb_cfg_timestamp: number;
  readonly options: Readonly<Record<string, string>>;
  readonly sb_cfg: number;
  readonly sb_cfg_timestamp: number;
  readonly ssl?: Uuid<'SSL'>;
}

/** A row of table `Port_Group`. */
export interface PortGroup {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Port_Group'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly acls: readonly Uuid<'ACL'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly name: string;
  readonly ports: readonly Uuid<'Logical_Switch_Port'>[];
}

/** Allowed keys of column `action` of table `QoS`. */
export type QoSActionKey = 'dscp';

/** Allowed keys of column `bandwidth` of table `QoS`. */
export type QoSBandwidthKey = 'burst' | 'rate';

/** Allowed values of column `direction` of table `QoS`. */
export type QoSDirection = 'from-lport' | 'to-lport';

/** A row of table `QoS`. */
export interface QoS {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'QoS'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly action: Readonly<Partial<Record<QoSActionKey, number>>>;
  readonly bandwidth: Readonly<Partial<Record<QoSBandwidthKey, number>>>;
  readonly direction: QoSDirection;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly match: string;
  readonly priority: number;
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

/** A row of table `Static_MAC_Binding`. */
export interface StaticMACBinding {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Static_MAC_Binding'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly ip: string;
  readonly logical_port: string;
  readonly mac: string;
  readonly override_dynamic_mac: boolean;
}

/** The row type of every table of OVN_Northbound, by table name. */
export interface Tables {
  readonly ACL: ACL;
  readonly Address_Set: AddressSet;
  readonly BFD: BFD;
  readonly Chassis_Template_Var: ChassisTemplateVar;
  readonly Connection: Connection;
  readonly Copp: Copp;
  readonly DHCP_Options: DHCPOptions;
  readonly DNS: DNS;
  readonly Forwarding_Group: ForwardingGroup;
  readonly Gateway_Chassis: GatewayChassis;
  readonly HA_Chassis: HAChassis;
  readonly HA_Chassis_Group: HAChassisGroup;
  readonly Load_Balancer: LoadBalancer;
  readonly Load_Balancer_Group: LoadBalancerGroup;
  readonly Load_Balancer_Health_Check: LoadBalancerHealthCheck;
  readonly Logical_Router: LogicalRouter;
  readonly Logical_Router_Policy: LogicalRouterPolicy;
  readonly Logical_Router_Port: LogicalRouterPort;
  readonly Logical_Router_Static_Route: LogicalRouterStaticRoute;
  readonly Logical_Switch: LogicalSwitch;
  readonly Logical_Switch_Port: LogicalSwitchPort;
  readonly Meter: Meter;
  readonly Meter_Band: MeterBand;
  readonly Mirror: Mirror;
  readonly NAT: NAT;
  readonly NB_Global: NBGlobal;
  readonly Port_Group: PortGroup;
  readonly QoS: QoS;
  readonly SSL: SSL;
  readonly Static_MAC_Binding: StaticMACBinding;
  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */
  readonly [schemaIndexes]?: TableIndexes;
}

/**
 * The indexes the OVN_Northbound schema declares, by table: each named by its columns joined
 * with `+` (the name a replica looks it up by), listing those columns in order.
 */
export interface TableIndexes {
  readonly Address_Set: {
    readonly name: readonly ['name'];
  };
  readonly BFD: {
    readonly 'logical_port+dst_ip': readonly ['logical_port', 'dst_ip'];
  };
  readonly Chassis_Template_Var: {
    readonly chassis: readonly ['chassis'];
  };
  readonly Connection: {
    readonly target: readonly ['target'];
  };
  readonly Copp: {
    readonly name: readonly ['name'];
  };
  readonly Gateway_Chassis: {
    readonly name: readonly ['name'];
  };
  readonly HA_Chassis_Group: {
    readonly name: readonly ['name'];
  };
  readonly Load_Balancer_Group: {
    readonly name: readonly ['name'];
  };
  readonly Logical_Router_Port: {
    readonly name: readonly ['name'];
  };
  readonly Logical_Switch_Port: {
    readonly name: readonly ['name'];
  };
  readonly Meter: {
    readonly name: readonly ['name'];
  };
  readonly Mirror: {
    readonly name: readonly ['name'];
  };
  readonly Port_Group: {
    readonly name: readonly ['name'];
  };
  readonly Static_MAC_Binding: {
    readonly 'logical_port+ip': readonly ['logical_port', 'ip'];
  };
}

/** The name of a table of OVN_Northbound. */
export type TableName = keyof Tables & string;
