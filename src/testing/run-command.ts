import { execFile } from 'node:child_process';
import { CommandFailedError } from './testing-errors.js';

/** Runs a short-lived helper program and returns its stdout; failures carry its stderr. */
export function runCommand(
  path: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const exit = error.killed
          ? `killed by ${error.signal ?? 'timeout'}`
          : `exit code ${String(error.code)}`;
        reject(new CommandFailedError([path, ...args].join(' '), exit, stderr, error));
      },
    );
  });
}
