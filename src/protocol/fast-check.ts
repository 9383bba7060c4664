/**
 * A quick yes for the common case of value checking. Operations are checked before every
 * `transact`, so the check sits on the hot path: for columns whose atoms carry no
 * constraints, a check specialized to the column's type, built once per type, confirms a value
 * is valid without allocating or normalizing. Anything it cannot confirm (a constraint, a map,
 * a surrogate in a string, a possible error) goes to the full check, which also builds the error.
 */
import type { AtomicType, BaseType } from './base-type.js';
import type { ColumnType } from './column-type.js';
import { ID_PATTERN, UUID_PATTERN } from './identifiers.js';

/** True when a value is certainly valid; false means "not confirmed", never "invalid". */
export type QuickCheck = (value: unknown) => boolean;

// Any UTF-16 surrogate (pairs are fine but need the full check to tell them from lone ones),
// and NUL, which the full check refuses.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters looked for.
const SURROGATE_RE = /[\u0000\uD800-\uDFFF]/;

// Atom tests for operations, where named UUIDs stand for rows inserted in the same transaction.
const atomTests: Record<AtomicType, QuickCheck> = {
  integer: (v) => Number.isSafeInteger(v),
  real: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string' && !SURROGATE_RE.test(v),
  uuid: (v) =>
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[1] === 'string' &&
    (v[0] === 'uuid' ? UUID_PATTERN.test(v[1]) : v[0] === 'named-uuid' && ID_PATTERN.test(v[1])),
};

const never: QuickCheck = () => false;

function unconstrained(base: BaseType): boolean {
  return (
    base.enum === undefined &&
    base.minInteger === undefined &&
    base.maxInteger === undefined &&
    base.minReal === undefined &&
    base.maxReal === undefined &&
    base.minLength === undefined &&
    base.maxLength === undefined
  );
}

// A key unique per atom value of one type, allocation-free in the common case. UUIDs compare
// case-insensitively. A named-uuid's id can hold no '-', which every UUID has, so the two
// kinds never share a key.
function atomKey(atom: unknown, type: AtomicType): unknown {
  if (type !== 'uuid') return atom;
  const text = (atom as string[])[1]!;
  return (atom as string[])[0] === 'uuid' && HAS_UPPER_HEX.test(text) ? text.toLowerCase() : text;
}
const HAS_UPPER_HEX = /[A-F]/;

function distinct(elements: unknown[], type: AtomicType): boolean {
  if (elements.length < 2) return true;
  if (elements.length === 2) return atomKey(elements[0], type) !== atomKey(elements[1], type);
  const seen = new Set<unknown>();
  for (const e of elements) {
    const k = atomKey(e, type);
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

function compile(type: ColumnType): QuickCheck {
  if (type.value !== undefined || !unconstrained(type.key)) return never;
  const atomic = type.key.type;
  const test = atomTests[atomic];
  const { min, max } = type;
  const bareAllowed = min <= 1 && max >= 1;
  if (min === 1 && max === 1) return (v) => test(v) || (Array.isArray(v) && v[0] === 'set' && setValid(v));
  return (v) => (Array.isArray(v) && v[0] === 'set' ? setValid(v) : bareAllowed && test(v));

  function setValid(v: unknown[]): boolean {
    const elements = v[1];
    if (v.length !== 2 || !Array.isArray(elements)) return false;
    if (elements.length < min || elements.length > max) return false;
    for (const e of elements) if (!test(e)) return false;
    return distinct(elements, atomic);
  }
}

const compiled = new WeakMap<ColumnType, QuickCheck>();

/** The quick check for values of `type` in operations (named UUIDs allowed), built once per type. */
export function quickCheckFor(type: ColumnType): QuickCheck {
  let check = compiled.get(type);
  if (check === undefined) {
    check = compile(type);
    compiled.set(type, check);
  }
  return check;
}
