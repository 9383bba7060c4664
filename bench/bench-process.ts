/** What every bench command does first: where servers keep their files, and how it stops. */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The `--tmpdir` option every bench command takes. */
export const tmpdirOption = {
  tmpdir: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : tmpdir() },
} as const;

/**
 * Servers keep their files under `dir`: memory-backed storage where there is some, so that
 * disk latency adds no noise to a comparison of clients. Ctrl-C or a kill exits through
 * 'exit', where the launcher stops every server it started.
 */
export function prepareBenchProcess(dir: string): void {
  process.env.TMPDIR = dir;
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}
