/**
 * The mutations that take a set or map column from what a row holds to what a spec wants:
 * only the elements that differ, so changing one element of a big column sends one element.
 */
import type { TypedMutation } from '../model/typed-clauses.js';

/**
 * Mutations of set column `column` from `current` to `desired` (empty when equal): a `delete`
 * of what goes, an `insert` of what comes.
 */
export function setColumnMutations<Row>(
  column: keyof Row & string,
  current: readonly string[],
  desired: readonly string[],
): TypedMutation<Row>[] {
  const have = new Set(current);
  const want = new Set(desired);
  const gone = current.filter((x) => !want.has(x));
  const added = [...want].filter((x) => !have.has(x));
  const out: TypedMutation<Row>[] = [];
  if (gone.length > 0) out.push({ column, mutator: 'delete', value: gone });
  if (added.length > 0) out.push({ column, mutator: 'insert', value: added });
  return out;
}

/**
 * Mutations of map column `column` from `current` to `desired` (empty when equal). A map
 * `insert` keeps a key that is present, so a changed value is a `delete` of its key followed
 * by an `insert` of the pair, in that order within one mutate operation.
 */
export function mapColumnMutations<Row>(
  column: keyof Row & string,
  current: Readonly<Record<string, string>>,
  desired: Readonly<Record<string, string>>,
): TypedMutation<Row>[] {
  const gone = Object.keys(current).filter((key) => desired[key] !== current[key]);
  const added: Record<string, string> = {};
  let adds = 0;
  for (const [key, value] of Object.entries(desired)) {
    if (current[key] !== value) {
      added[key] = value;
      adds++;
    }
  }
  const out: TypedMutation<Row>[] = [];
  if (gone.length > 0) out.push({ column, mutator: 'delete', value: gone });
  if (adds > 0) out.push({ column, mutator: 'insert', value: added });
  return out;
}

/** `current` with `changes` merged in (a key in both takes the changed value). */
export function mergedMap(
  current: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
): Record<string, string> {
  return { ...current, ...changes };
}
