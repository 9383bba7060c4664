/**
 * `waitFor('sb' | 'hv')`: ovn-nbctl's `--wait`. The client raises `NB_Global.nb_cfg`; ovn-northd
 * copies the value to `sb_cfg` once the southbound database reflects every NB change up to
 * it, and to `hv_cfg` once every chassis (`Chassis_Private.nb_cfg`) has caught up too. The
 * wait watches `NB_Global` through a monitor: no polling.
 */
import { Replica } from '../cache/replica.js';
import type { OvsdbClient } from '../client/client.js';
import { OvndbError } from '../errors.js';
import { model as nbModel } from '../generated/nb/model.js';
import type { NBGlobal, Tables as NbTables } from '../generated/nb/rows.js';

/** What to wait for: northd's southbound (`sb`) or every hypervisor (`hv`). */
export type WaitTarget = 'sb' | 'hv';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms. @default 30000 */
  timeoutMs?: number;
  /** Aborts the wait. */
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
      `${target}_cfg is ${reached}, still below nb_cfg ${nbCfg} after ${timeoutMs} ms` +
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

const NB = 'OVN_Northbound';

/**
 * Raises `NB_Global.nb_cfg` by one and resolves with the new value once `sb_cfg` (or `hv_cfg`)
 * reaches it: every NB change committed before the call is then in the southbound database
 * (or installed on every chassis).
 * @throws {@link WaitForTimeoutError}, {@link NbGlobalMissingError}
 */
export async function waitFor(
  client: OvsdbClient,
  target: WaitTarget,
  options: WaitForOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  options.signal?.throwIfAborted();
  // Watch first, so that northd's answer cannot slip in between the raise and the watch.
  const watch = await Replica.start<NbTables>(client, nbModel, {
    tables: { NB_Global: { columns: ['nb_cfg', 'sb_cfg', 'hv_cfg'] } },
  });
  try {
    const results = await client.transact(NB, [
      { op: 'mutate', table: 'NB_Global', where: [], mutations: [['nb_cfg', '+=', 1]] },
      { op: 'select', table: 'NB_Global', where: [], columns: ['nb_cfg'] },
    ]);
    const rows = (results[1] as { rows: Array<{ nb_cfg: number }> }).rows;
    if (rows.length === 0) throw new NbGlobalMissingError();
    const nbCfg = Math.max(...rows.map((row) => row.nb_cfg));
    const reached = (row: NBGlobal | undefined): number =>
      row === undefined ? -1 : target === 'sb' ? row.sb_cfg : row.hv_cfg;
    const current = (): NBGlobal | undefined => watch.list('NB_Global')[0];
    if (reached(current()) >= nbCfg) return nbCfg;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        watch.off('batch', onBatch);
        watch.off('closed', onClosed);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onBatch = (): void => {
        if (reached(current()) >= nbCfg) finish();
      };
      const onClosed = (error?: Error): void => finish(error ?? new Error('the NB_Global watch closed'));
      const onAbort = (): void => finish(options.signal?.reason as Error);
      const timer = setTimeout(
        () => finish(new WaitForTimeoutError(target, nbCfg, reached(current()), timeoutMs)),
        timeoutMs,
      );
      watch.on('batch', onBatch);
      watch.on('closed', onClosed);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    return nbCfg;
  } finally {
    await watch.close();
  }
}
