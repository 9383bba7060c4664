/**
 * Waiting for a logical switch port to come up. ovn-northd sets the port's NB `up` to true once
 * its Southbound Port_Binding is claimed by a chassis (ovn-controller sets
 * `Port_Binding.chassis`, and on chassis that report it, `Port_Binding.up`); Kube-OVN's CNI
 * waits for this before it tells the kubelet the pod's network is ready. The wait watches the
 * handle's replica: no polling.
 */
import { OvndbError } from '../errors.js';
import { WaitAbortedError } from '../session/session-errors.js';
import { anySignal, raceSignal } from '../session/wait-bound.js';
import type { NbHandle } from './nb-lookup.js';

/** Options of {@link waitForPortUp}. */
export interface WaitForPortUpOptions {
  /** Give up after this many ms, counted from the call (the replica's start included). @default 30000 */
  timeoutMs?: number;
  /** Aborts the wait: it rejects at once with `WaitAbortedError`. */
  signal?: AbortSignal;
}

/** The port's `up` did not become true in time. */
export class PortUpTimeoutError extends OvndbError {
  constructor(
    /** The Logical_Switch_Port name waited for. */
    readonly port: string,
    readonly timeoutMs: number,
    /** Whether the port existed when the wait gave up (a missing port never comes up). */
    readonly exists: boolean,
  ) {
    super(
      'OVNDB_PORT_UP_TIMEOUT',
      `logical switch port ${port} ${exists ? 'was not up' : 'did not exist'} after ${timeoutMs} ms` +
        (exists ? ' (no chassis has claimed it, or ovn-northd is not running)' : ''),
      { details: { port, timeoutMs, exists } },
    );
  }
}

/**
 * Resolves once Logical_Switch_Port `name` has `up` = true in `nb`'s replica (at once when it
 * already has). A port that does not exist yet is waited for too: it may be created later.
 * @throws {@link PortUpTimeoutError} after `timeoutMs`; `WaitAbortedError` when `signal` fires.
 */
export async function waitForPortUp(
  nb: NbHandle,
  name: string,
  options: WaitForPortUpOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const what = `logical switch port ${name} of ${nb.database} to be up`;
  if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
  const stop = anySignal([options.signal]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, timeoutMs);
  let watch: Awaited<ReturnType<NbHandle['replica']>> | undefined;
  const port = () => watch?.findOne('Logical_Switch_Port', 'name', name);
  try {
    const replica = await raceSignal(nb.replica(), stop.signal);
    watch = replica;
    if (port()?.up === true) return;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        replica.off('batch', onBatch);
        replica.off('closed', onClosed);
        stop.signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onBatch = (): void => {
        if (port()?.up === true) finish();
      };
      const onClosed = (error?: Error): void =>
        finish(error ?? new Error('the Logical_Switch_Port watch closed'));
      const onAbort = (): void => finish(stop.signal.reason ?? new Error('aborted'));
      replica.on('batch', onBatch);
      replica.on('closed', onClosed);
      stop.signal.addEventListener('abort', onAbort, { once: true });
      if (stop.signal.aborted) onAbort();
    });
  } catch (error) {
    if (timedOut) throw new PortUpTimeoutError(name, timeoutMs, port() !== undefined);
    if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
    throw error;
  } finally {
    clearTimeout(timer);
    stop.dispose();
  }
}
