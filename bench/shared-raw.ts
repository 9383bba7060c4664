/**
 * Runs the reference raw client of ../shared/perf/raw-pipeline.mjs, when that folder is present,
 * so that our own raw limit is checked against it in the same run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type RunResult, type RunTarget, result } from './workload.js';

const run = promisify(execFile);

/** Where the reference script is expected: ../shared/perf beside the repository. */
export const sharedRawScript = resolve(import.meta.dirname, '../../shared/perf/raw-pipeline.mjs');

/** Whether the reference client is available. */
export function hasSharedRaw(): boolean {
  return existsSync(sharedRawScript);
}

/** One run of the reference raw client (it creates its own warm-up router). */
export async function runSharedRaw(remote: string, target: RunTarget): Promise<RunResult> {
  const { workload, window } = target;
  const { stdout } = await run(process.execPath, [
    sharedRawScript,
    '--remote',
    remote,
    '--rows',
    String(workload.rows),
    '--txns',
    String(workload.txns),
    '--window',
    String(window),
  ]);
  const line = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; failed: number };
  return result('shared-raw', target, line.failed, line.seconds);
}
