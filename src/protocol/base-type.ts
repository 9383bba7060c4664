import { enumAtom } from './atom.js';
import { parseDatumAtoms } from './datum-parse.js';
import { MemberParser } from './json-members.js';
import type { WireAtom } from './notation.js';
import { InvalidValueError, SchemaError } from './validation-errors.js';

/** The five OVSDB atomic types. */
export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

/** All atomic types, in ovsdb-server's order. */
export const ATOMIC_TYPES: ReadonlyArray<AtomicType> = ['integer', 'real', 'boolean', 'string', 'uuid'];

/**
 * An atomic type with its constraints (RFC 7047 section 3.2 `<base-type>`). Absent
 * members mean "no constraint". When `enum` is present the other constraints are not
 * allowed, as in ovsdb-server.
 */
export interface BaseType {
  /** The atomic type. */
  readonly type: AtomicType;
  /**
   * The allowed values, sorted and distinct. UUIDs appear as bare 36-character strings;
   * 64-bit integers beyond 2^53 lose precision here (no real schema has such enums).
   */
  readonly enum?: ReadonlyArray<number | boolean | string>;
  /** Smallest allowed integer. */
  readonly minInteger?: number;
  /** Largest allowed integer. */
  readonly maxInteger?: number;
  /** Smallest allowed real. */
  readonly minReal?: number;
  /** Largest allowed real. */
  readonly maxReal?: number;
  /** Shortest allowed string, in Unicode code points. */
  readonly minLength?: number;
  /** Longest allowed string, in Unicode code points. */
  readonly maxLength?: number;
  /** For uuid atoms: the table the UUID refers to. */
  readonly refTable?: string;
  /** For references: whether the reference keeps its target alive. Set whenever refTable is. */
  readonly refType?: 'strong' | 'weak';
}

const UINT_MAX = 4294967295;

/** Parses an atomic type name; `void` and anything else are rejected. */
export function parseAtomicType(json: unknown): AtomicType {
  if (typeof json !== 'string') throw new SchemaError('atomic-type expected', { json });
  if (!(ATOMIC_TYPES as ReadonlyArray<string>).includes(json)) {
    throw new SchemaError(`"${json}" is not an atomic-type`, { json });
  }
  return json as AtomicType;
}

/**
 * Parses a `<base-type>`: an atomic type name, or an object with `type` and
 * constraints. Throws {@link SchemaError} with ovsdb-server's wording.
 */
export function parseBaseType(json: unknown): BaseType {
  if (typeof json === 'string') return { type: parseAtomicType(json) };
  const p = new MemberParser(json, 'ovsdb type');
  const type = parseAtomicType(p.get('type', 'string'));
  const base: { -readonly [K in keyof BaseType]: BaseType[K] } = { type };
  const enumJson = p.optional('enum');
  if (enumJson !== undefined) {
    base.enum = parseEnum(type, enumJson);
  } else if (type === 'integer') {
    const min = p.optional('minInteger', 'integer') as number | bigint | undefined;
    const max = p.optional('maxInteger', 'integer') as number | bigint | undefined;
    if (min !== undefined) base.minInteger = Number(min);
    if (max !== undefined) base.maxInteger = Number(max);
    if (min !== undefined && max !== undefined && min > max) {
      throw new SchemaError('minInteger exceeds maxInteger', { json });
    }
  } else if (type === 'real') {
    const min = p.optional('minReal', 'number') as number | bigint | undefined;
    const max = p.optional('maxReal', 'number') as number | bigint | undefined;
    if (min !== undefined) base.minReal = Number(min);
    if (max !== undefined) base.maxReal = Number(max);
    if (min !== undefined && max !== undefined && min > max) {
      throw new SchemaError('minReal exceeds maxReal', { json });
    }
  } else if (type === 'string') {
    const min = parseUint(p, 'minLength');
    const max = parseUint(p, 'maxLength');
    // An explicit minLength of 0 is the default, and ovsdb-server forgets it too.
    if (min !== undefined && min !== 0) base.minLength = min;
    if (max !== undefined) base.maxLength = max;
    if ((min ?? 0) > (max ?? UINT_MAX)) throw new SchemaError('minLength exceeds maxLength', { json });
  } else if (type === 'uuid') {
    const refTable = p.optional('refTable', 'id') as string | undefined;
    if (refTable !== undefined) {
      base.refTable = refTable;
      const refType = p.optional('refType', 'id') as string | undefined;
      if (refType !== undefined && refType !== 'strong' && refType !== 'weak') {
        throw new SchemaError(`refType must be "strong" or "weak" (not "${refType}")`, { json });
      }
      base.refType = refType === 'weak' ? 'weak' : 'strong';
    }
  }
  p.finish();
  return base;
}

function parseUint(p: MemberParser, name: string): number | undefined {
  const value = p.optional(name, 'integer') as number | bigint | undefined;
  if (value === undefined) return undefined;
  if (value < 0 || value > UINT_MAX) {
    throw new SchemaError(`${name} out of valid range 0 to ${UINT_MAX}`, { json: value });
  }
  return Number(value);
}

// An enum is a set datum of the unconstrained atomic type, with at least one member.
function parseEnum(type: AtomicType, json: unknown): Array<number | boolean | string> {
  try {
    const atoms = parseDatumAtoms({ type }, json, 1, Number.POSITIVE_INFINITY);
    return atoms.map((a) => (Array.isArray(a) ? a[1] : typeof a === 'bigint' ? Number(a) : a));
  } catch (e) {
    if (!(e instanceof InvalidValueError)) throw e;
    throw new SchemaError(e.reason, {
      json: e.kind === 'syntax' ? e.value : undefined,
      tag: e.tag,
      cause: e,
    });
  }
}

/** True when `t` has any constraint beyond its atomic type (enum, range, length, reference). */
export function hasConstraints(t: BaseType): boolean {
  return (
    t.enum !== undefined ||
    t.minInteger !== undefined ||
    t.maxInteger !== undefined ||
    t.minReal !== undefined ||
    t.maxReal !== undefined ||
    t.minLength !== undefined ||
    t.maxLength !== undefined ||
    t.refTable !== undefined
  );
}

/**
 * The canonical JSON of a base type, as ovsdb-server prints it: the bare type name
 * when unconstrained, otherwise an object with only the members that differ from the
 * defaults (`refType` only when weak).
 */
export function baseTypeToJson(t: BaseType): unknown {
  if (!hasConstraints(t)) return t.type;
  const json: Record<string, unknown> = { type: t.type };
  if (t.enum !== undefined) {
    const atoms: WireAtom[] = t.enum.map((v) => enumAtom(t.type, v));
    json.enum = atoms.length === 1 ? atoms[0] : ['set', atoms];
  }
  if (t.minInteger !== undefined) json.minInteger = t.minInteger;
  if (t.maxInteger !== undefined) json.maxInteger = t.maxInteger;
  if (t.minReal !== undefined) json.minReal = t.minReal;
  if (t.maxReal !== undefined) json.maxReal = t.maxReal;
  if (t.minLength !== undefined) json.minLength = t.minLength;
  if (t.maxLength !== undefined) json.maxLength = t.maxLength;
  if (t.refTable !== undefined) {
    json.refTable = t.refTable;
    if (t.refType === 'weak') json.refType = 'weak';
  }
  return json;
}

/** True for a uuid base type that refers to a table. */
export function isReference(t: BaseType | undefined): boolean {
  return t !== undefined && t.type === 'uuid' && t.refTable !== undefined;
}
