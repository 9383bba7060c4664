/**
 * The client's own CPU time per transaction: user + system time of this process during a
 * timed pass. The server runs in another process, so this separates what the client spends
 * from what the server does, which throughput alone mixes.
 */
import type { RunResult } from './workload.js';

/** A run with the client's CPU microseconds per transaction. */
export type CpuRunResult = RunResult & {
  client_cpu_us_per_txn?: number;
  /** ovndb-cache only: mean time from an update's arrival to the replica's 'batch' event. */
  replica_apply_us_per_update?: number;
};

/** CPU microseconds of this process since `since` (a `process.cpuUsage()` reading), per transaction. */
export function cpuPerTxn(since: NodeJS.CpuUsage, txns: number): number {
  const used = process.cpuUsage(since);
  return +((used.user + used.system) / txns).toFixed(1);
}
