/** The summary of `npm run bench:scale`: medians with min-max per measure, client and figure. */
import { median } from '../stats.js';

/** The figures summarized for each measure, in table order. */
export const FIGURES: Record<string, readonly string[]> = {
  sync: ['total_s', 'cpu_ms', 'peak_rss_mb', 'longest_block_ms', 'longest_block_cpu_ms', 'rss_per_row_bytes'],
  'vpc-change': ['ms', 'operations_sent'],
  'vpc-plan': ['ms', 'cpu_us', 'first_ms'],
  'np-change': ['plan_ms', 'apply_ms'],
  'noop-reconcile': ['total_ms', 'us_per_resource', 'cpu_us_per_resource', 'operations_sent', 'peak_rss_mb'],
  yaml: ['parse_ms', 'apply_text_ms', 'operations_sent'],
  burst: ['lag_ms', 'changes', 'longest_block_ms', 'peak_rss_mb'],
  replica: ['rss_mb'],
};

/** Every measure the bench reports (the lines' `measure`). */
export const MEASURES = Object.keys(FIGURES);

const fmt = (x: number) =>
  Number.isInteger(x) || Math.abs(x) >= 100
    ? Math.round(x).toLocaleString('en-US')
    : Math.abs(x) >= 10
      ? x.toFixed(1)
      : x.toFixed(2);

/** "median (min-max)" of `values`, or the one value. */
export function spread(values: readonly number[]): string {
  if (values.length === 0) return '-';
  const m = median(values);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(m) : `${fmt(m)} (${fmt(lo)}-${fmt(hi)})`;
}

/** The markdown table of `lines`: one row per measure and client (and NB, for plans; and variant: a first pass). */
export function scaleTable(lines: readonly Record<string, unknown>[], skipped: readonly string[]): string {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const line of lines) {
    if (line.error !== undefined) continue;
    const key = `${line.measure}|${line.client ?? 'ovndb'}${line.nb ? ` (${line.nb} NB)` : ''}${line.variant ? `, ${line.variant}` : ''}`;
    const group = groups.get(key) ?? [];
    group.push(line);
    groups.set(key, group);
  }
  const rows = ['| measure | client | median (min-max) over rounds and repetitions |', '|---|---|---|'];
  for (const measure of MEASURES)
    for (const [key, group] of groups) {
      const [m, client] = key.split('|');
      if (m !== measure) continue;
      const cells = FIGURES[measure]!.flatMap((figure) => {
        const values = group.map((l) => l[figure]).filter((v): v is number => typeof v === 'number');
        return values.length ? [`${figure} ${spread(values)}`] : [];
      });
      rows.push(`| ${measure} | ${client} | ${cells.join('; ')} |`);
    }
  return [...rows, ...(skipped.length ? ['', ...skipped.map((s) => `- ${s}`)] : [])].join('\n');
}
