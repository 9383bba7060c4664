/**
 * The database of the initial-monitor benchmark, built as ../shared/perf/run_monitor.py
 * builds its own so that figures compare: a fresh OVN_Northbound, a router `lr0`, then
 * 1000 transactions of 100 routes each into it (W2's shape: prefixes 10.x.y.z/32, nexthop
 * 192.168.0.1, window 16), plus the empty `lr0-warmup` router the reference client adds,
 * and finally `ovsdb-tool compact`. Kept as a file and copied for every measured server.
 */
import { op } from '../src/index.js';
import { buildNbFile } from './nb-template-file.js';
import { transactionOps } from './workload.js';

const ROUTES_PER_TXN = 100;
const WINDOW = 16;

/** Builds the template with `routes` routes (a multiple of 100) in lr0 at `path`. */
export async function buildRoutesTemplate(path: string, routes: number, workDir: string): Promise<void> {
  if (routes % ROUTES_PER_TXN !== 0) throw new Error(`routes must be a multiple of ${ROUTES_PER_TXN}`);
  await buildNbFile(path, workDir, async (client) => {
    const [lr] = await client.transact('OVN_Northbound', [
      op.insert('Logical_Router', { name: 'lr0' }),
      op.insert('Logical_Router', { name: 'lr0-warmup' }),
    ]);
    const router = (lr as { uuid: [string, string] }).uuid[1];
    const txns = routes / ROUTES_PER_TXN;
    let next = 0;
    const worker = async () => {
      while (next < txns) {
        const t = next++;
        await client.transact('OVN_Northbound', transactionOps(t, ROUTES_PER_TXN, router, 10));
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
  });
}
