// Generated from schemas/_server.ovsschema (_Server 1.2.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import type { schemaIndexes, Uuid } from '../../model/index.js';

/** Allowed values of column `model` of table `Database`. */
export type DatabaseModel = 'clustered' | 'relay' | 'standalone';

/** A row of table `Database`. */
export interface Database {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Database'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly cid?: Uuid;
  readonly connected: boolean;
  readonly index?: number;
  readonly leader: boolean;
  readonly model: DatabaseModel;
  readonly name: string;
  readonly schema?: string;
  readonly sid?: Uuid;
}

/** The row type of every table of _Server, by table name. */
export interface Tables {
  readonly Database: Database;
  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */
  readonly [schemaIndexes]?: TableIndexes;
}

/**
 * The indexes the _Server schema declares, by table: each named by its columns joined
 * with `+` (the name a replica looks it up by), listing those columns in order.
 */
export type TableIndexes = Record<never, never>;

/** The name of a table of _Server. */
export type TableName = keyof Tables & string;
