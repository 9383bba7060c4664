// Generated from schemas/ovn-ic-nb.ovsschema (OVN_IC_Northbound 1.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import { buildDatabaseModel, type DatabaseModel } from '../../model/index.js';
import type { Tables } from './rows.js';
import { schemaJson } from './schema.js';

/** The OVN_IC_Northbound model: parsed schema and table descriptors, built once at import. */
export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);

/** Descriptor of table `Connection`. */
export const ConnectionTable = model.tables.Connection;

/** Descriptor of table `IC_NB_Global`. */
export const ICNBGlobalTable = model.tables.IC_NB_Global;

/** Descriptor of table `SSL`. */
export const SSLTable = model.tables.SSL;

/** Descriptor of table `Transit_Switch`. */
export const TransitSwitchTable = model.tables.Transit_Switch;
