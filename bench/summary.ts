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
  /** ovndb with a replica / raw, likewise. */
  cacheVsRaw?: number;
  /** ovndb with a replica / raw with a monitor, likewise. */
  cacheVsRawMonitor?: number;
  /** ovndb with a replica / ovndb without one: the replica's own cost. */
  cacheVsOvndb?: number;
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
    const c = ratio(runs, 'ovndb-cache', 'raw');
    const cm = ratio(runs, 'ovndb-cache', 'raw-monitor');
    const co = ratio(runs, 'ovndb-cache', 'ovndb');
    if (c !== undefined) row.cacheVsRaw = c;
    if (cm !== undefined) row.cacheVsRawMonitor = cm;
    if (co !== undefined) row.cacheVsOvndb = co;
    return row;
  });
}

const fmt = (c?: { median: number; min: number; max: number }) =>
  c ? `${Math.round(c.median)} (${Math.round(c.min)}-${Math.round(c.max)})` : '-';

type Column = [heading: string, cell: (r: SummaryRow) => string | undefined];

const r3 = (x?: number) => x?.toFixed(3);

/** Every column the table can have; one shows only when some row has a value in it. */
const columns: Column[] = [
  ['ovndb txn/s', (r) => r.clients.ovndb && fmt(r.clients.ovndb)],
  ['ovndb, no checks', (r) => r.clients['ovndb-nocheck'] && fmt(r.clients['ovndb-nocheck'])],
  ['ovndb + replica', (r) => r.clients['ovndb-cache'] && fmt(r.clients['ovndb-cache'])],
  ['raw txn/s', (r) => r.clients.raw && fmt(r.clients.raw)],
  ['raw + monitor', (r) => r.clients['raw-monitor'] && fmt(r.clients['raw-monitor'])],
  ['shared raw txn/s', (r) => r.clients['shared-raw'] && fmt(r.clients['shared-raw'])],
  ['ovndb / raw', (r) => r3(r.ovndbVsRaw)],
  ['no checks / raw', (r) => r3(r.nocheckVsRaw)],
  ['replica / raw', (r) => r3(r.cacheVsRaw)],
  ['replica / raw + monitor', (r) => r3(r.cacheVsRawMonitor)],
  ['replica / ovndb', (r) => r3(r.cacheVsOvndb)],
  ['raw / shared raw', (r) => r3(r.rawVsShared)],
];

/** The summary as a markdown table (txn/s medians with min-max, and ratios), with the columns the runs fill. */
export function markdownTable(rows: SummaryRow[]): string {
  const shown = columns.filter(([, cell]) => rows.some((r) => cell(r) !== undefined));
  const lines = [
    `| transport | workload | window | ${shown.map(([h]) => h).join(' | ')} |`,
    `|---|---|---|${shown.map(() => '---|').join('')}`,
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.transport} | ${r.workload} | ${r.window} | ${shown.map(([, cell]) => cell(r) ?? '-').join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
