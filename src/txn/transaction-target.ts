/**
 * Where a transaction is committed: any open database (a plain connection's database, a
 * reconnecting `Session`) offers `transact` with these options. The runner needs nothing else
 * of it, so optimistic transactions work the same on both, and on a session keep its
 * guarantees across failover.
 */
import type { OvsdbClient, TransactOptions } from '../client/client.js';
import type { Operation } from '../protocol/operations.js';
import type { OperationResult } from '../protocol/results.js';

/** Options of a database handle's `transact`. */
export interface HandleTransactOptions extends TransactOptions {
  /**
   * The transaction may be applied twice without harm, so a session sends it again when its
   * reply was lost and its outcome cannot be settled otherwise. A plain connection never
   * resends. @default false
   */
  idempotent?: boolean;
  /** Make the transaction fail (`not owner`) unless this lock is held: an `assert` is added. */
  lock?: string;
}

/** What a transaction is committed on: one database, reached by a connection or a session. */
export interface TransactionTarget {
  /** The database's name, e.g. `OVN_Northbound`. */
  readonly database: string;
  /** Runs `operations` as one transaction on the database. */
  transact(operations: readonly Operation[], options?: HandleTransactOptions): Promise<OperationResult[]>;
}

/**
 * `client`'s database `database` as a target. A plain connection cannot settle a lost reply,
 * so `idempotent` does nothing here; `lock` appends its `assert`.
 */
export function clientTarget(client: OvsdbClient, database: string): TransactionTarget {
  return {
    database,
    transact(operations, options = {}) {
      const { idempotent: _idempotent, lock, ...transact } = options;
      const sent = lock === undefined ? operations : [...operations, { op: 'assert' as const, lock }];
      return client
        .transact(database, sent, transact)
        .then((results) =>
          results.length === operations.length ? results : results.slice(0, operations.length),
        );
    },
  };
}

/** True for an {@link OvsdbClient} (which needs a database name) rather than a database target. */
export function isClient(target: TransactionTarget | OvsdbClient): target is OvsdbClient {
  return typeof (target as OvsdbClient).listDbs === 'function' && !('database' in target);
}
