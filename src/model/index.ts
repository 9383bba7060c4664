/**
 * The runtime for generated code: branded UUIDs, table descriptors and database models.
 *
 * @packageDocumentation
 */

export { buildDatabaseModel } from './build-model.js';
export type { DatabaseModel, RowOf, TableDescriptor } from './descriptor.js';
export {
  CLEAR,
  type Clear,
  decodeRow,
  decodeValue,
  type EncodeRowOptions,
  encodeRow,
  encodeValue,
  NamedRef,
  namedRef,
  type RowWrite,
  type WriteValue,
} from './row-codec.js';
export { schemaIndexes } from './schema-indexes.js';
export {
  compareSchemas,
  describeDifference,
  type EnumSide,
  type SchemaDifference,
  type SchemaDifferenceKind,
  type SchemaSkew,
  SchemaSkewError,
} from './schema-skew.js';
export { ColumnNotOnServerError, ServerSchemaView } from './server-schema-view.js';
export {
  type ColumnOf,
  type ConditionValue,
  type ElementOf,
  type IsMap,
  type KeyOf,
  type MutationValue,
  mutateColumn,
  type Present,
  type TypedCondition,
  type TypedMutation,
  whereColumn,
} from './typed-clauses.js';
export {
  deleteRows,
  type InsertedRow,
  type InsertedUuids,
  type InsertRowOptions,
  insertRow,
  MissingInsertResultError,
  mutateRows,
  selectRows,
  type TypedInsertOperation,
  typedResults,
  updateRows,
  waitRows,
} from './typed-ops.js';
export { InvalidUuidError, isUuid, toUuid, type Uuid } from './uuid.js';
