/**
 * The runtime for generated code: branded UUIDs, table descriptors and database models.
 *
 * @packageDocumentation
 */

export { buildDatabaseModel } from './build-model.js';
export type { DatabaseModel, RowOf, TableDescriptor } from './descriptor.js';
export { InvalidUuidError, isUuid, toUuid, type Uuid } from './uuid.js';
