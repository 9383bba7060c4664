/** Opens one connection for a command, runs it, and always closes the connection. */

import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import { type ConnectionFlags, clientOptionsOf } from './connection-options.js';

/** Runs `body` with a client connected to `remote` (an OVS remote or comma list); closes it after. */
export async function withClient<T>(
  remote: string,
  flags: ConnectionFlags,
  body: (client: OvsdbClient) => Promise<T>,
): Promise<T> {
  const client = await connect(remote, clientOptionsOf(flags));
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
