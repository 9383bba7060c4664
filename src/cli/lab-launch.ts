/** Starts the servers of a lab (the test launcher of `ovndb/testing`) and describes its remotes. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIcLab } from '../testing/ic-lab.js';
import { type RunningNorthd, startNorthd } from '../testing/northd.js';
import { startOvnSandbox } from '../testing/ovn-sandbox.js';
import { type RaftCluster, startRaftCluster } from '../testing/raft-cluster.js';
import { ovnSchemaPath } from '../testing/schema-path.js';
import { ServerStartError } from '../testing/testing-errors.js';
import type { LabDescription, LabNorthd } from './lab-state.js';

/** What `lab up` asks for. */
export interface LabRequest {
  /** Members per database: 1 (standalone) or 3 (raft). */
  readonly raft: 1 | 3;
  /** OVN-IC: IC-NB and IC-SB plus availability zones with ovn-ic. */
  readonly ic: boolean;
  /** Availability zones of an IC lab. */
  readonly azs: number;
  /** ovn-northd on the NB and SB (an IC lab's zones always have theirs). @default true */
  readonly northd?: boolean;
}

/** A started lab: its description (without the owner's PID) and how to stop it. */
export interface StartedLab {
  readonly description: Omit<LabDescription, 'pid' | 'startedAt'>;
  stop(): Promise<void>;
}

/** How long northd may take to process the empty Northbound database of a raft lab. */
const NORTHD_START_MS = 30_000;

const northdEntry = (name: string, pid: number, logFile: string): LabNorthd => ({
  name,
  pid,
  running: true,
  logFile,
});

/** Starts what `request` asks for; every process dies with this one if it is not stopped. */
export async function startLab(request: LabRequest): Promise<StartedLab> {
  if (request.ic) {
    const lab = await startIcLab({ azs: request.azs, icMembers: request.raft });
    const remotes: Record<string, string> = { OVN_IC_NB_DB: lab.icNbRemote, OVN_IC_SB_DB: lab.icSbRemote };
    const northd: LabNorthd[] = [];
    for (const az of lab.azs) {
      const prefix = `OVN_${az.name.toUpperCase()}`;
      remotes[`${prefix}_NB_DB`] = az.sandbox.nbRemote;
      remotes[`${prefix}_SB_DB`] = az.sandbox.sbRemote;
      const { northdPid, northdLogPath } = az.sandbox;
      if (northdPid !== undefined && northdLogPath !== undefined)
        northd.push(northdEntry(`${prefix}_NORTHD_PID`, northdPid, northdLogPath));
    }
    return { description: { kind: 'ic', remotes, northd, pids: lab.pids() }, stop: () => lab.stop() };
  }
  if (request.raft === 3) return startRaftLab(request.northd ?? true);
  const sandbox = await startOvnSandbox({ tcp: true, northd: request.northd ?? true });
  const { northdPid, northdLogPath } = sandbox;
  return {
    description: {
      kind: 'ovn',
      remotes: {
        OVN_NB_DB: sandbox.nbRemote,
        OVN_SB_DB: sandbox.sbRemote,
        OVN_NB_DB_TCP: sandbox.nb.tcp!,
        OVN_SB_DB_TCP: sandbox.sb.tcp!,
      },
      northd:
        northdPid !== undefined && northdLogPath !== undefined
          ? [northdEntry('OVN_NORTHD_PID', northdPid, northdLogPath)]
          : [],
      pids: [sandbox.nb.pid, sandbox.sb.pid, ...(northdPid !== undefined ? [northdPid] : [])],
    },
    stop: () => sandbox.stop(),
  };
}

/**
 * NB and SB as 3-member raft clusters and, unless `withNorthd` is false, ovn-northd on the
 * unix sockets of every member of both (as in production, it follows the leaders); resolves
 * once northd has processed the empty Northbound database.
 */
async function startRaftLab(withNorthd: boolean): Promise<StartedLab> {
  const clusters: RaftCluster[] = [];
  let northd: RunningNorthd | undefined;
  let northdDir: string | undefined;
  const stop = async (): Promise<void> => {
    // northd first: stopping the databases under it only makes it log reconnect noise.
    await northd?.stop();
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    if (northdDir !== undefined) await rm(northdDir, { recursive: true, force: true });
  };
  try {
    const nb = await startRaftCluster({ schema: ovnSchemaPath('nb') });
    clusters.push(nb);
    const sb = await startRaftCluster({ schema: ovnSchemaPath('sb') });
    clusters.push(sb);
    if (withNorthd) {
      northdDir = await mkdtemp(join(tmpdir(), 'ovndb-lab-northd-'));
      northd = await startNorthd({ nbRemote: nb.remotes, sbRemote: sb.remotes, dir: northdDir });
      try {
        await northd.sync(NORTHD_START_MS);
      } catch (error) {
        throw new ServerStartError(
          'ovn-northd did not process the empty Northbound database',
          await northd.process.tail(),
          error,
        );
      }
    }
    return {
      description: {
        kind: 'raft',
        remotes: {
          OVN_NB_DB: nb.tcpRemotes,
          OVN_SB_DB: sb.tcpRemotes,
          OVN_NB_DB_UNIX: nb.remotes,
          OVN_SB_DB_UNIX: sb.remotes,
        },
        northd: northd === undefined ? [] : [northdEntry('OVN_NORTHD_PID', northd.pid, northd.logPath)],
        pids: [
          ...[...nb.members, ...sb.members].map((m) => m.pid),
          ...(northd === undefined ? [] : [northd.pid]),
        ],
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
