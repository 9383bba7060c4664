/** RFC 7047 §5.1 mutations: `[column, mutator, value]`, used by the `mutate` operation. */
import type { WireValue } from './notation.js';

/** Arithmetic mutators apply to integer/real scalars and to every element of integer/real sets. */
export type ArithmeticMutator = '+=' | '-=' | '*=' | '/=' | '%=';
/** Set and map mutators: add elements (pairs), or remove elements (pairs, or keys of a map). */
export type CollectionMutator = 'insert' | 'delete';
/** Any mutator. */
export type Mutator = ArithmeticMutator | CollectionMutator;

/** A mutation as it travels on the wire. */
export type Mutation = [column: string, mutator: Mutator, value: WireValue];

/** Every arithmetic mutator, for validation. */
export const arithmeticMutators: ReadonlySet<string> = new Set<ArithmeticMutator>([
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
]);

/** `[column, mutator, value]`, typed. */
export function mutation(column: string, mutator: Mutator, value: WireValue): Mutation {
  return [column, mutator, value];
}
