/**
 * The two NB servers of a differential test: ours, changed by the helpers through a client
 * and read through a replica, and theirs, changed by `ovn-nbctl`; `assertSame` compares
 * every table and column of the two. Registers its own before/after hooks.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { connect, type Operation, type OvsdbClient, Replica } from '../../src/index.js';
import { ovnSchemaPath, type RunningServer, startOvsdbServer } from '../../src/testing/index.js';
import { diffDumps, dumpDatabase } from '../../src/testing/nb-dump-diff.js';
import { initNb } from './init-nb.js';

const run = promisify(execFile);
const NB = 'OVN_Northbound';

/** Filled in by `before`. */
export interface NbPair {
  ours: RunningServer;
  theirs: RunningServer;
  client: OvsdbClient;
  theirClient: OvsdbClient;
  nb: Replica<NbTables>;
  /** Runs ovn-nbctl on theirs; resolves with its stdout, trimmed. */
  nbctl(...args: string[]): Promise<string>;
  /** Sends the operations to ours as one transaction (nothing when empty). */
  apply(operations: Operation[]): Promise<void>;
  /** Both databases hold the same rows, every table and column compared. */
  assertSame(): Promise<void>;
}

export function nbPair(): NbPair {
  const pair = {
    async nbctl(...args: string[]) {
      return (await run('ovn-nbctl', [`--db=${pair.theirs.unix}`, ...args])).stdout.trim();
    },
    async apply(operations: Operation[]) {
      if (operations.length > 0) await pair.client.transact(NB, operations);
    },
    async assertSame() {
      assert.deepEqual(
        diffDumps(await dumpDatabase(pair.client, NB), await dumpDatabase(pair.theirClient, NB)),
        [],
      );
    },
  } as NbPair;
  before(async () => {
    pair.ours = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    await initNb(pair.ours);
    pair.theirs = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')] });
    pair.client = await connect(pair.ours.unix);
    pair.theirClient = await connect(pair.theirs.unix);
    pair.nb = await Replica.start(pair.client, nbModel);
  });
  after(async () => {
    await pair.nb?.close();
    await pair.client?.close();
    await pair.theirClient?.close();
    await pair.ours?.stop();
    await pair.theirs?.stop();
  });
  return pair;
}
