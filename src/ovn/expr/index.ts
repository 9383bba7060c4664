/**
 * OVN's match expression language: a parser that refuses what OVN refuses, the field table,
 * and the error it throws (see docs/ovn-expressions.md).
 */
export type { MatchConstant, MatchExpression, MatchFieldRef } from './ast.js';
export { checkMatch, parseMatch } from './check-match.js';
export { type MatchField, type MatchFieldLevel, matchField, matchFields } from './fields.js';
export { InvalidMatchError } from './match-error.js';
export type { MatchOptions } from './match-options.js';
export type { NumberFormat } from './number-token.js';
export type { RelationalOperator } from './tokens.js';
