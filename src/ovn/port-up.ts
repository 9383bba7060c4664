/**
 * Waiting for a logical switch port to come up. ovn-northd sets the port's NB `up` to true once
 * its Southbound Port_Binding is claimed by a chassis (ovn-controller sets
 * `Port_Binding.chassis`, and on chassis that report it, `Port_Binding.up`); Kube-OVN's CNI
 * waits for this before it tells the kubelet the pod's network is ready. The wait watches the
 * handle's replica: no polling.
 */
import { ReplicaWaitTimeoutError, replicaUntil } from '../cache/replica-until.js';
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
  // One deadline for the replica's start and the wait: the time left is what replicaUntil gets.
  const started = Date.now();
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const stop = anySignal([options.signal, timeout.signal]);
  let replica: Awaited<ReturnType<NbHandle['replica']>> | undefined;
  const port = () => replica?.findOne('Logical_Switch_Port', 'name', name);
  try {
    replica = await raceSignal(nb.replica(), stop.signal);
    await replicaUntil(replica, () => (port()?.up === true ? true : undefined), {
      what,
      timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)),
      signal: stop.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
    if (timeout.signal.aborted || error instanceof ReplicaWaitTimeoutError)
      throw new PortUpTimeoutError(name, timeoutMs, port() !== undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    stop.dispose();
  }
}
