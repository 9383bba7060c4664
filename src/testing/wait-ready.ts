import { connect } from 'node:net';
import { ManagedProcess } from './managed-process.js';
import { ServerStartError } from './testing-errors.js';

const POLL_MS = 20;

/**
 * Polls `probe` until it returns a value, racing it against the exit of any of `processes`
 * and against `deadline` (a Date.now() value). Either failure becomes a
 * {@link ServerStartError} carrying the log tail of the process concerned.
 */
export async function waitReady<T>(
  what: string,
  processes: readonly ManagedProcess[],
  deadline: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const anyExit = Promise.race(processes.map((p) => p.exited));
  for (;;) {
    const dead = processes.find((p) => p.exitInfo !== undefined);
    if (dead?.exitInfo !== undefined) {
      throw new ServerStartError(
        `${what}: process ${dead.pid} exited during start-up (${ManagedProcess.describe(dead.exitInfo)})`,
        await dead.tail(),
      );
    }
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const tails = await Promise.all(processes.map((p) => p.tail()));
      throw new ServerStartError(`${what}: not ready before the start deadline`, tails.join('\n'));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([anyExit, new Promise((resolve) => (timer = setTimeout(resolve, POLL_MS)))]);
    clearTimeout(timer);
  }
}

/** True when a stream connection to a unix socket path or tcp port is accepted. */
export function canConnect(target: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
