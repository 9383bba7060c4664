#!/usr/bin/env node
/**
 * `transact-client REMOTE TXN`: the command line of `ovsdb-client transact`, for the execution
 * cases of Open vSwitch's test suite. Sends TXN (a JSON array: database name, then operations)
 * through ovndb's client without client-side checking, so that the server's own verdict is
 * what gets printed, and prints the reply as one JSON line with sorted keys.
 */
import { connect } from '../../../src/client/connect.js';
import { printJson } from './data-json.js';

async function main(argv: string[]): Promise<number> {
  const [remote, txnText] = argv;
  if (remote === undefined || txnText === undefined) {
    process.stderr.write('usage: transact-client REMOTE TXN\n');
    return 2;
  }
  const txn = JSON.parse(txnText) as unknown[];
  const [database, ...operations] = txn;
  const client = await connect(remote, { validate: false });
  try {
    const reply = await client.transactRaw(String(database), operations);
    process.stdout.write(`${printJson(reply)}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`transact-client: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
