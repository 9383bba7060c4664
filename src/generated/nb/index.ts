// Generated from schemas/ovn-nb.ovsschema (OVN_Northbound 7.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

export * from './model.js';
export type * from './rows.js';
export { schemaJson } from './schema.js';
