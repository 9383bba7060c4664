/** Medians, min-max and ratios taken within a repetition, as a markdown table. */
import type { RunResult } from './workload.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const key = (r: RunResult) => `${r.transport}|${r.workload}|${r.window}`;

/** One row per transport, workload and window. */
export interface SummaryRow {
  transport: string;
  workload: string;
  window: number;
  /** Median txn/s per client, with min and max. */
  clients: Record<string, { median: number; min: number; max: number }>;
  /** ovndb / raw, median of the per-repetition ratios. */
  ovndbVsRaw?: number;
  /** ovndb without schema checks / raw, likewise. */
  nocheckVsRaw?: number;
  /** raw / shared-raw, median of the per-repetition ratios. */
  rawVsShared?: number;
}

function ratio(runs: RunResult[], a: string, b: string): number | undefined {
  const byRep = new Map<number, Record<string, number>>();
  for (const r of runs) {
    const rep = byRep.get(r.rep ?? 0) ?? {};
    rep[r.client] = r.txn_per_s;
    byRep.set(r.rep ?? 0, rep);
  }
  const ratios = [...byRep.values()].filter((rep) => rep[a] && rep[b]).map((rep) => rep[a]! / rep[b]!);
  return ratios.length ? median(ratios) : undefined;
}

/** Groups the runs and computes medians and ratios. */
export function summarize(results: RunResult[]): SummaryRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()].map((runs) => {
    const clients: SummaryRow['clients'] = {};
    for (const name of new Set(runs.map((r) => r.client))) {
      const rates = runs.filter((r) => r.client === name).map((r) => r.txn_per_s);
      clients[name] = { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
    }
    const first = runs[0]!;
    const row: SummaryRow = {
      transport: first.transport,
      workload: first.workload,
      window: first.window,
      clients,
    };
    const o = ratio(runs, 'ovndb', 'raw');
    const s = ratio(runs, 'raw', 'shared-raw');
    const n = ratio(runs, 'ovndb-nocheck', 'raw');
    if (o !== undefined) row.ovndbVsRaw = o;
    if (n !== undefined) row.nocheckVsRaw = n;
    if (s !== undefined) row.rawVsShared = s;
    return row;
  });
}

const fmt = (c?: { median: number; min: number; max: number }) =>
  c ? `${Math.round(c.median)} (${Math.round(c.min)}-${Math.round(c.max)})` : '-';

/** The summary as a markdown table (txn/s medians with min-max, and ratios). */
export function markdownTable(rows: SummaryRow[]): string {
  const lines = [
    '| transport | workload | window | ovndb txn/s | ovndb, no checks | raw txn/s | shared raw txn/s | ovndb / raw | no checks / raw | raw / shared raw |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.transport} | ${r.workload} | ${r.window} | ${fmt(r.clients.ovndb)} | ${fmt(r.clients['ovndb-nocheck'])} | ${fmt(r.clients.raw)} | ${fmt(r.clients['shared-raw'])} | ${r.ovndbVsRaw?.toFixed(3) ?? '-'} | ${r.nocheckVsRaw?.toFixed(3) ?? '-'} | ${r.rawVsShared?.toFixed(3) ?? '-'} |`,
    );
  }
  return lines.join('\n');
}
