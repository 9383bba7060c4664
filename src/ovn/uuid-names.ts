/**
 * `uuid-name`s for rows the helpers insert. They only need to be unique within one
 * transaction, but callers join several helpers' operations into one, so every helper draws
 * from this one sequence.
 */
let sequence = 0;

/** A fresh `uuid-name`: `<prefix>_<n>` (prefix: letters, digits, underscores). */
export function nextUuidName(prefix: string): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}_${sequence}`;
}
