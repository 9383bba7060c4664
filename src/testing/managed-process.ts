import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** How a process ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  readonly error?: Error;
}

/** How long `stop` waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 5000;
const STDERR_TAIL_BYTES = 4096;
const LOG_TAIL_LINES = 20;

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Last resort for crashed tests: whatever is still running dies with this process. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const managed of live) managed.kill('SIGKILL');
  });
}

/**
 * A long-running helper (ovsdb-server, websockify) started by the launcher: its exit is
 * observed (to fail fast when it dies during start-up), it is stopped by its own PID only,
 * and it never keeps the test process alive on its own.
 */
export class ManagedProcess {
  readonly pid: number;
  /** Resolves when the process has exited (or failed to spawn). */
  readonly exited: Promise<ExitInfo>;
  readonly #logFile: string | undefined;
  #exit: ExitInfo | undefined;
  #stderrTail = '';
  #stopping: Promise<void> | undefined;

  private constructor(child: ChildProcess, logFile: string | undefined) {
    this.#logFile = logFile;
    this.pid = child.pid ?? -1;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit ??= { code, signal };
        resolve(this.#exit);
      });
      child.once('error', (error) => {
        // 'error' without 'exit' means the process never ran.
        if (child.pid === undefined) {
          this.#exit ??= { code: null, signal: null, error };
          resolve(this.#exit);
        }
      });
    });
    void this.exited.then(() => live.delete(this));
    child.unref();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Starts `path args` in `cwd`; stdout is discarded, stderr kept for error reports. */
  static start(
    path: string,
    args: readonly string[],
    options: { cwd: string; logFile?: string },
  ): ManagedProcess {
    const child = spawn(path, args, { cwd: options.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const managed = new ManagedProcess(child, options.logFile);
    if (child.pid !== undefined) {
      installExitHook();
      live.add(managed);
    }
    return managed;
  }

  /** How the process ended, or undefined while it runs. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exit;
  }

  /** Sends a signal to this process's PID (no-op once it has exited). */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.#exit !== undefined || this.pid < 0) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after a grace period. Idempotent. */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#exit !== undefined) return;
      this.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const outcome = await Promise.race([this.exited, deadline]);
      clearTimeout(timer);
      if (outcome === 'late') {
        this.kill('SIGKILL');
        // The child is unreferenced: while a caller awaits its end, a referenced timer keeps
        // this process alive (otherwise a program awaiting `stop()` at top level would exit
        // with its await unsettled).
        const keepAlive = setInterval(() => {}, 1000);
        try {
          await this.exited;
        } finally {
          clearInterval(keepAlive);
        }
      }
    })();
    return this.#stopping;
  }

  /** The end of the log file (if any) and of stderr, for error messages. */
  async tail(): Promise<string> {
    const parts: string[] = [];
    if (this.#logFile !== undefined) {
      try {
        const log = await readFile(this.#logFile, 'utf8');
        parts.push(log.split('\n').slice(-LOG_TAIL_LINES).join('\n').trim());
      } catch {
        parts.push(`(no log file ${this.#logFile})`);
      }
    }
    if (this.#stderrTail.trim() !== '') parts.push(`stderr: ${this.#stderrTail.trim()}`);
    if (this.#exit?.error !== undefined) parts.push(`spawn error: ${this.#exit.error.message}`);
    return parts.join('\n');
  }

  /** Describes the exit, e.g. "exit code 1" or "signal SIGKILL". */
  static describe(exit: ExitInfo): string {
    if (exit.error !== undefined) return `could not start: ${exit.error.message}`;
    return exit.signal !== null ? `killed by signal ${exit.signal}` : `exit code ${String(exit.code)}`;
  }
}
