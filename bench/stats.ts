/** Small statistics for the bench summaries. */

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of `values` with their least and greatest, and how many there are. */
export interface MedianSpread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** `values` as median, min, max and count (NaN figures when empty). */
export function medianSpread(values: readonly number[]): MedianSpread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}
