/** Runs the `ovndb` command from source, as a user runs the installed one. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = resolve(root, 'src/cli/ovndb.ts');

/** How a finished command ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ovndb ARGS...` to the end (killed after `timeoutMs`), with `input` on standard input. */
export function ovndb(
  args: string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', cli, ...args],
      { cwd: root, timeout: options.timeoutMs ?? 60_000, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** A command left running (monitor): its output so far, a wait for output, and its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects after `timeoutMs` with what was printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (killed by PID with SIGKILL after `timeoutMs`). */
  exited(timeoutMs?: number): Promise<number | null>;
}

/** Starts `ovndb ARGS...` without waiting for it. Stop it with `child.kill` (its own PID). */
export function startOvndb(args: string[]): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    err += text;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no ${pattern} in output; stdout: ${out}\nstderr: ${err}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async exited(timeoutMs = 15_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
