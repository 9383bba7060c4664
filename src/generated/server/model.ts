// Generated from schemas/_server.ovsschema (_Server 1.2.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import { buildDatabaseModel, type DatabaseModel } from '../../model/index.js';
import type { Tables } from './rows.js';
import { schemaJson } from './schema.js';

/** The _Server model: parsed schema and table descriptors, built once at import. */
export const model: DatabaseModel<Tables> = buildDatabaseModel<Tables>(schemaJson);

/** Descriptor of table `Database`. */
export const DatabaseTable = model.tables.Database;
