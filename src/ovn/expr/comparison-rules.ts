/**
 * What OVN requires of one comparison `field OP constants`, checked in OVN's order: the
 * constants' type and width against the field, then the operator against the set and the
 * field's level, then how a nominal field is tested.
 */
import type { MatchFieldRef } from './ast.js';
import { type NumberValue, numberWidth } from './number-token.js';
import type { RelationalOperator } from './tokens.js';

/** One value of a constant set, or an address set or port group whose contents are unknown. */
export type SetValue =
  | { readonly kind: 'number'; readonly number: NumberValue; readonly position: number }
  | { readonly kind: 'string'; readonly position: number }
  | { readonly kind: 'unknown'; readonly position: number };

/** The right-hand side of a comparison, flattened: address sets and port groups expanded. */
export interface ConstantSet {
  readonly type: 'integer' | 'string';
  readonly values: readonly SetValue[];
  /** Written in braces: `{80, 443}`. */
  readonly inSet: boolean;
  readonly position: number;
}

/** A refusal: where, why, and the field it is about. */
export interface ComparisonProblem {
  readonly position: number;
  readonly reason: string;
  readonly field: string;
}

/**
 * The first rule `field OP set` breaks, or undefined. `negated` is true inside an odd number
 * of `!`, which decides how a nominal field may be tested.
 */
export function comparisonProblem(
  ref: MatchFieldRef,
  operator: RelationalOperator,
  set: ConstantSet,
  negated: boolean,
): ComparisonProblem | undefined {
  const { field } = ref;
  const problem = (position: number, reason: string): ComparisonProblem => ({
    position,
    reason,
    field: field.name,
  });
  const fieldType = field.kind === 'string' ? 'string' : 'integer';
  if (set.type !== fieldType)
    return problem(
      set.position,
      `${fieldType} field ${field.name} cannot be compared with ${set.type === 'integer' ? 'an integer' : 'a string'}`,
    );
  for (const value of set.values) {
    if (value.kind !== 'number') continue;
    // OVN checks the width against the whole field, even when bits of it are selected.
    const width = numberWidth(value.number);
    if (width > field.width)
      return problem(
        value.position,
        `a ${width}-bit constant does not fit the ${field.width}-bit field ${field.name}`,
      );
  }
  if (operator !== '==' && operator !== '!=') {
    if (set.inSet) return problem(set.position, `only == and != may compare a field with a set {...}`);
    if (field.level !== 'ordinal')
      return problem(ref.position, `only == and != may be used with ${field.level} field ${field.name}`);
    const first = set.values[0];
    if (first === undefined)
      return problem(set.position, `only == and != may compare a field with an empty set`);
    if (first.kind === 'number' && first.number.mask !== undefined)
      return problem(
        first.position,
        `only == and != may be used with a masked constant (compare bits instead: ${field.name}[0..15] > 0x1111)`,
      );
  }
  if (field.level !== 'nominal') return undefined;
  if (field.kind === 'predicate') {
    for (const value of set.values) {
      if (value.kind !== 'number') continue;
      // Whether the comparison, with the `!` around it, requires the predicate to hold.
      const holds = (((value.number.value & 1n) === 1n) !== (operator === '!=')) !== negated;
      if (!holds)
        return problem(
          value.position,
          `predicate ${field.name} may only be tested positively (\`${field.name}\` or \`${field.name} == 1\`, not \`!${field.name}\` or \`${field.name} == 0\`)`,
        );
    }
    return undefined;
  }
  const wanted = negated ? '!=' : '==';
  if (operator !== wanted)
    return problem(
      ref.position,
      `nominal field ${field.name} may only be tested for equality (== outside \`!\`, != inside an odd number of \`!\`)`,
    );
  return undefined;
}
