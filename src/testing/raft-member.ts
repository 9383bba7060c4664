import type { BinaryOptions } from './binaries.js';
import { type ClusterStatus, parseClusterStatus } from './cluster-status.js';
import { launchOvsdbServer, type RunningServer } from './server-process.js';

/** What every member of one cluster shares. */
export interface RaftMemberContext extends BinaryOptions {
  /** The database name, read from the schema. */
  readonly database: string;
  /** Whether members listen on their fixed tcp port. */
  readonly tcp: boolean;
}

/**
 * One raft member's lasting identity (directory, db file, raft address, fixed client tcp
 * port) and the ovsdb-server process currently running it, if any. A restart replaces the
 * process, never the addresses.
 */
export class RaftMember {
  readonly index: number;
  readonly dir: string;
  readonly dbFile: string;
  /** Where the other members reach it, e.g. `tcp:127.0.0.1:PORT` (stored in the db file). */
  readonly raftAddress: string;
  /** The fixed client port, when tcp is on. */
  readonly tcpPort: number | undefined;
  /** The loopback address the client port is on. */
  readonly tcpHost: string;
  readonly #context: RaftMemberContext;
  #server: RunningServer | undefined;
  #alive = false;

  constructor(
    context: RaftMemberContext,
    spec: {
      index: number;
      dir: string;
      dbFile: string;
      raftAddress: string;
      tcpPort: number | undefined;
      tcpHost?: string;
    },
  ) {
    this.#context = context;
    this.index = spec.index;
    this.dir = spec.dir;
    this.dbFile = spec.dbFile;
    this.raftAddress = spec.raftAddress;
    this.tcpPort = spec.tcpPort;
    this.tcpHost = spec.tcpHost ?? '127.0.0.1';
  }

  /** The latest process started for this member (it may have exited since). */
  get server(): RunningServer | undefined {
    return this.#server;
  }

  /** True while the latest process has not exited. */
  get running(): boolean {
    return this.#alive;
  }

  /** Starts ovsdb-server on the member's db file and addresses; resolves when it accepts. */
  async start(startTimeoutMs: number): Promise<RunningServer> {
    const server = await launchOvsdbServer({
      ...this.#context,
      dir: this.dir,
      ownsDir: false,
      dbFiles: [this.dbFile],
      tcp: this.#context.tcp,
      tcpPort: this.tcpPort,
      tcpHost: this.tcpHost,
      pki: undefined,
      ws: false,
      wss: false,
      extraArgs: [],
      startTimeoutMs,
    });
    this.#server = server;
    this.#alive = true;
    void server.exited.then(() => {
      if (this.#server === server) this.#alive = false;
    });
    return server;
  }

  /** Stops the current process by PID (SIGTERM, then SIGKILL); keeps every file. */
  async stop(): Promise<void> {
    await this.#server?.stop();
  }

  /** The member's `cluster/status`, or undefined when it is down or does not answer. */
  async status(): Promise<ClusterStatus | undefined> {
    if (!this.#alive || this.#server === undefined) return undefined;
    try {
      return parseClusterStatus(await this.#server.appctl('cluster/status', this.#context.database));
    } catch {
      return undefined;
    }
  }
}
