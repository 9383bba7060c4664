// Generated from schemas/ovn-sb.ovsschema (OVN_Southbound 20.27.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import { buildDatabaseModel, type DatabaseModel } from '../../model/index.js';
import type { Tables } from './rows.js';
import { schemaJson } from './schema.js';

/** The OVN_Southbound model: parsed schema and table descriptors, built once at import. */
export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);

/** Descriptor of table `Address_Set`. */
export const AddressSetTable = model.tables.Address_Set;

/** Descriptor of table `BFD`. */
export const BFDTable = model.tables.BFD;

/** Descriptor of table `Chassis`. */
export const ChassisTable = model.tables.Chassis;

/** Descriptor of table `Chassis_Private`. */
export const ChassisPrivateTable = model.tables.Chassis_Private;

/** Descriptor of table `Chassis_Template_Var`. */
export const ChassisTemplateVarTable = model.tables.Chassis_Template_Var;

/** Descriptor of table `Connection`. */
export const ConnectionTable = model.tables.Connection;

/** Descriptor of table `Controller_Event`. */
export const ControllerEventTable = model.tables.Controller_Event;

/** Descriptor of table `DHCP_Options`. */
export const DHCPOptionsTable = model.tables.DHCP_Options;

/** Descriptor of table `DHCPv6_Options`. */
export const DHCPv6OptionsTable = model.tables.DHCPv6_Options;

/** Descriptor of table `DNS`. */
export const DNSTable = model.tables.DNS;

/** Descriptor of table `Datapath_Binding`. */
export const DatapathBindingTable = model.tables.Datapath_Binding;

/** Descriptor of table `Encap`. */
export const EncapTable = model.tables.Encap;

/** Descriptor of table `FDB`. */
export const FDBTable = model.tables.FDB;

/** Descriptor of table `Gateway_Chassis`. */
export const GatewayChassisTable = model.tables.Gateway_Chassis;

/** Descriptor of table `HA_Chassis`. */
export const HAChassisTable = model.tables.HA_Chassis;

/** Descriptor of table `HA_Chassis_Group`. */
export const HAChassisGroupTable = model.tables.HA_Chassis_Group;

/** Descriptor of table `IGMP_Group`. */
export const IGMPGroupTable = model.tables.IGMP_Group;

/** Descriptor of table `IP_Multicast`. */
export const IPMulticastTable = model.tables.IP_Multicast;

/** Descriptor of table `Load_Balancer`. */
export const LoadBalancerTable = model.tables.Load_Balancer;

/** Descriptor of table `Logical_DP_Group`. */
export const LogicalDPGroupTable = model.tables.Logical_DP_Group;

/** Descriptor of table `Logical_Flow`. */
export const LogicalFlowTable = model.tables.Logical_Flow;

/** Descriptor of table `MAC_Binding`. */
export const MACBindingTable = model.tables.MAC_Binding;

/** Descriptor of table `Meter`. */
export const MeterTable = model.tables.Meter;

/** Descriptor of table `Meter_Band`. */
export const MeterBandTable = model.tables.Meter_Band;

/** Descriptor of table `Mirror`. */
export const MirrorTable = model.tables.Mirror;

/** Descriptor of table `Multicast_Group`. */
export const MulticastGroupTable = model.tables.Multicast_Group;

/** Descriptor of table `Port_Binding`. */
export const PortBindingTable = model.tables.Port_Binding;

/** Descriptor of table `Port_Group`. */
export const PortGroupTable = model.tables.Port_Group;

/** Descriptor of table `RBAC_Permission`. */
export const RBACPermissionTable = model.tables.RBAC_Permission;

/** Descriptor of table `RBAC_Role`. */
export const RBACRoleTable = model.tables.RBAC_Role;

/** Descriptor of table `SB_Global`. */
export const SBGlobalTable = model.tables.SB_Global;

/** Descriptor of table `SSL`. */
export const SSLTable = model.tables.SSL;

/** Descriptor of table `Service_Monitor`. */
export const ServiceMonitorTable = model.tables.Service_Monitor;

/** Descriptor of table `Static_MAC_Binding`. */
export const StaticMACBindingTable = model.tables.Static_MAC_Binding;
