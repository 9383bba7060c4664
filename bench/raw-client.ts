/**
 * The raw limit: precomputed transact requests written straight to a socket with a fixed
 * window of outstanding requests, replies framed and parsed, nothing else. No library layer.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { JsonFrameSplitter } from '../src/rpc/frame-splitter.js';
import { type CpuRunResult, cpuPerTxn } from './client-cpu.js';
import { openSocket } from './raw-socket.js';
import { deadlineOf, type RunTarget, result, transactionOps, warmupTxns } from './workload.js';

/** Runs one pipelined pass of `requests` over `socket`; resolves with the elapsed ms and failures. */
function pass(
  socket: net.Socket,
  requests: string[],
  window: number,
  durationMs?: number,
): Promise<{ ms: number; failed: number; done: number }> {
  return new Promise((resolve) => {
    let deadline = Number.POSITIVE_INFINITY;
    let sent = 0;
    let done = 0;
    let failed = 0;
    let outbox: string[] = [];
    const splitter = new JsonFrameSplitter({
      maxFrameBytes: 1 << 30,
      onFrame: (text) => {
        const message = JSON.parse(text) as {
          id: unknown;
          method?: string;
          params?: unknown;
          result?: unknown[];
          error?: unknown;
        };
        if (message.method === 'echo') {
          outbox.push(JSON.stringify({ id: message.id, result: message.params, error: null }));
          return;
        }
        if (message.method) return;
        if (message.error || message.result?.some((r) => r !== null && typeof r === 'object' && 'error' in r))
          failed++;
        ++done;
        const more = sent < requests.length && performance.now() < deadline;
        if (more) outbox.push(requests[sent++]!);
        else if (done === sent) {
          socket.off('data', onData);
          resolve({ ms: performance.now() - t0, failed, done });
        }
      },
    });
    const onData = (chunk: Buffer) => {
      splitter.push(chunk);
      if (outbox.length > 0) {
        socket.write(outbox.join(''));
        outbox = [];
      }
    };
    socket.on('data', onData);
    const t0 = performance.now();
    deadline = deadlineOf(t0, durationMs);
    const first: string[] = [];
    while (sent < Math.min(window, requests.length)) first.push(requests[sent++]!);
    socket.write(first.join(''));
  });
}

/** The warm-up and measured `transact` requests of `target`, encoded before the clock starts. */
export function encodedRequests(target: RunTarget): { warm: string[]; requests: string[] } {
  const { workload } = target;
  const request = (t: number, router: string, octet: number) =>
    JSON.stringify({
      id: t,
      method: 'transact',
      params: ['OVN_Northbound', ...transactionOps(t, workload.rows, router, octet)],
    });
  return {
    warm: Array.from({ length: warmupTxns(workload) }, (_, t) => request(t, target.warmRouter, 11)),
    requests: Array.from({ length: workload.txns }, (_, t) => request(t, target.router, 10)),
  };
}

/** Measures the raw limit for one target, with the client's own CPU time per transaction. */
export async function runRaw(remote: string, target: RunTarget): Promise<CpuRunResult> {
  const { window } = target;
  const socket = await openSocket(remote);
  try {
    const { warm, requests } = encodedRequests(target);
    await pass(socket, warm, window);
    const cpu = process.cpuUsage();
    const { ms, failed, done } = await pass(socket, requests, window, target.durationMs);
    const cpuUs = cpuPerTxn(cpu, done);
    return { ...result('raw', target, failed, ms / 1000, done), client_cpu_us_per_txn: cpuUs };
  } finally {
    socket.destroy();
  }
}
