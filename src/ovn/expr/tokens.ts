/**
 * The tokens of OVN's match language, each with where it sits in the text.
 */
import type { NumberValue } from './number-token.js';

/** Operators and punctuation, each its own token kind (the language's lexer knows them all). */
export type Punctuation =
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '!'
  | '&&'
  | '||'
  | '..'
  | ','
  | ';'
  | '='
  | '<->'
  | '--'
  | ':'
  | '-';

/** Offsets of a token in the text: `start` inclusive, `end` exclusive. */
export interface TokenSpan {
  readonly start: number;
  readonly end: number;
}

/** One token. An `error` token is what the lexer could not read; it is reported when reached. */
export type Token = TokenSpan &
  (
    | { readonly kind: 'end' }
    | { readonly kind: Punctuation }
    /** A field or function name: letters, digits, `_` and `.`, not starting with a digit. */
    | { readonly kind: 'id'; readonly name: string }
    /** A quoted string, unescaped (JSON escapes). */
    | { readonly kind: 'string'; readonly value: string }
    | { readonly kind: 'number'; readonly number: NumberValue }
    /** `$name`: an address set. */
    | { readonly kind: 'address-set'; readonly name: string }
    /** `@name`: a port group. */
    | { readonly kind: 'port-group'; readonly name: string }
    /** `^name`: a chassis template variable. */
    | { readonly kind: 'template'; readonly name: string }
    | { readonly kind: 'error'; readonly message: string }
  );

/** `==`, `!=`, `<`, `<=`, `>` or `>=`. */
export type RelationalOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

const RELATIONAL_OPERATORS: readonly string[] = [
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
] satisfies RelationalOperator[];

/** True for a relational operator token. */
export function isRelational(token: Token): token is Token & { kind: RelationalOperator } {
  return RELATIONAL_OPERATORS.includes(token.kind);
}

/** How a token reads in a message: its own text, or `end of input`. */
export function describeToken(text: string, token: Token): string {
  return token.kind === 'end' ? 'end of input' : `\`${text.slice(token.start, token.end)}\``;
}
