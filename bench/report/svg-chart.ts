/**
 * A grouped horizontal bar chart as a standalone SVG, for docs/benchmarks.md: one group per
 * case (transport and workload), one bar per client, drawn on a log scale because the
 * clients compared span three orders of magnitude (a raw pipelined client near 15k txn/s, a
 * CLI-driven peer near 100). Each bar carries its median as text and, when given, a whisker
 * from min to max.
 */

/** One client's figure in one case. */
export interface ChartBar {
  readonly name: string;
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
}

/** One case: its label and its bars, drawn top to bottom in this order. */
export interface ChartGroup {
  readonly label: string;
  readonly bars: readonly ChartBar[];
}

/** Chart text and layout. */
export interface ChartOptions {
  readonly title: string;
  /** Written after each value, e.g. `txn/s`. */
  readonly unit: string;
  /** Width of the plot area in px. @default 520 */
  readonly width?: number;
}

const BAR = 14;
const GAP = 4;
const GROUP_GAP = 18;
const LABEL = 150;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `1234` as `1.2k`, `98765` as `98.8k`, `12.3` as `12.3`. */
export function shortNumber(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 0 : 1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e4 ? 0 : 1)}k`;
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** The chart as an SVG document (UTF-8 text). Values must be positive; others are drawn empty. */
export function barChartSvg(groups: readonly ChartGroup[], options: ChartOptions): string {
  const width = options.width ?? 520;
  const values = groups
    .flatMap((g) => g.bars.flatMap((b) => [b.value, b.max ?? b.value]))
    .filter((v) => v > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 10)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (v: number): number =>
    v <= 0 ? 0 : (Math.log10(Math.max(v, low) / low) / Math.log10(high / low)) * width;
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const color = (name: string): string => PALETTE[names.indexOf(name) % PALETTE.length] as string;

  const parts: string[] = [];
  let y = 40;
  for (const group of groups) {
    parts.push(`<text x="0" y="${y + 10}" font-weight="bold">${escapeXml(group.label)}</text>`);
    y += 16;
    for (const bar of group.bars) {
      const w = x(bar.value);
      parts.push(
        `<text x="${LABEL - 6}" y="${y + BAR - 3}" text-anchor="end">${escapeXml(bar.name)}</text>`,
        `<rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${color(bar.name)}"/>`,
      );
      if (bar.min !== undefined && bar.max !== undefined && bar.max > 0) {
        const mid = y + BAR / 2;
        parts.push(
          `<line x1="${(LABEL + x(bar.min)).toFixed(1)}" y1="${mid}" x2="${(LABEL + x(bar.max)).toFixed(1)}" y2="${mid}" stroke="#222" stroke-width="1"/>`,
        );
      }
      parts.push(
        `<text x="${(LABEL + w + 4).toFixed(1)}" y="${y + BAR - 3}">${shortNumber(bar.value)} ${escapeXml(options.unit)}</text>`,
      );
      y += BAR + GAP;
    }
    y += GROUP_GAP;
  }
  // Decade gridlines, so the log scale reads as one.
  const grid: string[] = [];
  for (let v = low; v <= high; v *= 10) {
    const gx = (LABEL + x(v)).toFixed(1);
    grid.push(
      `<line x1="${gx}" y1="30" x2="${gx}" y2="${y - GROUP_GAP}" stroke="#ddd"/>`,
      `<text x="${gx}" y="26" text-anchor="middle" fill="#666">${shortNumber(v)}</text>`,
    );
  }
  const total = LABEL + width + 90;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${y}" viewBox="0 0 ${total} ${y}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="0" y="12" font-size="13" font-weight="bold">${escapeXml(options.title)} (log scale)</text>`,
    ...grid,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
