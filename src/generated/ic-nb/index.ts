// Generated from schemas/ovn-ic-nb.ovsschema (OVN_IC_Northbound 1.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

export * from './model.js';
export type * from './rows.js';
export { schemaJson } from './schema.js';
