// Generated from schemas/ovn-ic-nb.ovsschema (OVN_IC_Northbound 1.0.0) by `npm run gen`.
// Do not edit by hand: change the schema or the generator and run it again.

import type { schemaIndexes, Uuid } from '../../model/index.js';

/** A row of table `Connection`. */
export interface Connection {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Connection'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly inactivity_probe?: number;
  readonly is_connected: boolean;
  readonly max_backoff?: number;
  readonly other_config: Readonly<Record<string, string>>;
  readonly status: Readonly<Record<string, string>>;
  readonly target: string;
}

/** A row of table `IC_NB_Global`. */
export interface ICNBGlobal {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'IC_NB_Global'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly connections: readonly Uuid<'Connection'>[];
  readonly external_ids: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly ssl?: Uuid<'SSL'>;
}

/** A row of table `SSL`. */
export interface SSL {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'SSL'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly bootstrap_ca_cert: boolean;
  readonly ca_cert: string;
  readonly certificate: string;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly private_key: string;
  readonly ssl_ciphers: string;
  readonly ssl_protocols: string;
}

/** A row of table `Transit_Switch`. */
export interface TransitSwitch {
  /** The row's identity, assigned by the server at insert. */
  readonly _uuid: Uuid<'Transit_Switch'>;
  /** Changes whenever the row changes. */
  readonly _version: Uuid;
  readonly external_ids: Readonly<Record<string, string>>;
  readonly name: string;
  readonly other_config: Readonly<Record<string, string>>;
}

/** The row type of every table of OVN_IC_Northbound, by table name. */
export interface Tables {
  readonly Connection: Connection;
  readonly IC_NB_Global: ICNBGlobal;
  readonly SSL: SSL;
  readonly Transit_Switch: TransitSwitch;
  /** The schema's indexes of each table, for typed look-ups: a phantom, never present at runtime. */
  readonly [schemaIndexes]?: TableIndexes;
}

/**
 * The indexes the OVN_IC_Northbound schema declares, by table: each named by its columns joined
 * with `+` (the name a replica looks it up by), listing those columns in order.
 */
export interface TableIndexes {
  readonly Connection: {
    readonly target: readonly ['target'];
  };
  readonly Transit_Switch: {
    readonly name: readonly ['name'];
  };
}

/** The name of a table of OVN_IC_Northbound. */
export type TableName = keyof Tables & string;
