/**
 * The throughput benchmark as a list of runs: every client on every transport, workload and
 * window, each run on a fresh server (or on the user's own server, in a router of its own),
 * repetitions interleaved so that drift affects every client alike.
 */
import { randomUUID } from 'node:crypto';
import { connect, op } from '../src/index.js';
import { ovnSchemaPath, startOvsdbServer, startRaftCluster } from '../src/testing/index.js';
import { runOvndb, runOvndbCache, runOvndbTyped } from './ovndb-client.js';
import { type PeerName, peerNames, peerSize, runPeer } from './peers.js';
import { runRaw } from './raw-client.js';
import { runRawMonitor } from './raw-monitor-client.js';
import { hasSharedRaw, runSharedRaw } from './shared-raw.js';
import { type RunResult, type Workload, workloads } from './workload.js';

/** Every client the throughput benchmark knows. */
export const throughputClients = [
  'raw',
  'ovndb-typed',
  'ovndb',
  'ovndb-nocheck',
  'ovndb-cache',
  'raw-monitor',
  'shared-raw',
  ...peerNames,
] as const;

/** A client of the throughput benchmark. */
export type ThroughputClient = (typeof throughputClients)[number];

const isPeer = (client: ThroughputClient): client is PeerName =>
  (peerNames as readonly string[]).includes(client);

/** What to run. */
export interface ThroughputPlan {
  reps: number;
  /** `unix`, `tcp`, `raft` (fresh servers), or `remote` with {@link ThroughputPlan.remote}. */
  transports: string[];
  workloads: Workload[];
  windows: number[];
  clients: ThroughputClient[];
  /** The user's own OVN_Northbound: runs go there instead of fresh servers. */
  remote?: string;
  /** Transactions per run (peers run their baselines' sizes, capped by this). */
  txns?: number;
  /** Per-run time cap (see `RunTarget.durationMs`). */
  durationMs?: number;
}

/** One run of a plan. */
export interface PlannedRun {
  rep: number;
  transport: string;
  workload: Workload;
  window: number;
  client: ThroughputClient;
}

/** Windows a client can run at: peers commit one transaction at a time (the Python IDL also keeps 16 in flight). */
function runsAt(client: ThroughputClient, window: number): boolean {
  if (!isPeer(client)) return true;
  return window === 1 || (client === 'py-idl' && window === 16);
}

/** Every run of `plan`, in the order they are made: clients reversed on odd repetitions. */
export function planThroughput(plan: ThroughputPlan): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (let rep = 0; rep < plan.reps; rep++) {
    for (const transport of plan.transports) {
      for (const workload of plan.workloads) {
        for (const window of plan.windows) {
          const order = rep % 2 === 0 ? plan.clients : [...plan.clients].reverse();
          for (const client of order) {
            if (client === 'shared-raw' && !hasSharedRaw()) continue;
            if (runsAt(client, window)) runs.push({ rep, transport, workload, window, client });
          }
        }
      }
    }
  }
  return runs;
}

interface Server {
  /** What the client connects to. */
  remote: string;
  /** Where the untimed setup connects. */
  setupRemote: string;
  stop(): Promise<void>;
}

/** A fresh server for one run: standalone (unix or tcp), or a 3-member cluster (its leader's unix socket). */
async function freshServer(transport: string): Promise<Server> {
  if (transport === 'raft') {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: false });
    try {
      const leader = await cluster.leader();
      return { remote: leader.unix, setupRemote: leader.unix, stop: () => cluster.stop() };
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: transport === 'tcp' });
  return {
    remote: transport === 'tcp' ? server.tcp! : server.unix,
    setupRemote: server.unix,
    stop: () => server.stop(),
  };
}

/** The user's server: nothing to start or stop. */
function userServer(remote: string): Server {
  return { remote, setupRemote: remote, stop: async () => {} };
}

/**
 * Makes one run: a server, the routers it writes into (created untimed; on a user's server
 * named `ovndb-bench-*` and deleted afterwards with their routes), then the client.
 */
export async function runThroughput(
  run: PlannedRun,
  plan: ThroughputPlan,
): Promise<RunResult & { rep: number }> {
  const server = run.transport === 'remote' ? userServer(plan.remote!) : await freshServer(run.transport);
  const own = run.transport === 'remote';
  const name = own ? `ovndb-bench-${randomUUID().slice(0, 8)}` : 'lr0';
  const setup = await connect(server.setupRemote);
  try {
    const [lr, warm] = (await setup.transact('OVN_Northbound', [
      op.insert('Logical_Router', { name }),
      op.insert('Logical_Router', { name: `${name}-warmup` }),
    ])) as [{ uuid: [string, string] }, { uuid: [string, string] }];
    // Peers run their baselines' sizes (they slow down as the router's set grows, so only the
    // same size compares); a smaller --txns still caps them.
    const peer = isPeer(run.client);
    const size = peer ? peerSize(run.client as PeerName, run.workload) : run.workload;
    const txns = plan.txns === undefined ? size.txns : peer ? Math.min(plan.txns, size.txns) : plan.txns;
    const workload = { ...size, txns };
    const target = {
      transport: run.transport,
      workload,
      window: run.window,
      router: lr.uuid[1],
      warmRouter: warm.uuid[1],
      ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
    };
    const remote = server.remote;
    let measured: RunResult;
    if (isPeer(run.client)) {
      measured = await runPeer(run.client, remote, target, { routerName: name });
    } else if (run.client === 'shared-raw') measured = await runSharedRaw(remote, target);
    else if (run.client === 'raw') measured = await runRaw(remote, target);
    else if (run.client === 'raw-monitor') measured = await runRawMonitor(remote, target);
    else if (run.client === 'ovndb-cache') measured = await runOvndbCache(remote, target);
    else if (run.client === 'ovndb-typed') measured = await runOvndbTyped(remote, target);
    else measured = await runOvndb(remote, target, run.client === 'ovndb');
    if (own) {
      // The routes go with their routers (they are not root rows).
      await setup.transact(
        'OVN_Northbound',
        [lr, warm].map((row) => op.delete('Logical_Router', [['_uuid', '==', ['uuid', row.uuid[1]]]])),
      );
    }
    return { ...measured, rep: run.rep };
  } finally {
    await setup.close();
    await server.stop();
  }
}

/** The throughput options of the bench commands, as `parseArgs` gives them. */
export interface ThroughputArgs {
  reps: string;
  transports: string;
  workloads: string;
  windows: string;
  clients: string;
  txns?: string | undefined;
  duration?: string | undefined;
  remote?: string | undefined;
}

/** The plan the options ask for; throws naming an unknown client or workload. */
export function throughputPlanOf(args: ThroughputArgs): ThroughputPlan {
  const clients = args.clients.split(',') as ThroughputClient[];
  for (const client of clients) {
    if (!throughputClients.includes(client)) {
      throw new Error(`unknown client ${client} (${throughputClients.join(', ')})`);
    }
  }
  return {
    reps: Number(args.reps),
    transports: args.remote ? ['remote'] : args.transports.split(','),
    workloads: args.workloads.split(',').map((name) => {
      const workload = workloads[name as 'W1' | 'W2'];
      if (workload === undefined) throw new Error(`unknown workload ${name} (W1, W2)`);
      return workload;
    }),
    windows: args.windows.split(',').map(Number),
    clients,
    ...(args.remote ? { remote: args.remote } : {}),
    ...(args.txns ? { txns: Number(args.txns) } : {}),
    ...(args.duration ? { durationMs: Number(args.duration) * 1000 } : {}),
  };
}
