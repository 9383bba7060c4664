// Generated from schemas/ovn-nb.ovsschema (OVN_Northbound 7.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import { buildDatabaseModel, type DatabaseModel } from '../../model/index.js';
import type { Tables } from './rows.js';
import { schemaJson } from './schema.js';

/** The OVN_Northbound model: parsed schema and table descriptors, built once at import. */
export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);

/** Descriptor of table `ACL`. */
export const ACLTable = model.tables.ACL;

/** Descriptor of table `Address_Set`. */
export const AddressSetTable = model.tables.Address_Set;

/** Descriptor of table `BFD`. */
export const BFDTable = model.tables.BFD;

/** Descriptor of table `Chassis_Template_Var`. */
export const ChassisTemplateVarTable = model.tables.Chassis_Template_Var;

/** Descriptor of table `Connection`. */
export const ConnectionTable = model.tables.Connection;

/** Descriptor of table `Copp`. */
export const CoppTable = model.tables.Copp;

/** Descriptor of table `DHCP_Options`. */
export const DHCPOptionsTable = model.tables.DHCP_Options;

/** Descriptor of table `DNS`. */
export const DNSTable = model.tables.DNS;

/** Descriptor of table `Forwarding_Group`. */
export const ForwardingGroupTable = model.tables.Forwarding_Group;

/** Descriptor of table `Gateway_Chassis`. */
export const GatewayChassisTable = model.tables.Gateway_Chassis;

/** Descriptor of table `HA_Chassis`. */
export const HAChassisTable = model.tables.HA_Chassis;

/** Descriptor of table `HA_Chassis_Group`. */
export const HAChassisGroupTable = model.tables.HA_Chassis_Group;

/** Descriptor of table `Load_Balancer`. */
export const LoadBalancerTable = model.tables.Load_Balancer;

/** Descriptor of table `Load_Balancer_Group`. */
export const LoadBalancerGroupTable = model.tables.Load_Balancer_Group;

/** Descriptor of table `Load_Balancer_Health_Check`. */
export const LoadBalancerHealthCheckTable = model.tables.Load_Balancer_Health_Check;

/** Descriptor of table `Logical_Router`. */
export const LogicalRouterTable = model.tables.Logical_Router;

/** Descriptor of table `Logical_Router_Policy`. */
export const LogicalRouterPolicyTable = model.tables.Logical_Router_Policy;

/** Descriptor of table `Logical_Router_Port`. */
export const LogicalRouterPortTable = model.tables.Logical_Router_Port;

/** Descriptor of table `Logical_Router_Static_Route`. */
export const LogicalRouterStaticRouteTable = model.tables.Logical_Router_Static_Route;

/** Descriptor of table `Logical_Switch`. */
export const LogicalSwitchTable = model.tables.Logical_Switch;

/** Descriptor of table `Logical_Switch_Port`. */
export const LogicalSwitchPortTable = model.tables.Logical_Switch_Port;

/** Descriptor of table `Meter`. */
export const MeterTable = model.tables.Meter;

/** Descriptor of table `Meter_Band`. */
export const MeterBandTable = model.tables.Meter_Band;

/** Descriptor of table `Mirror`. */
export const MirrorTable = model.tables.Mirror;

/** Descriptor of table `NAT`. */
export const NATTable = model.tables.NAT;

/** Descriptor of table `NB_Global`. */
export const NBGlobalTable = model.tables.NB_Global;

/** Descriptor of table `Port_Group`. */
export const PortGroupTable = model.tables.Port_Group;

/** Descriptor of table `QoS`. */
export const QoSTable = model.tables.QoS;

/** Descriptor of table `SSL`. */
export const SSLTable = model.tables.SSL;

/** Descriptor of table `Static_MAC_Binding`. */
export const StaticMACBindingTable = model.tables.Static_MAC_Binding;
