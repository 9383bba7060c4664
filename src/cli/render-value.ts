/** Typed row values as JSON and as table cells. */

/** `value` with `Map`s (maps whose keys are not strings) turned into arrays of `[key, value]` pairs. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Map) return [...value].map(([k, v]) => [toJsonValue(k), toJsonValue(v)]);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

function atomText(value: unknown): string {
  if (typeof value === 'string') return /^[A-Za-z0-9_.:/-]+$/.test(value) ? value : JSON.stringify(value);
  return String(value);
}

/** A cell as ovn-nbctl prints one: `[a, b]` for sets, `{k=v}` for maps, `[]` for empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '[]';
  if (value instanceof Map)
    return `{${[...value].map(([k, v]) => `${atomText(k)}=${atomText(v)}`).join(', ')}}`;
  if (Array.isArray(value)) return `[${value.map(atomText).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${atomText(k)}=${atomText(v)}`)
      .join(', ')}}`;
  }
  return atomText(value);
}

/** Rows as an aligned text table with a header and a dashed rule, like ovsdb-client's. */
export function renderTable(headings: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join(' ')
      .trimEnd();
  return [line(headings), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
