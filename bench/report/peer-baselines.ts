/**
 * The peers' figures of a run beside the reference medians of ../shared/perf, each flagged
 * when it strays more than 35 % (a noisy machine, a different setup, or a broken driver).
 */
import { baselineKey, compareToBaseline, type PeerName, peerNames } from '../peers.js';
import type { SummaryRow } from '../summary.js';

/** One peer figure against its baseline. */
export interface PeerCheck {
  readonly client: string;
  readonly transport: string;
  readonly workload: string;
  readonly window: number;
  readonly median: number;
  readonly baseline?: number;
  readonly deviation?: number;
  readonly suspect: boolean;
  /** The reference ran another transaction count: shown, not compared. */
  readonly otherSize?: { readonly here: number; readonly reference: number };
}

/**
 * Every peer figure of the summary (and `shared-raw`'s) with its baseline, where there is one.
 * A figure measured at another transaction count than the reference's is shown, not compared.
 */
export function peerChecks(
  rows: readonly SummaryRow[],
  baselines: Map<string, number> | undefined,
  sizes: Map<string, number> | undefined,
): PeerCheck[] {
  const checked = [...peerNames, 'shared-raw'] as (PeerName | 'shared-raw')[];
  return rows.flatMap((row) =>
    checked.flatMap((client): PeerCheck[] => {
      const spread = row.clients[client];
      if (spread === undefined) return [];
      const key = baselineKey(client, row.transport, row.workload, row.window);
      const where = {
        client,
        transport: row.transport,
        workload: row.workload,
        window: row.window,
        median: spread.median,
      };
      const referenceTxns = sizes?.get(key);
      if (referenceTxns !== undefined && referenceTxns !== spread.txns) {
        const baseline = baselines?.get(key);
        return [
          {
            ...where,
            ...(baseline !== undefined ? { baseline } : {}),
            suspect: false,
            otherSize: { here: spread.txns, reference: referenceTxns },
          },
        ];
      }
      const comparison = compareToBaseline(
        client,
        row.transport,
        row.workload,
        row.window,
        spread.median,
        baselines ?? new Map(),
      );
      return [{ ...where, ...comparison }];
    }),
  );
}

/** The checks as a markdown table; a suspect figure is marked **suspect**. */
export function peerChecksTable(checks: readonly PeerCheck[]): string {
  const lines = [
    '| client | transport | workload | window | txn/s here | reference median | deviation | |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of checks) {
    const base = c.baseline === undefined ? '-' : Math.round(c.baseline).toString();
    const dev = c.otherSize
      ? `not compared: ${c.otherSize.here} transactions here, ${c.otherSize.reference} in the reference`
      : c.deviation === undefined
        ? '-'
        : `${c.deviation >= 0 ? '+' : ''}${Math.round(c.deviation * 100)} %`;
    lines.push(
      `| ${c.client} | ${c.transport} | ${c.workload} | ${c.window} | ${Math.round(c.median)} | ${base} | ${dev} | ${c.suspect ? '**suspect**' : ''} |`,
    );
  }
  return lines.join('\n');
}
