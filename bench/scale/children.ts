/**
 * The child-process measures of `npm run bench:scale`, each on a fresh server holding a copy
 * of the generated database: the initial sync of the whole Northbound (ovndb's replica, a raw
 * monitor + JSON.parse client, the Python IDL) and the burst (another client inserts routes
 * in many transactions while a replica's change stream, or the Python IDL, consumes them).
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { serverOnTemplate } from '../monitor-suite.js';
import { systemPython } from '../peers.js';
import { transactionOps } from '../workload.js';
import { vpcName } from './nb-shape.js';
import { RawTransactClient } from './raw-transact.js';

const run = promisify(execFile);
const here = import.meta.dirname;
const CHILD_TIMEOUT_MS = 600_000;

/** The sync clients. */
export type SyncClient = 'replica' | 'raw' | 'py-idl';

function command(client: SyncClient, remote: string, burst?: number): [string, string[]] {
  const more = burst === undefined ? [] : ['--burst', String(burst)];
  if (client === 'py-idl')
    return [
      systemPython,
      [join(here, 'py_idl_sync.py'), remote, ...(burst === undefined ? [] : [String(burst)])],
    ];
  return [
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(here, 'sync-child.ts'),
      '--client',
      client,
      '--remote',
      remote,
      ...more,
    ],
  ];
}

/** One client's initial sync of the whole database on a fresh server. */
export async function measureSync(
  client: SyncClient,
  template: string,
  tmp: string,
): Promise<Record<string, unknown>> {
  const server = await serverOnTemplate(template, tmp);
  try {
    const [file, args] = command(client, server.unix);
    const { stdout } = await run(file, args, {
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 1 << 20,
      env: { ...process.env, OVNDB_PEER_TIMEOUT_S: String(CHILD_TIMEOUT_MS / 1000) },
    });
    return { measure: 'sync', ...(JSON.parse(stdout.trim().split('\n').pop()!) as object), client };
  } finally {
    await server.stop();
  }
}

/**
 * `routes` route inserts into vpc-0 in `txns` transactions by a raw client, one after the
 * other, while `consumer` (synced first, on the whole database) consumes the changes: the lag
 * from the last commit's reply to the last change seen, and the consumer's peak RSS.
 */
export async function measureBurst(
  consumer: 'replica' | 'py-idl',
  template: string,
  tmp: string,
  routes: number,
  txns: number,
): Promise<Record<string, unknown>> {
  const server = await serverOnTemplate(template, tmp);
  const perTxn = Math.ceil(routes / txns);
  const want = perTxn * txns + txns;
  const [file, args] = command(consumer === 'replica' ? 'replica' : 'py-idl', server.unix, want);
  const child = spawn(file, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OVNDB_PEER_TIMEOUT_S: String(CHILD_TIMEOUT_MS / 1000) },
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<Record<string, unknown>> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${consumer} burst consumer exited before reporting`);
      if (value.startsWith('{')) return JSON.parse(value) as Record<string, unknown>;
    }
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  try {
    const synced = await nextLine();
    const raw = await RawTransactClient.open(server.unix);
    const [select] = (await raw.transact([
      { op: 'select', table: 'Logical_Router', where: [['name', '==', vpcName(0)]], columns: ['_uuid'] },
    ])) as { rows: { _uuid: [string, string] }[] }[];
    const router = select!.rows[0]!._uuid[1];
    const t0 = performance.now();
    for (let t = 0; t < txns; t++) await raw.transact(transactionOps(t, perTxn, router, 12));
    const lastCommit = performance.timeOrigin + performance.now();
    const writeS = (performance.now() - t0) / 1000;
    raw.close();
    const done = await nextLine();
    return {
      measure: 'burst',
      client: consumer,
      routes: perTxn * txns,
      txns,
      changes: done.changes,
      expected_changes: want,
      write_s: +writeS.toFixed(3),
      lag_ms: +(Number(done.last_change_ms) - lastCommit).toFixed(1),
      longest_block_ms: done.longest_block_ms,
      longest_block_cpu_ms: done.longest_block_cpu_ms,
      synced_rss_mb: synced.peak_rss_mb,
      peak_rss_mb: done.peak_rss_mb,
    };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill();
    await server.stop();
  }
}
