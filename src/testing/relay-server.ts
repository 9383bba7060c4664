import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BinaryOptions } from './binaries.js';
import { pollUntil } from './poll.js';
import type { RaftCluster } from './raft-cluster.js';
import { RaftTimeoutError } from './raft-errors.js';
import { launchOvsdbServer, type RunningServer } from './server-process.js';
import { ServerStartError } from './testing-errors.js';

/** What {@link startRelay} starts. */
export interface RelayOptions extends BinaryOptions {
  /** Also listen on an ephemeral 127.0.0.1 tcp port. @default true */
  tcp?: boolean;
  /**
   * The relay's source: comma-separated remotes. @default the cluster's tcp remotes (its
   * unix remotes when tcp is off)
   */
  source?: string;
  /** @default 10000 */
  startTimeoutMs?: number;
}

/**
 * Starts an ovsdb-server relay (`relay:DB:REMOTES`, see ovsdb-server(1)) in front of a raft
 * cluster, in a fresh temporary directory. Resolves once the relay serves the database (it
 * appears in the relay's `list-dbs`, which happens after the relay has its schema from the
 * cluster); rejects with ServerStartError. `stop()` ends it by PID and removes its directory.
 */
export async function startRelay(cluster: RaftCluster, options: RelayOptions = {}): Promise<RunningServer> {
  const source = options.source ?? (cluster.tcpRemotes !== '' ? cluster.tcpRemotes : cluster.remotes);
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-relay-'));
  let relay: RunningServer | undefined;
  try {
    relay = await launchOvsdbServer({
      ...options,
      dir,
      ownsDir: true,
      dbFiles: [`relay:${cluster.database}:${source}`],
      tcp: options.tcp ?? true,
      pki: undefined,
      ws: false,
      wss: false,
      extraArgs: [],
      startTimeoutMs: timeoutMs,
    });
    const started = relay;
    await pollUntil(`relay serving ${cluster.database}`, Math.max(1, deadline - Date.now()), async (seen) => {
      const dbs = await started.client('-t', '5', 'list-dbs', started.unix).catch((e: Error) => e.message);
      seen(dbs);
      return dbs.split('\n').includes(cluster.database) ? true : undefined;
    });
    return relay;
  } catch (error) {
    if (relay !== undefined) await relay.stop();
    else await rm(dir, { recursive: true, force: true });
    if (error instanceof RaftTimeoutError) {
      throw new ServerStartError(
        `relay of ${cluster.database} not serving before the start deadline`,
        error.lastStatus,
        error,
      );
    }
    throw error;
  }
}
