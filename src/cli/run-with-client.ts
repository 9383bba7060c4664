/** Opens one connection for a command, runs it, and always closes the connection. */

import type { OvsdbClient } from '../client/client.js';
import { connect } from '../client/connect.js';
import { receivedBytes } from '../client/received-bytes.js';
import { CommandDeadline } from './command-deadline.js';
import { type ConnectionFlags, clientOptionsOf } from './connection-options.js';

/**
 * Runs `body` with a client connected to `remote` (an OVS remote or comma list); closes it
 * after. `--timeout` bounds the whole: connecting and every reply.
 */
export async function withClient<T>(
  remote: string,
  flags: ConnectionFlags,
  body: (client: OvsdbClient) => Promise<T>,
): Promise<T> {
  const deadline = new CommandDeadline(flags.timeout);
  try {
    return await deadline.run(async () => {
      deadline.waitingFor(`a connection to ${remote}`, false);
      const client = await connect(remote, { ...clientOptionsOf(flags), ...deadline.bound });
      deadline.onExpire(() => client.close());
      // A server that accepted and never sent a byte is as good as unreachable.
      deadline.waitingFor(`the replies of ${client.remote}`, () => receivedBytes(client) > 0);
      try {
        return await body(client);
      } finally {
        await client.close();
      }
    });
  } finally {
    deadline.clear();
  }
}
