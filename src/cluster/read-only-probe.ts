/**
 * Tells an active-backup backup from a writable server. `_Server.Database` cannot: a backup
 * (`ovsdb-server --sync-from=...`) reports `model: standalone, connected: true,
 * leader: true`, exactly like an active server. What differs is that a backup refuses every
 * operation that could modify data, with `not allowed`, while a comment or a select pass.
 */
import type { OvsdbClient } from '../client/client.js';
import type { CallOptions } from '../client/options.js';
import { OvndbError } from '../errors.js';
import { op } from '../protocol/operations.js';
import { AbortedError, NotAllowedError } from '../protocol/server-errors.js';

const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** The probe got an answer that says neither "writable" nor "read-only". */
export class ReadOnlyProbeError extends OvndbError {
  constructor(
    readonly database: string,
    cause: unknown,
  ) {
    super('OVNDB_READ_ONLY_PROBE_FAILED', `could not tell whether database ${database} is read-only`, {
      cause,
      details: { database },
    });
  }
}

/**
 * Resolves true when the server refuses writes to `database` (an active-backup backup),
 * false when it accepts them. Sends one transaction that can change nothing: a `delete` of
 * the all-zero UUID in the schema's first table, then `abort`. A writable server runs the
 * delete (no row matches) and fails the transaction at `abort`, so nothing is committed and
 * nothing reaches a raft log; a backup refuses the delete itself with `not allowed`.
 * Throws {@link ReadOnlyProbeError} on any other outcome.
 */
export async function probeReadOnly(
  client: OvsdbClient,
  database: string,
  options: CallOptions = {},
): Promise<boolean> {
  const schema = await client.getSchema(database, options);
  const table = [...schema.tables.keys()].sort()[0];
  if (table === undefined) throw new ReadOnlyProbeError(database, new Error('the schema has no table'));
  try {
    await client.transact(
      database,
      [op.delete(table, [['_uuid', '==', ['uuid', NO_ROW]]]), op.abort()],
      options,
    );
  } catch (error) {
    if (error instanceof NotAllowedError) return true;
    if (error instanceof AbortedError) return false;
    throw new ReadOnlyProbeError(database, error);
  }
  // `abort` always fails a transaction; a server that committed it is not one we understand.
  throw new ReadOnlyProbeError(database, new Error('the transaction was not aborted'));
}
