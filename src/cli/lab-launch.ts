/** Starts the servers of a lab (the test launcher of `ovndb/testing`) and describes its remotes. */
import { startIcLab } from '../testing/ic-lab.js';
import { startOvnSandbox } from '../testing/ovn-sandbox.js';
import { startRaftCluster } from '../testing/raft-cluster.js';
import { ovnSchemaPath } from '../testing/schema-path.js';
import type { LabDescription } from './lab-state.js';

/** What `lab up` asks for. */
export interface LabRequest {
  /** Members per database: 1 (standalone) or 3 (raft). */
  readonly raft: 1 | 3;
  /** OVN-IC: IC-NB and IC-SB plus availability zones with ovn-ic. */
  readonly ic: boolean;
  /** Availability zones of an IC lab. */
  readonly azs: number;
}

/** A started lab: its description (without the owner's PID) and how to stop it. */
export interface StartedLab {
  readonly description: Omit<LabDescription, 'pid' | 'startedAt'>;
  stop(): Promise<void>;
}

/** Starts what `request` asks for; every process dies with this one if it is not stopped. */
export async function startLab(request: LabRequest): Promise<StartedLab> {
  if (request.ic) {
    const lab = await startIcLab({ azs: request.azs, icMembers: request.raft });
    const remotes: Record<string, string> = { OVN_IC_NB_DB: lab.icNbRemote, OVN_IC_SB_DB: lab.icSbRemote };
    for (const az of lab.azs) {
      const prefix = `OVN_${az.name.toUpperCase()}`;
      remotes[`${prefix}_NB_DB`] = az.sandbox.nbRemote;
      remotes[`${prefix}_SB_DB`] = az.sandbox.sbRemote;
    }
    return { description: { kind: 'ic', remotes, pids: lab.pids() }, stop: () => lab.stop() };
  }
  if (request.raft === 3) {
    const nb = await startRaftCluster({ schema: ovnSchemaPath('nb') });
    try {
      const sb = await startRaftCluster({ schema: ovnSchemaPath('sb') });
      const pids = [...nb.members, ...sb.members].map((m) => m.pid);
      return {
        description: {
          kind: 'raft',
          remotes: {
            OVN_NB_DB: nb.tcpRemotes,
            OVN_SB_DB: sb.tcpRemotes,
            OVN_NB_DB_UNIX: nb.remotes,
            OVN_SB_DB_UNIX: sb.remotes,
          },
          pids,
        },
        stop: async () => {
          await Promise.all([nb.stop(), sb.stop()]);
        },
      };
    } catch (error) {
      await nb.stop();
      throw error;
    }
  }
  const sandbox = await startOvnSandbox({ tcp: true });
  return {
    description: {
      kind: 'ovn',
      remotes: {
        OVN_NB_DB: sandbox.nbRemote,
        OVN_SB_DB: sandbox.sbRemote,
        OVN_NB_DB_TCP: sandbox.nb.tcp!,
        OVN_SB_DB_TCP: sandbox.sb.tcp!,
      },
      pids: [sandbox.nb.pid, sandbox.sb.pid, ...(sandbox.northdPid ? [sandbox.northdPid] : [])],
    },
    stop: () => sandbox.stop(),
  };
}
