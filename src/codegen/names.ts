/**
 * Turns an OVSDB name into a PascalCase TypeScript name: split on `_`, upper-case the
 * first letter of each part and keep the rest as written, so acronyms survive
 * (`Logical_Router_Static_Route` -> `LogicalRouterStaticRoute`, `NB_Global` -> `NBGlobal`,
 * `QoS` -> `QoS`).
 */
export function toPascalCase(name: string): string {
  let out = '';
  for (const part of name.split('_')) {
    if (part.length > 0) out += part[0]!.toUpperCase() + part.slice(1);
  }
  return out;
}

/** Code-unit order: identical on every machine and locale, so generated output is stable. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Names a generated database module exports for itself, plus the types its row file
 * refers to: a generated name equal to one of these would clash or shadow it. (The
 * model file's imports cannot clash: its only generated names end in `Table`.)
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'Tables',
  'TableIndexes',
  'TableName',
  'Uuid',
  'schemaIndexes',
  'Readonly',
  'ReadonlyMap',
  'Record',
  'Partial',
  'model',
  'schemaJson',
]);
