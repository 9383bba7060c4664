/** Compact JSON with object keys sorted, as Open vSwitch's tools print replies. */
export function toSortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toSortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${toSortedJson(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
