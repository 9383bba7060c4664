import { atomToText } from './atom-text.js';
import type { AtomicType, BaseType } from './base-type.js';
import { ID_PATTERN, UUID_PATTERN } from './identifiers.js';
import type { WireAtom } from './notation.js';
import { formatG15 } from './number-format.js';
import { codePointLength, compareCodePoints } from './string-order.js';
import { InvalidValueError, type ValueLocation } from './validation-errors.js';

/** The all-zeros UUID: the default value of a uuid atom. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Options for checking atoms and data. */
export interface CheckOptions {
  /** Accept `["named-uuid", id]` atoms, as in transaction operations. @default false */
  allowNamedUuid?: boolean;
}

/** The default atom of each atomic type: 0, 0, false, "" and the all-zeros UUID. */
export function defaultAtom(t: AtomicType): WireAtom {
  switch (t) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return ['uuid', ZERO_UUID];
  }
}

/**
 * Checks that `wire` is a valid atom of `base`: JSON shape, atomic type, then the
 * constraints (enum, integer/real range, string length in code points). Throws
 * {@link InvalidValueError} naming the location and the value.
 *
 * Integers may be safe-integer numbers or (for 64-bit values beyond 2^53) bigints.
 */
export function checkAtom(base: BaseType, wire: unknown, where?: ValueLocation, opts?: CheckOptions): void {
  parseAtom(base, wire, where, opts);
}

/**
 * Like {@link checkAtom}, and returns the canonical atom: UUIDs in lower case, `-0` as
 * `0`, integers as numbers when they are safe integers.
 */
export function parseAtom(
  base: BaseType,
  wire: unknown,
  where?: ValueLocation,
  opts?: CheckOptions,
): WireAtom {
  const atom = parseAtomShape(base.type, wire, where, opts);
  checkConstraints(base, atom, where);
  return atom;
}

function parseAtomShape(
  type: AtomicType,
  wire: unknown,
  where?: ValueLocation,
  opts?: CheckOptions,
): WireAtom {
  switch (type) {
    case 'integer':
      if (typeof wire === 'number' && Number.isInteger(wire) && Math.abs(wire) <= 2 ** 63) return wire + 0;
      if (typeof wire === 'bigint' && wire >= INT64_MIN && wire <= INT64_MAX) {
        // bigint travels outside WireAtom's declared types; only 64-bit integers use it.
        return (Number.isSafeInteger(Number(wire)) ? Number(wire) : wire) as unknown as WireAtom;
      }
      break;
    case 'real':
      if (typeof wire === 'number' && Number.isFinite(wire)) return wire + 0;
      // A bigint past the double range would become Infinity, which no real atom may be.
      if (typeof wire === 'bigint' && Number.isFinite(Number(wire))) return Number(wire);
      break;
    case 'boolean':
      if (typeof wire === 'boolean') return wire;
      break;
    case 'string':
      if (typeof wire === 'string') {
        if (codePointLength(wire) < 0) syntax('invalid UTF-8 string (lone surrogate)', wire, where);
        // ovsdb-server's JSON lexer refuses "\u0000" ("null bytes not supported in quoted
        // strings", json_lex_4hex in Open vSwitch lib/json.c) and drops the whole connection.
        if (wire.includes('\u0000')) syntax('NUL (U+0000) cannot be stored in an OVSDB string', wire, where);
        return wire;
      }
      break;
    case 'uuid':
      return parseUuid(wire, where, opts);
  }
  return syntax(`expected ${type}`, wire, where);
}

function parseUuid(wire: unknown, where?: ValueLocation, opts?: CheckOptions): WireAtom {
  if (Array.isArray(wire) && wire.length === 2 && typeof wire[1] === 'string') {
    if (wire[0] === 'uuid') {
      if (!UUID_PATTERN.test(wire[1])) syntax(`"${wire[1]}" is not a valid UUID`, wire, where);
      return ['uuid', wire[1].toLowerCase()];
    }
    if (wire[0] === 'named-uuid' && opts?.allowNamedUuid) {
      if (!ID_PATTERN.test(wire[1])) syntax(`"${wire[1]}" is not a valid named-uuid`, wire, where);
      return ['named-uuid', wire[1]];
    }
  }
  return syntax('expected ["uuid", <string>]', wire, where);
}

function syntax(reason: string, value: unknown, where?: ValueLocation): never {
  throw new InvalidValueError('syntax', reason, value, where);
}

function checkConstraints(base: BaseType, atom: WireAtom, where?: ValueLocation): void {
  if (base.enum !== undefined) {
    // Named UUIDs only get real values at commit; the server checks them then.
    if (Array.isArray(atom) && atom[0] === 'named-uuid') return;
    if (!enumSet(base).has(enumKey(atom))) {
      const allowed = `[${base.enum.map((v) => atomToText(base.type, enumAtom(base.type, v))).join(', ')}]`;
      constraint(`${atomToText(base.type, atom)} is not one of the allowed values (${allowed})`, atom, where);
    }
    return;
  }
  if (base.type === 'integer' || base.type === 'real') {
    const [min, max] =
      base.type === 'integer' ? [base.minInteger, base.maxInteger] : [base.minReal, base.maxReal];
    const v = atom as number | bigint;
    if ((min === undefined || v >= min) && (max === undefined || v <= max)) return;
    const text = atomToText(base.type, atom);
    if (min !== undefined && max !== undefined) {
      constraint(
        `${text} is not in the valid range ${formatG15(min)} to ${formatG15(max)} (inclusive)`,
        atom,
        where,
      );
    } else if (min !== undefined) {
      constraint(`${text} is less than minimum allowed value ${formatG15(min)}`, atom, where);
    } else {
      constraint(`${text} is greater than maximum allowed value ${formatG15(max as number)}`, atom, where);
    }
  } else if (base.type === 'string' && (base.minLength !== undefined || base.maxLength !== undefined)) {
    const s = atom as string;
    const length = codePointLength(s);
    if (base.minLength !== undefined && length < base.minLength) {
      constraint(
        `"${s}" length ${length} is less than minimum allowed length ${base.minLength}`,
        atom,
        where,
      );
    } else if (base.maxLength !== undefined && length > base.maxLength) {
      constraint(
        `"${s}" length ${length} is greater than maximum allowed length ${base.maxLength}`,
        atom,
        where,
      );
    }
  }
}

function constraint(reason: string, value: unknown, where?: ValueLocation): never {
  throw new InvalidValueError('constraint', reason, value, where);
}

const enumSets = new WeakMap<BaseType, Set<unknown>>();

// Enum membership is a set lookup, built once per base type.
function enumSet(base: BaseType): Set<unknown> {
  let set = enumSets.get(base);
  if (set === undefined) {
    set = new Set(base.enum);
    enumSets.set(base, set);
  }
  return set;
}

function enumKey(atom: WireAtom): unknown {
  if (Array.isArray(atom)) return atom[1];
  return typeof atom === 'bigint' ? Number(atom) : atom;
}

/** The wire atom for one entry of {@link BaseType.enum} (UUIDs are kept there as bare strings). */
export function enumAtom(type: AtomicType, value: number | boolean | string): WireAtom {
  return type === 'uuid' ? ['uuid', value as string] : value;
}

function rank(a: unknown): number {
  switch (typeof a) {
    case 'number':
    case 'bigint':
      return 0;
    case 'boolean':
      return 1;
    case 'string':
      return 2;
    default:
      return Array.isArray(a) && a[0] === 'uuid' ? 3 : 4;
  }
}

/**
 * Orders atoms the way ovsdb-server sorts sets and maps: numbers numerically, false
 * before true, strings by code point (UTF-8 byte order), UUIDs as 128-bit numbers.
 * Atoms of different types (which never share a column) are ordered by type.
 */
export function compareAtoms(a: WireAtom, b: WireAtom): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return a < b ? -1 : a > b ? 1 : 0;
    case 1:
      return Number(a) - Number(b);
    case 2:
      return compareCodePoints(a as string, b as string);
    default: {
      // Canonical UUIDs are lower case, so text order is numeric order.
      const x = (a as [string, string])[1];
      const y = (b as [string, string])[1];
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}
