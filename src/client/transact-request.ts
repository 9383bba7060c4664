/**
 * The rpc options of one `transact`: its deadline and signal, how its reply is checked and
 * how its failures are typed. One object per transaction, its checks methods rather than
 * closures made per call: a `transact` at one request in flight allocates nothing else for
 * them, and the reply settles the request's own promise (no second promise).
 */
import type { Operation } from '../protocol/operations.js';
import { findTransactError, type OperationResult } from '../protocol/results.js';
import type { RequestOptions } from '../rpc/connection.js';

/** The options of one `transact` request. */
export class TransactRequest implements RequestOptions {
  timeoutMs: number | undefined = undefined;
  signal: AbortSignal | undefined = undefined;

  /**
   * @param database the database the operations go to.
   * @param operations the operations as sent, to type the first failed one's error.
   * @param mapError types any failure of the request (shared by every transact to `database`).
   */
  constructor(
    readonly database: string,
    readonly operations: readonly Operation[],
    readonly mapError: RequestOptions['mapError'],
  ) {}

  /**
   * The reply's results, one per operation; throws the typed server error of the first failed
   * operation, or of the commit (the extra trailing element).
   */
  accept(reply: unknown): OperationResult[] {
    const results = reply as unknown[];
    const operations = this.operations;
    const error = findTransactError(this.database, operations, results);
    if (error) throw error;
    return (
      results.length === operations.length ? results : results.slice(0, operations.length)
    ) as OperationResult[];
  }
}
