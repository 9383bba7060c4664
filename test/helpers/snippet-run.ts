/**
 * Runs one doc snippet as a user runs a script (`node --conditions=ovndb-source --import tsx
 * FILE`), to the end or to its time bound. The child leads its own process group, so a bound
 * that expires kills it together with any server it started, by that group's id.
 */
import { spawn } from 'node:child_process';
import { envWithoutCoverage } from './child-env.js';

/** How a run ended. */
export interface SnippetRun {
  /** Exit code, or null when killed. */
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Standard output and error, interleaved as they arrived. */
  readonly output: string;
}

/** Runs `file` with `env` added to this process's environment (and `unset` names removed). */
export function runSnippet(
  file: string,
  options: { cwd: string; env: Record<string, string>; unset: readonly string[]; timeoutMs: number },
): Promise<SnippetRun> {
  // tsx compiles the library for a snippet under the snippet workspace's settings: no coverage.
  const env = envWithoutCoverage(options.env);
  for (const name of options.unset) if (!(name in options.env)) delete env[name];
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=ovndb-source', '--import', 'tsx', file], {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    let code: number | null = null;
    child.on('exit', (exitCode) => {
      code = exitCode;
      clearTimeout(timer);
      // Whatever the snippet left running in its group goes with it (and closes its pipes).
      killGroup(child.pid);
    });
    child.on('close', () => done({ code, timedOut, durationMs: Date.now() - started, output }));
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}
