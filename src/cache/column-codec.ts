/**
 * Per-column decoding facts for the replica, worked out once per monitored column so that
 * applying an update does no schema look-ups: the column's shape, its typed default, and the
 * type its update2 diffs arrive in.
 */

import { decodeValue } from '../model/row-codec.js';
import type { ColumnType } from '../protocol/column-type.js';
import { defaultDatum } from '../protocol/datum.js';

/** How a column's value is held on a row (docs/codegen.md). */
export type ColumnShape = 'scalar' | 'optional' | 'set' | 'map';

/** Decoding facts of one monitored column. */
export interface ColumnCodec {
  readonly name: string;
  readonly type: ColumnType;
  readonly shape: ColumnShape;
  /** Map columns with string keys are plain objects; other maps are `Map`s. */
  readonly recordMap: boolean;
  /**
   * The typed default (what a row holds when the server leaves the column out, as update2
   * does for default values). Empty sets and maps are shared frozen singletons: most rows
   * have many empty columns, and one object for all of them keeps a big replica small.
   */
  readonly defaultValue: unknown;
  /** The type an update2 diff of this column decodes with: any number of elements. */
  readonly diffType: ColumnType;
  /** Where a decoding error points: table and column (made once, not per value). */
  readonly where: { readonly table: string; readonly column: string };
}

/** The one empty array every empty set column of every row shares. */
export const EMPTY_SET: readonly never[] = Object.freeze([]);
/** The one empty object every empty string-keyed map column of every row shares. */
export const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze({});

function shapeOf(type: ColumnType): ColumnShape {
  if (type.value !== undefined) return 'map';
  if (type.max === 1) return type.min === 1 ? 'scalar' : 'optional';
  return 'set';
}

/** The decoding facts of column `name` of type `type` in table `table`. */
export function columnCodec(table: string, name: string, type: ColumnType): ColumnCodec {
  const shape = shapeOf(type);
  const recordMap = shape === 'map' && type.key.type === 'string';
  let defaultValue: unknown;
  if (type.min === 0 && shape === 'set') defaultValue = EMPTY_SET;
  else if (type.min === 0 && recordMap) defaultValue = EMPTY_RECORD;
  else defaultValue = decodeValue(type, defaultDatum(type));
  const diffType: ColumnType =
    type.value === undefined
      ? { key: type.key, min: 0, max: Number.POSITIVE_INFINITY }
      : { key: type.key, value: type.value, min: 0, max: Number.POSITIVE_INFINITY };
  return { name, type, shape, recordMap, defaultValue, diffType, where: { table, column: name } };
}

/** True for the wire form of an empty set or map, which decodes to the shared default. */
export function isEmptyCollection(wire: unknown): boolean {
  return Array.isArray(wire) && wire.length === 2 && Array.isArray(wire[1]) && wire[1].length === 0;
}
