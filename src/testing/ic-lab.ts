/**
 * A throwaway OVN-IC deployment on one machine, for end-to-end tests of interconnection code:
 * IC-NB and IC-SB (raft clusters whose members share one client port on 127.0.0.1, .2, .3,
 * addressed by a Kube-OVN `ic-db-host` list) and, per availability zone, an OVN sandbox (NB,
 * SB, ovn-northd) with its own `ovn-ic`. No ovs-vswitchd or ovn-controller: transit switch
 * ports and route advertisement/learning need neither. The lab configures nothing of OVN-IC
 * (AZ names, transit switches, routers): that is what the code under test writes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findBinary } from './binaries.js';
import { IcLabAzControl } from './ic-lab-az.js';
import type { IcLab, IcLabOptions } from './ic-lab-types.js';
import { type OvnSandbox, startOvnSandbox } from './ovn-sandbox.js';
import { IcLabStartError } from './ovn-testing-errors.js';
import { type RaftCluster, startRaftCluster } from './raft-cluster.js';
import { runCommand } from './run-command.js';
import { ovnSchemaPath } from './schema-path.js';

export { normalizePrefix } from './ic-lab-az.js';
export type {
  IcLab,
  IcLabAz,
  IcLabLearnedRoute,
  IcLabOptions,
  IcLabWaitOptions,
} from './ic-lab-types.js';

/** The loopback addresses of a 3-member IC database, as an `ic-db-host` list names them. */
const IC_HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'] as const;

/** Kube-OVN's `genHostAddress`: `tcp:[host]:port` per host, joined by commas. */
function kubeOvnRemote(hosts: readonly string[], port: number): string {
  return hosts.map((host) => `tcp:[${host}]:${port}`).join(',');
}

/** The shared client port of a cluster started with `sameClientPort`. */
function clientPort(cluster: RaftCluster): number {
  return Number(cluster.tcpRemotes.split(',')[0]?.split(':').pop());
}

/** The error's log tail when it carries one (ServerStartError, NorthdTimeoutError...). */
function tailOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { logTail, stderr } = error as { logTail?: unknown; stderr?: unknown };
  return typeof logTail === 'string' ? logTail : typeof stderr === 'string' ? stderr : '';
}

/** Runs `step`; any failure becomes an {@link IcLabStartError} naming `stage`. */
async function stage<T>(name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof IcLabStartError) throw error;
    const problem = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new IcLabStartError(name, problem, tailOf(error), error);
  }
}

/**
 * Starts IC-NB and IC-SB (`ovn-ic-nbctl init`, `ovn-ic-sbctl init`), one OVN sandbox per AZ
 * in `<dir>/azN`, and (unless `startIc: false`) every AZ's ovn-ic with `--ic-nb-db` and
 * `--ic-sb-db` set to the Kube-OVN style tcp lists. Resolves once every cluster member knows
 * a leader, every northd has processed its empty Northbound database and every ovn-ic holds
 * its lock. Rejects with {@link IcLabStartError} (stage and log tail) after stopping whatever
 * it had started.
 */
export async function startIcLab(options: IcLabOptions = {}): Promise<IcLab> {
  const azCount = options.azs ?? 2;
  const members = options.icMembers ?? 3;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const left = (): number => Math.max(1, deadline - Date.now());
  const ownsDir = options.dir === undefined;
  const dir = resolve(options.dir ?? (await mkdtemp(join(tmpdir(), 'ovndb-ic-lab-'))));
  const clusters: RaftCluster[] = [];
  const sandboxes: OvnSandbox[] = [];
  const azs: IcLabAzControl[] = [];
  const stopAll = async (): Promise<void> => {
    // ovn-ic first: stopping its databases under it only makes it log reconnect noise.
    await Promise.all(azs.map((az) => az.stopIc()));
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(dir, { recursive: true });
    const [icPath, nbctlPath, icnbctlPath, icsbctlPath] = await stage('binaries', () =>
      Promise.all([
        findBinary('ovn-ic', options),
        findBinary('ovn-nbctl', options),
        findBinary('ovn-ic-nbctl', options),
        findBinary('ovn-ic-sbctl', options),
      ]),
    );
    const hosts = IC_HOSTS.slice(0, members);
    const startCluster = (name: string, schema: 'ic-nb' | 'ic-sb') =>
      stage(`${name} cluster`, async () => {
        const cluster = await startRaftCluster({
          ...options,
          schema: ovnSchemaPath(schema),
          members,
          hosts,
          sameClientPort: true,
          startTimeoutMs: left(),
          ...(options.electionTimerMs === undefined ? {} : { electionTimerMs: options.electionTimerMs }),
        });
        clusters.push(cluster);
        return cluster;
      });
    const [icNb, icSb] = await Promise.all([startCluster('IC-NB', 'ic-nb'), startCluster('IC-SB', 'ic-sb')]);
    const icNbPort = clientPort(icNb);
    const icSbPort = clientPort(icSb);
    const icNbRemote = kubeOvnRemote(hosts, icNbPort);
    const icSbRemote = kubeOvnRemote(hosts, icSbPort);
    const icnbctl = (...args: string[]): Promise<string> =>
      runCommand(icnbctlPath, [`--db=${icNbRemote}`, ...args], { cwd: dir });
    const icsbctl = (...args: string[]): Promise<string> =>
      runCommand(icsbctlPath, [`--db=${icSbRemote}`, ...args], { cwd: dir });
    await stage('IC-NB init', () => icnbctl('init'));
    await stage('IC-SB init', () => icsbctl('init'));

    const wiring = {
      icPath,
      nbctlPath,
      icNbRemote,
      icSbRemote,
      icDbHost: hosts.join(','),
      icNbPort,
      icSbPort,
    };
    await Promise.all(
      Array.from({ length: azCount }, (_, i) =>
        stage(`az${i + 1} sandbox`, async () => {
          const sandbox = await startOvnSandbox({
            ...options,
            dir: join(dir, `az${i + 1}`),
            startTimeoutMs: left(),
          });
          sandboxes.push(sandbox);
          return sandbox;
        }).then((sandbox) => {
          azs[i] = new IcLabAzControl(i, sandbox, wiring);
        }),
      ),
    );
    if (options.startIc ?? true) await Promise.all(azs.map((az) => az.startIc(left())));

    let stopping: Promise<void> | undefined;
    return {
      dir,
      icNb,
      icSb,
      icDbHost: wiring.icDbHost,
      icNbPort,
      icSbPort,
      icNbRemote,
      icSbRemote,
      azs,
      icnbctl,
      icsbctl,
      pids: () => livePids(clusters, azs),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Every lab process not yet seen to exit. */
function livePids(clusters: readonly RaftCluster[], azs: readonly IcLabAzControl[]): number[] {
  const pids: number[] = [];
  for (const cluster of clusters) {
    cluster.members.forEach((member, i) => {
      if (cluster.isRunning(i)) pids.push(member.pid);
    });
  }
  for (const az of azs) {
    pids.push(az.sandbox.nb.pid, az.sandbox.sb.pid);
    if (az.sandbox.northdPid !== undefined) pids.push(az.sandbox.northdPid);
    if (az.icPid !== undefined) pids.push(az.icPid);
  }
  return pids;
}
