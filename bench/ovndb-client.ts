/** The same workloads through ovndb's public API: `connect` and `transact`, schema checks on. */
import { performance } from 'node:perf_hooks';
import {
  LogicalRouterStaticRouteTable,
  LogicalRouterTable,
  model as nbModel,
} from '../src/generated/nb/index.js';
import {
  connect,
  insertRow,
  mutateColumn,
  mutateRows,
  type NamedRef,
  type Operation,
  type OvsdbClient,
  Replica,
  toUuid,
  whereColumn,
} from '../src/index.js';
import { type CpuRunResult, cpuPerTxn } from './client-cpu.js';
import { deadlineOf, prefix, type RunTarget, result, transactionOps, warmupTxns } from './workload.js';

async function pass(
  client: OvsdbClient,
  txns: number,
  window: number,
  opsOf: (t: number) => Operation[],
  afterReply?: (results: unknown[]) => void,
  durationMs?: number,
): Promise<{ ms: number; failed: number; done: number }> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = deadlineOf(t0, durationMs);
  const worker = async () => {
    while (next < txns && performance.now() < deadline) {
      const t = next++;
      try {
        const results = await client.transact('OVN_Northbound', opsOf(t));
        afterReply?.(results);
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, txns) }, worker));
  return { ms: performance.now() - t0, failed, done: next };
}

/**
 * Warm-up, then the measured pass, of transactions built by `opsOf(t, router, octet)` on one
 * client; with the client's own CPU time per transaction during that pass.
 */
async function measureTransact(
  name: string,
  remote: string,
  target: RunTarget,
  opsOf: (t: number, rows: number, router: string, octet: number) => Operation[],
  validate = true,
): Promise<CpuRunResult> {
  const { workload, window } = target;
  const client = await connect(remote, { validate });
  try {
    await pass(client, warmupTxns(workload), window, (t) => opsOf(t, workload.rows, target.warmRouter, 11));
    const cpu = process.cpuUsage();
    const { ms, failed, done } = await pass(
      client,
      workload.txns,
      window,
      (t) => opsOf(t, workload.rows, target.router, 10),
      undefined,
      target.durationMs,
    );
    const cpuUs = cpuPerTxn(cpu, done);
    return { ...result(name, target, failed, ms / 1000, done), client_cpu_us_per_txn: cpuUs };
  } finally {
    await client.close();
  }
}

/**
 * Measures ovndb's `transact` for one target; with `validate: false`, without the schema checks
 * that run before every send by default.
 */
export function runOvndb(remote: string, target: RunTarget, validate = true): Promise<CpuRunResult> {
  return measureTransact(validate ? 'ovndb' : 'ovndb-nocheck', remote, target, transactionOps, validate);
}

/**
 * The workload as an application writes it with the typed API: `insertRow` and `mutateRows`
 * over the generated descriptors (values checked against the row types, encoded per column).
 */
export function typedTransactionOps(t: number, rows: number, router: string, octet = 10): Operation[] {
  const ops: Operation[] = [];
  const refs: NamedRef<'Logical_Router_Static_Route'>[] = [];
  for (let j = 0; j < rows; j++) {
    const route = insertRow(
      LogicalRouterStaticRouteTable,
      { ip_prefix: prefix(t * rows + j, octet), nexthop: '192.168.0.1' },
      { uuidName: `r${j}` },
    );
    ops.push(route.operation);
    refs.push(route.ref!);
  }
  ops.push(
    mutateRows(
      LogicalRouterTable,
      [whereColumn('_uuid', '==', toUuid<'Logical_Router'>(router))],
      [mutateColumn('static_routes', 'insert', refs)],
    ),
  );
  return ops;
}

/** Measures ovndb's typed API (typed builders, then `transact` with its schema checks). */
export function runOvndbTyped(remote: string, target: RunTarget): Promise<CpuRunResult> {
  return measureTransact('ovndb-typed', remote, target, typedTransactionOps);
}

/**
 * The `ovndb` client with a {@link Replica} over the two tables the workload writes, on the
 * same client: every update is applied to the replica, and each `transact` resolves after
 * its own update was (read-your-writes). At the end the router row in the replica must hold
 * exactly the routes written (plus `routesBefore` it held already), or the run throws.
 */
export async function runOvndbCache(
  remote: string,
  target: RunTarget,
  routesBefore = 0,
): Promise<CpuRunResult> {
  const { workload, window } = target;
  const client = await connect(remote);
  try {
    // The time the replica takes to apply each update: from the client's update3 event (this
    // listener runs before the replica's, registered later) to the replica's 'batch' event.
    let received = 0;
    let applyMs = 0;
    let applied = 0;
    client.on('update3', () => {
      received = performance.now();
    });
    const replica = await Replica.start(client, nbModel, {
      tables: { Logical_Router: true, Logical_Router_Static_Route: true },
    });
    replica.on('batch', () => {
      applyMs += performance.now() - received;
      applied++;
    });
    await pass(client, warmupTxns(workload), window, (t) =>
      transactionOps(t, workload.rows, target.warmRouter, 11),
    );
    // Read-your-writes, checked on every reply: the first route it inserted is in the replica.
    let unseen = 0;
    const cpu = process.cpuUsage();
    applyMs = 0;
    applied = 0;
    const { ms, failed, done } = await pass(
      client,
      workload.txns,
      window,
      (t) => transactionOps(t, workload.rows, target.router, 10),
      (results) => {
        const uuid = (results[0] as { uuid: [string, string] }).uuid[1];
        if (replica.get('Logical_Router_Static_Route', uuid) === undefined) unseen++;
      },
      target.durationMs,
    );
    const cpuUs = cpuPerTxn(cpu, done);
    if (unseen > 0) throw new Error(`${unseen} transactions resolved before the replica had their route`);
    const routes = replica.get('Logical_Router', target.router)?.static_routes.length;
    const expected = (done - failed) * workload.rows + routesBefore;
    if (routes !== expected) throw new Error(`replica router holds ${routes} routes, expected ${expected}`);
    await replica.close();
    return {
      ...result('ovndb-cache', target, failed, ms / 1000, done),
      client_cpu_us_per_txn: cpuUs,
      replica_apply_us_per_update: +((applyMs * 1000) / applied).toFixed(1),
    };
  } finally {
    await client.close();
  }
}
