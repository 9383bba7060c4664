/**
 * A Northbound database file built once for a bench: a fresh ovsdb-server in a temporary
 * directory, filled by `fill` through a client that skips the schema check (the bench's own
 * bulk operations), then compacted with `ovsdb-tool` and copied to `path`.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type OvsdbClient } from '../src/index.js';
import { findBinary } from '../src/testing/binaries.js';
import { ovnSchemaPath, startOvsdbServer } from '../src/testing/index.js';
import { runCommand } from '../src/testing/run-command.js';

/** Writes to `path` the NB that `fill` makes (built in a directory under `workDir`). */
export async function buildNbFile(
  path: string,
  workDir: string,
  fill: (client: OvsdbClient) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(workDir, 'ovndb-template-'));
  try {
    const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: false, dir });
    try {
      const client = await connect(server.unix, { validate: false });
      try {
        await fill(client);
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
    const dbFile = join(dir, '0-ovn-nb.db');
    await runCommand(await findBinary('ovsdb-tool'), ['compact', dbFile]);
    await copyFile(dbFile, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
