/**
 * `waitFor('sb' | 'hv')`: ovn-nbctl's `--wait`. The handle raises `NB_Global.nb_cfg`; ovn-northd
 * copies the value to `sb_cfg` once the southbound database reflects every NB change up to
 * it, and to `hv_cfg` once every chassis (`Chassis_Private.nb_cfg`) has caught up too. The
 * wait watches `NB_Global` in the handle's replica: no polling.
 */

import { OvndbError } from '../errors.js';
import type { NBGlobal } from '../generated/nb/rows.js';
import { WaitAbortedError } from '../session/session-errors.js';
import { anySignal, raceSignal } from '../session/wait-bound.js';
import type { NbHandle } from './nb-lookup.js';

/** What to wait for: northd's southbound (`sb`) or every hypervisor (`hv`). */
export type WaitTarget = 'sb' | 'hv';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms, counted from the call (the raise included). @default 30000 */
  timeoutMs?: number;
  /** Aborts the wait at any step: it rejects at once with `WaitAbortedError`, its monitor canceled. */
  signal?: AbortSignal;
}

/** The awaited `*_cfg` did not reach the raised `nb_cfg` in time. */
export class WaitForTimeoutError extends OvndbError {
  constructor(
    readonly target: WaitTarget,
    readonly nbCfg: number,
    readonly reached: number,
    readonly timeoutMs: number,
  ) {
    super(
      'OVNDB_WAIT_TIMEOUT',
      (nbCfg < 0
        ? `nb_cfg was not raised within ${timeoutMs} ms`
        : `${target}_cfg is ${reached}, still below nb_cfg ${nbCfg} after ${timeoutMs} ms`) +
        (target === 'hv'
          ? ' (a chassis has not caught up, or no ovn-controller runs)'
          : ' (is ovn-northd running?)'),
      { details: { target, nbCfg, reached, timeoutMs } },
    );
  }
}

/** The NB database has no NB_Global row (nothing initialized it: `ovn-nbctl init`). */
export class NbGlobalMissingError extends OvndbError {
  constructor() {
    super('OVNDB_NB_GLOBAL_MISSING', 'the OVN_Northbound database has no NB_Global row (run ovn-nbctl init)');
  }
}

/**
 * Raises `NB_Global.nb_cfg` by one through `nb` (a session or a connection's database handle)
 * and resolves with the new value once `sb_cfg` (or `hv_cfg`) reaches it: every NB change
 * committed before the call is then in the southbound database (or installed on every
 * chassis). It watches the handle's replica (started on first use, as `nb.replica()` starts
 * it). The timeout and the signal bound every step: the replica's start, the raise and the
 * wait. Raising twice is harmless (the wait is for the higher value), so on a session a raise
 * whose reply was lost is sent again.
 * @throws {@link WaitForTimeoutError}, {@link NbGlobalMissingError}, `WaitAbortedError`
 */
export async function waitFor(
  nb: NbHandle,
  target: WaitTarget,
  options: WaitForOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const what = `${target}_cfg of ${nb.database} to reach the raised nb_cfg`;
  if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
  // One signal for every step: the caller's, and the deadline's.
  const stop = anySignal([options.signal]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, timeoutMs);
  let watch: Awaited<ReturnType<NbHandle['replica']>> | undefined;
  let nbCfg = -1;
  const reached = (row: NBGlobal | undefined): number =>
    row === undefined ? -1 : target === 'sb' ? row.sb_cfg : row.hv_cfg;
  const current = (): NBGlobal | undefined => watch?.list('NB_Global')[0];
  try {
    // Watch first, so that northd's answer cannot slip in between the raise and the watch.
    const replica = await raceSignal(nb.replica(), stop.signal);
    watch = replica;
    const results = await nb.transact(
      [
        { op: 'mutate', table: 'NB_Global', where: [], mutations: [['nb_cfg', '+=', 1]] },
        { op: 'select', table: 'NB_Global', where: [], columns: ['nb_cfg'] },
      ],
      { signal: stop.signal, idempotent: true },
    );
    const rows = (results[1] as { rows?: Array<{ nb_cfg: number }> }).rows ?? [];
    if (rows.length === 0 && current() === undefined) throw new NbGlobalMissingError();
    // A resent raise whose first reply was lost has no rows to report: the replica has the value.
    const raised = rows.length > 0 ? Math.max(...rows.map((row) => row.nb_cfg)) : (current()?.nb_cfg ?? 0);
    nbCfg = raised;
    if (reached(current()) >= raised) return raised;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown): void => {
        replica.off('batch', onBatch);
        replica.off('closed', onClosed);
        stop.signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onBatch = (): void => {
        if (reached(current()) >= raised) finish();
      };
      const onClosed = (error?: Error): void => finish(error ?? new Error('the NB_Global watch closed'));
      const onAbort = (): void => finish(stop.signal.reason ?? new Error('aborted'));
      replica.on('batch', onBatch);
      replica.on('closed', onClosed);
      stop.signal.addEventListener('abort', onAbort, { once: true });
      if (stop.signal.aborted) onAbort();
    });
    return raised;
  } catch (error) {
    if (timedOut) throw new WaitForTimeoutError(target, nbCfg, reached(current()), timeoutMs);
    if (options.signal?.aborted) throw new WaitAbortedError(what, options.signal.reason);
    throw error;
  } finally {
    clearTimeout(timer);
    stop.dispose();
  }
}
