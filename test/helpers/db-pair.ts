/**
 * The two servers of a differential test: ours, changed by the helpers through a client and
 * read through a replica, and theirs, changed by OVN's own ctl tool (`ovn-nbctl`,
 * `ovn-ic-nbctl`, ...); `assertSame` compares every table and column of the two. Registers
 * its own before/after hooks.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { connect, type DatabaseModel, type Operation, type OvsdbClient, Replica } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';

const run = promisify(execFile);

/** Filled in by `before`. */
export interface DbPair<T extends object> {
  ours: RunningServer;
  theirs: RunningServer;
  client: OvsdbClient;
  theirClient: OvsdbClient;
  replica: Replica<T>;
  /** Runs the ctl tool on theirs; resolves with its stdout, trimmed. */
  ctl(...args: string[]): Promise<string>;
  /** Runs the ctl tool on ours (to make state the helpers then read, e.g. what another tool wrote). */
  ctlOurs(...args: string[]): Promise<string>;
  /** Sends the operations to ours as one transaction (nothing when empty). */
  apply(operations: Operation[]): Promise<void>;
  /** Both databases hold the same rows, every table and column compared. */
  assertSame(): Promise<void>;
}

/** Which database, and the tool that writes the reference copy. */
export interface DbPairOptions<T extends object> {
  db: 'nb' | 'sb' | 'ic-nb' | 'ic-sb';
  database: string;
  ctl: string;
  model: DatabaseModel<T>;
  /** ctl arguments run on both servers first (the same base topology on each side). */
  setup?: readonly string[];
}

export function dbPair<T extends object>(options: DbPairOptions<T>): DbPair<T> {
  const ctlOn = async (server: RunningServer, args: string[]) =>
    (await run(options.ctl, [`--db=${server.unix}`, ...args])).stdout.trim();
  const pair = {
    ctl: (...args: string[]) => ctlOn(pair.theirs, args),
    ctlOurs: (...args: string[]) => ctlOn(pair.ours, args),
    async apply(operations: Operation[]) {
      if (operations.length > 0) await pair.client.transact(options.database, operations);
    },
    async assertSame() {
      assert.deepEqual(
        diffDumps(
          await dumpDatabase(pair.client, options.database),
          await dumpDatabase(pair.theirClient, options.database),
        ),
        [],
      );
    },
  } as DbPair<T>;
  before(async () => {
    pair.ours = await startOvsdbServer({ schemas: [ovnSchemaPath(options.db)] });
    pair.theirs = await startOvsdbServer({ schemas: [ovnSchemaPath(options.db)] });
    // Both get their global row the way the ctl tool makes it.
    await ctlOn(pair.ours, ['init']);
    await ctlOn(pair.theirs, ['init']);
    if (options.setup !== undefined && options.setup.length > 0) {
      await ctlOn(pair.ours, [...options.setup]);
      await ctlOn(pair.theirs, [...options.setup]);
    }
    pair.client = await connect(pair.ours.unix);
    pair.theirClient = await connect(pair.theirs.unix);
    pair.replica = await Replica.start(pair.client, options.model);
  });
  after(async () => {
    await pair.replica?.close();
    await pair.client?.close();
    await pair.theirClient?.close();
    await pair.ours?.stop();
    await pair.theirs?.stop();
  });
  return pair;
}
