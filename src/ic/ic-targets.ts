/**
 * What the IC helpers read of the interconnection databases and where their operations go:
 * the IC-NB and IC-SB counterparts of `NbTarget`, `planNb` and `nbReader` (src/ovn/nb-lookup.ts).
 * A helper runs on a replica (it returns the operations for you to send) or on a transaction in
 * progress on that database (it adds its operations to the transaction, sees what was written
 * before it in the same body, and returns them too, already added).
 */

import type { DatabaseHandle } from '../database/database-handle.js';
import { model as icNbModel } from '../generated/ic-nb/model.js';
import type { Tables as IcNbTables } from '../generated/ic-nb/rows.js';
import { model as icSbModel } from '../generated/ic-sb/model.js';
import type { Tables as IcSbTables } from '../generated/ic-sb/rows.js';
import { type Planned, type PlanTarget, planOn, type ReplicaReader, readerOf } from '../txn/plan.js';
import type { Transaction } from '../txn/transaction.js';

/**
 * What the IC helpers read of OVN_IC_Northbound: a `Replica` of the `ovndb/ic-nb` model fits,
 * and so does a transaction's view.
 */
export type IcNbReplica = ReplicaReader<IcNbTables>;

/** What an IC-NB helper runs on: a replica of OVN_IC_Northbound, or a transaction in progress on it. */
export type IcNbTarget = PlanTarget<IcNbTables>;

/**
 * What the IC helpers read of OVN_IC_Southbound: a `Replica` of the `ovndb/ic-sb` model fits,
 * and so does a transaction's view.
 */
export type IcSbReplica = ReplicaReader<IcSbTables>;

/** An open OVN_IC_Northbound database with its model (a `Session` opened with the `ovndb/ic-nb` model). */
export type IcNbHandle = DatabaseHandle<IcNbTables>;

/** An open OVN_IC_Southbound database with its model (a `Session` opened with the `ovndb/ic-sb` model). */
export type IcSbHandle = DatabaseHandle<IcSbTables>;

/** What an IC-SB helper runs on: a replica of OVN_IC_Southbound, or a transaction in progress on it. */
export type IcSbTarget = PlanTarget<IcSbTables>;

/** What the IC helpers read of the AZ's OVN_Southbound (chassis): {@link SbTarget} of the OVN helpers. */
export type { SbTarget } from '../ovn/sb-reads.js';

/** Runs helper body `body` on `target` (see {@link IcNbTarget}) and returns the operations it added. */
export function planIcNb<Target extends IcNbTarget | IcNbHandle>(
  target: Target,
  body: (txn: Transaction<IcNbTables>) => void,
): Planned<Target> {
  return planOn(target, icNbModel, body);
}

/** What `target` reads: a transaction's view, or the IC-NB replica itself. */
export function icNbReader(target: IcNbTarget): IcNbReplica {
  return readerOf(target);
}

/** Runs helper body `body` on `target` (see {@link IcSbTarget}) and returns the operations it added. */
export function planIcSb<Target extends IcSbTarget | IcSbHandle>(
  target: Target,
  body: (txn: Transaction<IcSbTables>) => void,
): Planned<Target> {
  return planOn(target, icSbModel, body);
}

/** What `target` reads: a transaction's view, or the IC-SB replica itself. */
export function icSbReader(target: IcSbTarget): IcSbReplica {
  return readerOf(target);
}
