// Generated from schemas/ovn-ic-sb.ovsschema (OVN_IC_Southbound 1.1.1) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import { buildDatabaseModel, type DatabaseModel } from '../../model/index.js';
import type { Tables } from './rows.js';
import { schemaJson } from './schema.js';

/** The OVN_IC_Southbound model: parsed schema and table descriptors, built once at import. */
export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);

/** Descriptor of table `Availability_Zone`. */
export const AvailabilityZoneTable = model.tables.Availability_Zone;

/** Descriptor of table `Connection`. */
export const ConnectionTable = model.tables.Connection;

/** Descriptor of table `Datapath_Binding`. */
export const DatapathBindingTable = model.tables.Datapath_Binding;

/** Descriptor of table `Encap`. */
export const EncapTable = model.tables.Encap;

/** Descriptor of table `Gateway`. */
export const GatewayTable = model.tables.Gateway;

/** Descriptor of table `IC_SB_Global`. */
export const ICSBGlobalTable = model.tables.IC_SB_Global;

/** Descriptor of table `Port_Binding`. */
export const PortBindingTable = model.tables.Port_Binding;

/** Descriptor of table `Route`. */
export const RouteTable = model.tables.Route;

/** Descriptor of table `SSL`. */
export const SSLTable = model.tables.SSL;
