/**
 * The two NB servers of a differential test ({@link dbPair} with `ovn-nbctl` as the
 * reference), under the names the NB helper tests use: `nb` for the replica, `nbctl`.
 */
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { type DbPair, dbPair } from './db-pair.js';

export interface NbPair extends DbPair<NbTables> {
  readonly nb: DbPair<NbTables>['replica'];
  nbctl(...args: string[]): Promise<string>;
}

/** `setup`: ovn-nbctl arguments run on both servers first (a base topology). */
export function nbPair(setup: readonly string[] = []): NbPair {
  const pair = dbPair({ db: 'nb', database: 'OVN_Northbound', ctl: 'ovn-nbctl', model: nbModel, setup });
  Object.defineProperty(pair, 'nb', { get: () => pair.replica });
  return Object.assign(pair, { nbctl: pair.ctl }) as NbPair;
}
