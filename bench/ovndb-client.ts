/** The same workloads through ovndb's public API: `connect` and `transact`, schema checks on. */
import { performance } from 'node:perf_hooks';
import { connect, type OvsdbClient } from '../src/index.js';
import { type RunResult, type RunTarget, result, transactionOps, warmupTxns } from './workload.js';

async function pass(
  client: OvsdbClient,
  txns: number,
  window: number,
  opsOf: (t: number) => ReturnType<typeof transactionOps>,
): Promise<{ ms: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < txns) {
      const t = next++;
      try {
        await client.transact('OVN_Northbound', opsOf(t));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, txns) }, worker));
  return { ms: performance.now() - t0, failed };
}

/**
 * Measures ovndb's `transact` for one target; with `validate: false`, without the schema checks
 * that run before every send by default.
 */
export async function runOvndb(remote: string, target: RunTarget, validate = true): Promise<RunResult> {
  const { workload, window } = target;
  const client = await connect(remote, { validate });
  try {
    await pass(client, warmupTxns(workload), window, (t) =>
      transactionOps(t, workload.rows, target.warmRouter, 11),
    );
    const { ms, failed } = await pass(client, workload.txns, window, (t) =>
      transactionOps(t, workload.rows, target.router, 10),
    );
    return result(validate ? 'ovndb' : 'ovndb-nocheck', target, failed, ms / 1000);
  } finally {
    await client.close();
  }
}
