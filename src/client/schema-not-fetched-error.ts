/** The one error of the client's transaction path that is a misuse rather than bad input. */
import { OvndbError } from '../errors.js';

/**
 * A transaction was to be checked against a schema this connection has not fetched. `transact`
 * fetches it first, and a session on each member it adopts; only a caller of the internal
 * `startTransact` can meet this.
 */
export class SchemaNotFetchedError extends OvndbError {
  constructor(readonly database: string) {
    super('OVNDB_SCHEMA_NOT_FETCHED', `the schema of ${database} was not fetched on this connection`, {
      details: { database },
    });
  }
}
