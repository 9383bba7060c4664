/**
 * A quick yes for the common case of value checking. Operations are checked before every
 * `transact`, so the check sits on the hot path: for columns whose atoms carry no
 * constraints, this confirms a value is valid without allocating or normalizing. Anything it
 * cannot confirm (a constraint, a map, a surrogate in a string, a possible error) goes to the
 * full check, which also builds the error.
 */
import type { AtomicType, BaseType } from './base-type.js';
import type { ColumnType } from './column-type.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ID_RE = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
// Any UTF-16 surrogate: pairs are fine but need the full check to tell them from lone ones.
const SURROGATE_RE = /[\uD800-\uDFFF]/;

type AtomTest = (value: unknown, allowNamedUuid: boolean) => boolean;

const atomTests: Record<AtomicType, AtomTest> = {
  integer: (v) => Number.isSafeInteger(v),
  real: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string' && !SURROGATE_RE.test(v),
  uuid: (v, allowNamedUuid) =>
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[1] === 'string' &&
    (v[0] === 'uuid' ? UUID_RE.test(v[1]) : v[0] === 'named-uuid' && allowNamedUuid && ID_RE.test(v[1])),
};

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

// Distinctness of set elements, by a key that is unique per atom value of one type.
function distinct(elements: unknown[], type: AtomicType): boolean {
  if (elements.length < 2) return true;
  if (elements.length === 2) return key(elements[0], type) !== key(elements[1], type);
  const seen = new Set<unknown>();
  for (const e of elements) {
    const k = key(e, type);
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

function key(atom: unknown, type: AtomicType): unknown {
  // UUIDs compare case-insensitively; a named-uuid is kept apart from a real one.
  return type === 'uuid' ? `${(atom as string[])[0]}:${(atom as string[])[1]!.toLowerCase()}` : atom;
}

/**
 * True when `value` is certainly a valid datum of `type`; false means "not confirmed here"
 * (run the full check), never "invalid".
 */
export function quicklyValid(type: ColumnType, value: unknown, allowNamedUuid: boolean): boolean {
  if (type.value !== undefined || !unconstrained(type.key)) return false;
  const test = atomTests[type.key.type];
  if (!(Array.isArray(value) && value[0] === 'set')) {
    // A bare atom stands for a one-element set.
    return type.min <= 1 && type.max >= 1 && test(value, allowNamedUuid);
  }
  const elements = value[1];
  if (value.length !== 2 || !Array.isArray(elements)) return false;
  if (elements.length < type.min || elements.length > type.max) return false;
  for (const e of elements) if (!test(e, allowNamedUuid)) return false;
  return distinct(elements, type.key.type);
}
