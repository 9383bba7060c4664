/**
 * Chassis template variables (`^name`), expanded before parsing as ovn-controller expands
 * them: when the text holds a `^` anywhere, it is split into tokens and put back together
 * without the blanks and comments between them, each template replaced by its value (or by
 * its own name when it has none). The text is left as it is otherwise.
 */
import { tokenize } from './lexer.js';

/**
 * The text to parse: `text` with its templates expanded. The caller has refused a text with
 * tokens the lexer cannot read: no expansion makes such a text valid.
 */
export function expandTemplates(text: string, values: ReadonlyMap<string, string> = new Map()): string {
  if (!text.includes('^')) return text;
  let expanded = '';
  for (const token of tokenize(text)) {
    if (token.kind === 'template') expanded += values.get(token.name) ?? token.name;
    else expanded += text.slice(token.start, token.end);
  }
  return expanded;
}
