/**
 * An OVN sandbox (NB, SB, ovn-northd) for an end-to-end describe block, with a client and a
 * replica of its Northbound database; `apply` sends helper operations as one transaction.
 * Registers its own before/after hooks, which start and stop everything.
 */
import { after, before } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import type { Tables as NbTables } from '../../src/generated/nb/rows.js';
import { connect, type Operation, type OvsdbClient, Replica } from '../../src/index.js';
import { type OvnSandbox, startOvnSandbox } from '../../src/testing/index.js';

/** Filled in by `before`. */
export interface NbSandbox {
  sandbox: OvnSandbox;
  client: OvsdbClient;
  nb: Replica<NbTables>;
  /** Sends the operations as one transaction (nothing when empty). */
  apply(operations: Operation[]): Promise<void>;
}

export function nbSandbox(): NbSandbox {
  const env = {
    async apply(operations: Operation[]) {
      if (operations.length > 0) await env.client.transact('OVN_Northbound', operations);
    },
  } as NbSandbox;
  before(async () => {
    env.sandbox = await startOvnSandbox();
    env.client = await connect(env.sandbox.nbRemote);
    env.nb = await Replica.start(env.client, nbModel);
  });
  after(async () => {
    await env.nb?.close();
    await env.client?.close();
    await env.sandbox?.stop();
  });
  return env;
}
