/**
 * The public entry points of the match checker: parse a match into its syntax tree, or only
 * check it, refusing what OVN's expression parser (ovn-controller's, and ovn-trace's) refuses.
 */
import type { MatchExpression } from './ast.js';
import { tokenize } from './lexer.js';
import { InvalidMatchError } from './match-error.js';
import type { MatchOptions } from './match-options.js';
import { parseTokens } from './parser.js';
import { expandTemplates } from './templates.js';

/**
 * Parses an OVN match expression (the language of ovn-sb(5) "Logical_Flow", used by
 * Logical_Router_Policy, ACL and QoS `match` columns) as OVN 23.03 reads it, checking field
 * names, bit ranges, the constants' types and widths, operators against field kinds, and the
 * grammar (`&&` and `||` not mixed without parentheses, `!` on an atomic operand).
 *
 * @example
 * ```ts
 * import { parseMatch } from 'ovndb/ovn';
 * const tree = parseMatch('ip4.src == 10.0.0.0/8 && tcp.dst == {80, 443}');
 * console.log(tree.kind); // and
 * ```
 * @throws {@link InvalidMatchError} naming the position, the reason and the field, if any.
 */
export function parseMatch(text: string, options: MatchOptions = {}): MatchExpression {
  if (typeof text !== 'string') throw new InvalidMatchError(String(text), 0, 'a match is a string');
  const tokens = tokenize(text);
  if (!text.includes('^')) return parseTokens(text, tokens, options);
  // Expansion cannot mend what the lexer could not read (OVN writes it back as error("...")):
  // such a text is refused either way, so its problem is reported where the user wrote it.
  const unreadable = tokens.find((token) => token.kind === 'error');
  if (unreadable?.kind === 'error') throw new InvalidMatchError(text, unreadable.start, unreadable.message);
  const expanded = expandTemplates(text, options.templates);
  return parseTokens(expanded, tokenize(expanded), options);
}

/**
 * Checks an OVN match expression and returns it unchanged, so that it can be written as it
 * was given. See {@link parseMatch} for what is checked.
 * @throws {@link InvalidMatchError}
 */
export function checkMatch(text: string, options: MatchOptions = {}): string {
  parseMatch(text, options);
  return text;
}
