/**
 * The raw limit for a client that keeps a copy of what it writes: the raw pipelined client
 * plus, on the same session, a `monitor_cond` over every column of Logical_Router and
 * Logical_Router_Static_Route whose updates are parsed and indexed by UUID (the least a
 * replica must do). The server's cost of producing the updates is then in both this and
 * `ovndb-cache`, which the plain raw limit does not pay.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { JsonFrameSplitter } from '../src/rpc/frame-splitter.js';
import { type CpuRunResult, cpuPerTxn } from './client-cpu.js';
import { encodedRequests } from './raw-client.js';
import { openSocket } from './raw-socket.js';
import { type RunTarget, result } from './workload.js';

type TableUpdates2 = Record<string, Record<string, Record<string, unknown>>>;
type Message = { id: unknown; method?: string; params?: unknown[]; result?: unknown; error?: unknown };

/** Rows by UUID per table: kept current from `update2` notifications. */
class RawRows {
  readonly tables = new Map<string, Map<string, unknown>>();

  apply(updates: TableUpdates2): void {
    for (const table in updates) {
      let rows = this.tables.get(table);
      if (rows === undefined) {
        rows = new Map();
        this.tables.set(table, rows);
      }
      const byUuid = updates[table]!;
      for (const uuid in byUuid) {
        const u = byUuid[uuid]!;
        if ('delete' in u) rows.delete(uuid);
        // A modify carries only a diff; keeping it is as far as a raw client goes.
        else rows.set(uuid, u.initial ?? u.insert ?? u.modify);
      }
    }
  }
}

class Session {
  private handler: ((message: Message) => void) | undefined;
  outbox: string[] = [];
  readonly rows = new RawRows();
  notifications = 0;

  constructor(readonly socket: net.Socket) {
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (text) => {
        const message = JSON.parse(text) as Message;
        if (message.method === 'echo') {
          this.outbox.push(JSON.stringify({ id: message.id, result: message.params, error: null }));
        } else if (message.method === 'update2') {
          this.notifications++;
          this.rows.apply(message.params![1] as TableUpdates2);
        } else if (!message.method) this.handler?.(message);
      },
    });
    socket.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      this.flush();
    });
  }

  flush(): void {
    if (this.outbox.length > 0) {
      this.socket.write(this.outbox.join(''));
      this.outbox = [];
    }
  }

  onReply(handler: (message: Message) => void): void {
    this.handler = handler;
  }
}

function monitor(session: Session): Promise<void> {
  return new Promise((resolve, reject) => {
    session.onReply((message) => {
      if (message.error) return reject(new Error(JSON.stringify(message.error)));
      session.rows.apply(message.result as TableUpdates2);
      resolve();
    });
    session.socket.write(
      JSON.stringify({
        id: 'mon',
        method: 'monitor_cond',
        params: ['OVN_Northbound', 'mon', { Logical_Router: [{}], Logical_Router_Static_Route: [{}] }],
      }),
    );
  });
}

function pass(session: Session, requests: string[], window: number): Promise<{ ms: number; failed: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let done = 0;
    let failed = 0;
    const t0 = performance.now();
    session.onReply((message) => {
      const results = message.result as unknown[] | undefined;
      if (message.error || results?.some((r) => r !== null && typeof r === 'object' && 'error' in r))
        failed++;
      if (++done === requests.length) resolve({ ms: performance.now() - t0, failed });
      else if (sent < requests.length) session.outbox.push(requests[sent++]!);
    });
    while (sent < Math.min(window, requests.length)) session.outbox.push(requests[sent++]!);
    session.flush();
  });
}

/** Measures the raw limit with a monitor for one target. */
export async function runRawMonitor(remote: string, target: RunTarget): Promise<CpuRunResult> {
  const { workload, window } = target;
  const session = new Session(await openSocket(remote));
  try {
    await monitor(session);
    const { warm, requests } = encodedRequests(target);
    await pass(session, warm, window);
    const cpu = process.cpuUsage();
    const { ms, failed } = await pass(session, requests, window);
    const cpuUs = cpuPerTxn(cpu, workload.txns);
    const routes = session.rows.tables.get('Logical_Router_Static_Route')?.size ?? 0;
    const expected = warm.length * workload.rows + (workload.txns - failed) * workload.rows;
    if (routes < expected) throw new Error(`raw monitor saw ${routes} routes, expected at least ${expected}`);
    return { ...result('raw-monitor', target, failed, ms / 1000), client_cpu_us_per_txn: cpuUs };
  } finally {
    session.socket.destroy();
  }
}
