/**
 * The syntax tree {@link parseMatch} returns: the expression as written (set references and
 * `!` kept where they are), with every node's offset in the text.
 */
import type { MatchField } from './fields.js';
import type { NumberFormat } from './number-token.js';
import type { RelationalOperator } from './tokens.js';

/** A field as named in the expression, with the bits selected (`reg0[0..3]`), if any. */
export interface MatchFieldRef {
  readonly field: MatchField;
  /** Selected bits, `[low, high]` inclusive; absent when the whole field is used. */
  readonly bits?: readonly [number, number];
  readonly position: number;
}

/** One constant of a comparison. */
export type MatchConstant =
  | {
      readonly kind: 'number';
      readonly format: NumberFormat;
      readonly value: bigint;
      /** Present for `value/mask` and CIDRs (`10.0.0.0/8` has mask `0xff000000`). */
      readonly mask?: bigint;
      readonly position: number;
    }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  /** `$name`. */
  | { readonly kind: 'address-set'; readonly name: string; readonly position: number }
  /** `@name`. */
  | { readonly kind: 'port-group'; readonly name: string; readonly position: number };

/** A node of a parsed match. */
export type MatchExpression =
  /** `1` or `0`. */
  | { readonly kind: 'boolean'; readonly value: boolean; readonly position: number }
  /** A field on its own: a predicate (`tcp`), or a field tested against 0 (`ct.new`, `!reg0`). */
  | { readonly kind: 'field'; readonly field: MatchFieldRef; readonly position: number }
  /**
   * `field OP constant`, or with a set: `field == {a, b}` (`inSet`). A constant written first
   * (`80 == tcp.dst`) is turned around, and a range (`1 < tcp.dst < 100`) is an `and` of two.
   */
  | {
      readonly kind: 'comparison';
      readonly field: MatchFieldRef;
      readonly operator: RelationalOperator;
      readonly values: readonly MatchConstant[];
      /** True when the values were written in braces. */
      readonly inSet: boolean;
      readonly position: number;
    }
  | { readonly kind: 'not'; readonly operand: MatchExpression; readonly position: number }
  | {
      readonly kind: 'and' | 'or';
      readonly operands: readonly MatchExpression[];
      readonly position: number;
    }
  /** `is_chassis_resident("port")`. */
  | { readonly kind: 'chassis-resident'; readonly port: string; readonly position: number };
