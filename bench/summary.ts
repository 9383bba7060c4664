/** Medians, min-max and ratios taken within a repetition, as a markdown table and chart groups. */
import type { ChartGroup } from './report/svg-chart.js';
import { median } from './stats.js';
import type { RunResult } from './workload.js';

const key = (r: RunResult) => `${r.transport}|${r.workload}|${r.window}`;

/** A client's txn/s over the repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Transactions per run (median). */
  txns: number;
}

/** One row per transport, workload and window. */
export interface SummaryRow {
  transport: string;
  workload: string;
  window: number;
  /** txn/s per client. */
  clients: Record<string, Spread>;
  /** `a/b` -> median over the repetitions of a's txn/s / b's txn/s in the same repetition. */
  ratios: Record<string, number>;
}

/** The ratios reported, as [numerator, denominator]: each client against the limit, and the replica's own cost. */
export const RATIOS: ReadonlyArray<readonly [string, string]> = [
  ['ovndb-typed', 'raw'],
  ['ovndb', 'raw'],
  ['ovndb-nocheck', 'raw'],
  ['ovndb-cache', 'raw'],
  ['ovndb-cache', 'raw-monitor'],
  ['ovndb-cache', 'ovndb'],
  ['raw', 'shared-raw'],
  ['py-idl', 'raw'],
  ['ovsdbapp', 'raw'],
  ['nbctl-daemon', 'raw'],
];

/** Clients in the order tables and charts show them. */
export const CLIENT_ORDER = [
  'raw',
  'shared-raw',
  'ovndb-typed',
  'ovndb',
  'ovndb-nocheck',
  'ovndb-cache',
  'raw-monitor',
  'py-idl',
  'ovsdbapp',
  'nbctl-daemon',
];

const order = (name: string) => {
  const i = CLIENT_ORDER.indexOf(name);
  return i < 0 ? CLIENT_ORDER.length : i;
};

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
export function summarize(results: readonly RunResult[]): SummaryRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()].map((runs) => {
    const clients: Record<string, Spread> = {};
    const names = [...new Set(runs.map((r) => r.client))].sort((a, b) => order(a) - order(b));
    for (const name of names) {
      const own = runs.filter((r) => r.client === name);
      const rates = own.map((r) => r.txn_per_s);
      clients[name] = {
        median: median(rates),
        min: Math.min(...rates),
        max: Math.max(...rates),
        txns: median(own.map((r) => r.txns)),
      };
    }
    const ratios: Record<string, number> = {};
    for (const [a, b] of RATIOS) {
      const value = ratio(runs, a, b);
      if (value !== undefined) ratios[`${a}/${b}`] = value;
    }
    const first = runs[0]!;
    return { transport: first.transport, workload: first.workload, window: first.window, clients, ratios };
  });
}

const fmt = (c?: Spread) => (c ? `${Math.round(c.median)} (${Math.round(c.min)}-${Math.round(c.max)})` : '-');

/**
 * The summary as a markdown table: txn/s medians with min-max per client, then the ratios;
 * only the clients and ratios some row has.
 */
export function markdownTable(rows: readonly SummaryRow[]): string {
  const clients = [...new Set(rows.flatMap((r) => Object.keys(r.clients)))].sort(
    (a, b) => order(a) - order(b),
  );
  const ratios = RATIOS.map(([a, b]) => `${a}/${b}`).filter((name) =>
    rows.some((r) => r.ratios[name] !== undefined),
  );
  const lines = [
    `| transport | workload | window | ${[...clients, ...ratios].join(' | ')} |`,
    `|---|---|---|${[...clients, ...ratios].map(() => '---|').join('')}`,
  ];
  for (const r of rows) {
    const cells = [
      ...clients.map((c) => fmt(r.clients[c])),
      ...ratios.map((name) => r.ratios[name]?.toFixed(3) ?? '-'),
    ];
    lines.push(`| ${r.transport} | ${r.workload} | ${r.window} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The summary as chart groups: one per transport, workload and window, one bar per client. */
export function chartGroups(rows: readonly SummaryRow[]): ChartGroup[] {
  return rows.map((r) => ({
    label: `${r.transport} ${r.workload} w${r.window}`,
    bars: Object.entries(r.clients).map(([name, c]) => ({ name, value: c.median, min: c.min, max: c.max })),
  }));
}
