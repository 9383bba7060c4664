// Type tests of what a replica needs from a connection: type-checked by `npm run typecheck`,
// never run. Each `@ts-expect-error` line must fail to compile.
import type { ReplicaClient } from '../../src/cache/index.js';
import type { OvsdbClient } from '../../src/index.js';

declare const client: OvsdbClient;

// An OvsdbClient is a replica's connection as it is, with nothing to adapt.
export const connection: ReplicaClient = client;

// @ts-expect-error a replica's connection must at least monitor and report its state
export const notAClient: ReplicaClient = { getSchema: client.getSchema };
