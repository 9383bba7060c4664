/**
 * `npm run bench`: transaction throughput of ovndb's `transact` against a raw pipelined client
 * (and the reference raw client in ../shared/perf when present), each run on a fresh
 * ovsdb-server, repetitions interleaved. Prints one JSON line per run, then a markdown table.
 *
 *   npm run bench -- --reps 10 --transports unix,tcp --workloads W1,W2 --windows 1,128 [--txns N] [--json]
 *
 * Transports: `unix`, `tcp` (one standalone server), `raft` (a fresh 3-member cluster, clients
 * on the leader's unix socket). Clients: see docs/benchmarks.md.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { connect, op } from '../src/index.js';
import { ovnSchemaPath, startOvsdbServer, startRaftCluster } from '../src/testing/index.js';
import { runOvndb, runOvndbCache } from './ovndb-client.js';
import { runRaw } from './raw-client.js';
import { runRawMonitor } from './raw-monitor-client.js';
import { hasSharedRaw, runSharedRaw } from './shared-raw.js';
import { markdownTable, summarize } from './summary.js';
import { type RunResult, type Workload, workloads } from './workload.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '10' },
    transports: { type: 'string', default: 'unix,tcp' },
    workloads: { type: 'string', default: 'W1,W2' },
    windows: { type: 'string', default: '1,128' },
    clients: { type: 'string', default: 'shared-raw,raw,ovndb,ovndb-nocheck' },
    txns: { type: 'string' },
    json: { type: 'boolean', default: false },
    tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
  },
});

// Servers keep their databases in memory-backed storage where there is some, so that disk
// latency does not add noise to a comparison of clients.
process.env.TMPDIR = args.tmpdir;
// Ctrl-C or a kill: exit through 'exit', where the launcher stops every server it started.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

type ClientName = 'shared-raw' | 'raw' | 'raw-monitor' | 'ovndb' | 'ovndb-nocheck' | 'ovndb-cache';

/** A server to run against: one standalone ovsdb-server, or the leader of a raft cluster. */
async function startServer(
  transport: string,
): Promise<{ remote: string; unix: string; stop(): Promise<void> }> {
  if (transport === 'raft') {
    const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: false });
    try {
      const leader = await cluster.leader();
      return { remote: leader.unix, unix: leader.unix, stop: cluster.stop };
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }
  const server = await startOvsdbServer({ schemas: [ovnSchemaPath('nb')], tcp: transport === 'tcp' });
  return {
    remote: transport === 'tcp' ? server.tcp! : server.unix,
    unix: server.unix,
    stop: () => server.stop(),
  };
}

async function oneRun(
  client: ClientName,
  transport: string,
  workload: Workload,
  window: number,
): Promise<RunResult> {
  const server = await startServer(transport);
  try {
    const remote = server.remote;
    // Untimed setup: the router under test (and, for our clients, the warm-up router).
    const setup = await connect(server.unix);
    const [lr, warm] = await setup.transact('OVN_Northbound', [
      op.insert('Logical_Router', { name: 'lr0' }),
      ...(client === 'shared-raw' ? [] : [op.insert('Logical_Router', { name: 'lr0-warmup' })]),
    ]);
    await setup.close();
    const router = (lr as { uuid: [string, string] }).uuid[1];
    const warmRouter = (warm as { uuid: [string, string] } | undefined)?.uuid[1] ?? '';
    const target = { transport, workload, window, router, warmRouter };
    if (client === 'shared-raw') return await runSharedRaw(remote, target);
    if (client === 'raw') return await runRaw(remote, target);
    if (client === 'raw-monitor') return await runRawMonitor(remote, target);
    if (client === 'ovndb-cache') return await runOvndbCache(remote, target);
    return await runOvndb(remote, target, client === 'ovndb');
  } finally {
    await server.stop();
  }
}

const clients = args.clients.split(',').filter((c) => c !== 'shared-raw' || hasSharedRaw()) as ClientName[];
if (!hasSharedRaw())
  process.stderr.write('note: ../shared/perf/raw-pipeline.mjs not found; running without it\n');
const results: RunResult[] = [];
const reps = Number(args.reps);
for (let rep = 0; rep < reps; rep++) {
  for (const transport of args.transports.split(',')) {
    for (const name of args.workloads.split(',') as ('W1' | 'W2')[]) {
      const workload = { ...workloads[name], ...(args.txns ? { txns: Number(args.txns) } : {}) };
      for (const window of args.windows.split(',').map(Number)) {
        // Interleave clients within a repetition so that drift affects all alike.
        const order = rep % 2 === 0 ? clients : [...clients].reverse();
        for (const client of order) {
          const r = { ...(await oneRun(client, transport, workload, window)), rep };
          results.push(r);
          process.stdout.write(`${JSON.stringify(r)}\n`);
        }
      }
    }
  }
}
if (!args.json) process.stdout.write(`\n${markdownTable(summarize(results))}\n`);
