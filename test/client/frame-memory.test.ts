/**
 * A frame under the size cap must not be able to exhaust the heap: in a process whose heap is
 * small, a reply of millions of empty arrays used to abort it with "JavaScript heap out of
 * memory"; now it is refused before parsing with FrameTooCostlyError, as is any frame whose
 * parse would not fit in what the heap has left. A frame of real rows still parses.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startHostilePeer } from '../helpers/hostile-peer.js';

/** `[u,u,…]` of about `bytes` bytes. */
function arrayOf(unit: string, bytes: number): string {
  return `[${Array.from({ length: Math.floor(bytes / (unit.length + 1)) }, () => unit).join(',')}]`;
}

/** Runs the echo child with a heap of `heapMb` MiB against a peer answering `result`. */
async function echoWithHeap(
  heapMb: number,
  result: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const peer = await startHostilePeer(
    (_method, _params, id) => ({ raw: `{"id":${JSON.stringify(id)},"result":${result},"error":null}` }),
    { echo: false },
  );
  try {
    return await new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          `--max-old-space-size=${heapMb}`,
          '--import',
          'tsx',
          join(import.meta.dirname, '../helpers/echo-child.ts'),
          peer.remote,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out: out.trim(), err });
      });
    });
  } finally {
    await peer.close();
  }
}

describe('memory per frame', { timeout: 180_000 }, () => {
  test('16 MiB of empty arrays in a 96 MiB heap: FrameTooCostlyError, not an abort', async () => {
    const run = await echoWithHeap(96, arrayOf('[]', 16 * 1024 * 1024));
    assert.doesNotMatch(run.err, /heap out of memory/);
    assert.equal(run.code, 0, run.err.slice(-500));
    assert.equal(run.out, 'OVNDB_CONNECTION_CLOSED OVNDB_FRAME_TOO_COSTLY');
  });

  test('a frame within the factor but beyond what the heap has left: refused too', async () => {
    // Numbers cost about 15 times their size, under the factor of 32, but 16 MiB of them need
    // more than a 96 MiB heap holds.
    const run = await echoWithHeap(96, arrayOf('0', 16 * 1024 * 1024));
    assert.doesNotMatch(run.err, /heap out of memory/);
    assert.equal(run.out, 'OVNDB_CONNECTION_CLOSED OVNDB_FRAME_TOO_COSTLY');
  });

  test('a frame of real rows in the same heap parses', async () => {
    const row = '{"name":"ls-0001","ports":["set",[]],"external_ids":["map",[["k","v"]]]}';
    const run = await echoWithHeap(96, arrayOf(row, 2 * 1024 * 1024));
    assert.equal(run.out, 'ok', run.err.slice(-500));
  });
});
