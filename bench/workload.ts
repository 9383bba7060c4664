/**
 * The transaction workloads: every client inserts Logical_Router_Static_Route rows into one
 * router, each transaction `insert` x rows + `mutate Logical_Router.static_routes insert`
 * (the shape of `ovn-nbctl lr-route-add`). W1 = 1 route per transaction, W2 = 100.
 */
import type { Operation } from '../src/index.js';

/** A workload's size. */
export interface Workload {
  name: 'W1' | 'W2';
  rows: number;
  txns: number;
}

/** The default sizes, as the peers' baselines were taken. */
export const workloads: Record<'W1' | 'W2', Workload> = {
  W1: { name: 'W1', rows: 1, txns: 5000 },
  W2: { name: 'W2', rows: 100, txns: 200 },
};

/** The i-th /32 prefix under `octet`. */
export function prefix(i: number, octet = 10): string {
  return `${octet}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
}

/** The operations of transaction `t` of a workload against the router with UUID `router`. */
export function transactionOps(t: number, rows: number, router: string, octet = 10): Operation[] {
  const ops: Operation[] = [];
  const names: ['named-uuid', string][] = [];
  for (let j = 0; j < rows; j++) {
    ops.push({
      op: 'insert',
      table: 'Logical_Router_Static_Route',
      'uuid-name': `r${j}`,
      row: { ip_prefix: prefix(t * rows + j, octet), nexthop: '192.168.0.1' },
    });
    names.push(['named-uuid', `r${j}`]);
  }
  ops.push({
    op: 'mutate',
    table: 'Logical_Router',
    where: [['_uuid', '==', ['uuid', router]]],
    mutations: [['static_routes', 'insert', ['set', names]]],
  });
  return ops;
}

/** One measured run, as a JSON line. */
export interface RunResult {
  client: string;
  transport: string;
  workload: string;
  window: number;
  rows: number;
  txns: number;
  seconds: number;
  txn_per_s: number;
  rows_per_s: number;
  failed: number;
  rep?: number;
}

/** What one run measures: a workload, a transport, a window and the routers to write into. */
export interface RunTarget {
  transport: string;
  workload: Workload;
  window: number;
  /** UUID of the router under test (starts empty). */
  router: string;
  /** UUID of the router that takes the untimed warm-up rows. */
  warmRouter: string;
  /**
   * Stop issuing transactions this long after the measured pass starts (those in flight
   * finish); the rates are over the transactions done. @default no limit
   */
  durationMs?: number;
}

/** Rows committed, untimed, before every measured pass, so that V8 has optimized the hot path. */
export const WARMUP_ROWS = 2000;

/** The warm-up transactions of a workload. */
export function warmupTxns(workload: Workload): number {
  return Math.round(WARMUP_ROWS / workload.rows);
}

/** The JSON line of a run that completed `done` transactions (all of the workload's by default). */
export function result(
  client: string,
  target: RunTarget,
  failed: number,
  seconds: number,
  done = target.workload.txns,
): RunResult {
  const { transport, workload, window } = target;
  return {
    client,
    transport,
    workload: workload.name,
    window,
    rows: workload.rows,
    txns: done,
    failed,
    seconds: +seconds.toFixed(4),
    txn_per_s: +(done / seconds).toFixed(1),
    rows_per_s: +((done * workload.rows) / seconds).toFixed(1),
  };
}

/** The moment (performance.now() ms) a pass that starts at `t0` stops issuing, or Infinity. */
export function deadlineOf(t0: number, durationMs: number | undefined): number {
  return durationMs === undefined ? Number.POSITIVE_INFINITY : t0 + durationMs;
}
