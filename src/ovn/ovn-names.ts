/**
 * Names of address sets and port groups. A match refers to them as `$name` and `@name`, and
 * OVN's lexer reads such a reference as one identifier: a letter, `_` or `.` first, then
 * letters, digits, `_` and `.`. A name with any other character (a `-`, a `/`, a space) can be
 * stored, but no match can name it: the lexer stops the identifier there and the rest is a
 * syntax error. The check below asks the project's lexer itself, so the two cannot disagree.
 */
import { tokenize } from './expr/lexer.js';
import { InvalidSpecError } from './ovn-errors.js';

/** True when `name` can follow `$` or `@` in a match as a whole identifier. */
export function isOvnIdentifier(name: string): boolean {
  if (typeof name !== 'string' || name === '') return false;
  const tokens = tokenize(`$${name}`);
  const [first, second] = tokens;
  return first?.kind === 'address-set' && first.end === name.length + 1 && second?.kind === 'end';
}

/**
 * A name OVN accepts as `$addr_set` / `@port_group` in a match, made from `text` by
 * Kube-OVN's rule: every `-` becomes `.` (Kubernetes names are DNS labels, full of dashes,
 * which OVN's lexer does not take). Anything else outside `[A-Za-z0-9_.]`, or a digit first,
 * is refused rather than rewritten: two different inputs must not silently become one name.
 *
 * @example
 * ```ts
 * import { ovnIdentifier } from 'ovndb/ovn';
 * console.log(ovnIdentifier('allow-web.default')); // allow.web.default
 * ```
 * @throws {@link InvalidSpecError} naming `field` and `text`.
 */
export function ovnIdentifier(text: string, field = 'name'): string {
  if (typeof text !== 'string' || text === '')
    throw new InvalidSpecError(field, text, 'a name is a non-empty string');
  const name = text.replaceAll('-', '.');
  if (!isOvnIdentifier(name))
    throw new InvalidSpecError(
      field,
      text,
      'not an OVN identifier: letters, digits, "_", "." and "-" only (each "-" becomes "."), not starting with a digit',
    );
  return name;
}

/**
 * `name` itself when it is already an OVN identifier (an address set or port group name as
 * stored and as a match names it).
 * @throws {@link InvalidSpecError} naming `field` and `name`, suggesting {@link ovnIdentifier}'s
 *   form when that would be valid.
 */
export function checkOvnName(name: string, field = 'name'): string {
  if (isOvnIdentifier(name)) return name;
  let hint = '';
  if (typeof name === 'string' && name.includes('-') && isOvnIdentifier(name.replaceAll('-', '.')))
    hint = ` (ovnIdentifier gives ${name.replaceAll('-', '.')})`;
  throw new InvalidSpecError(
    field,
    name,
    `not an OVN identifier: a match could not name it as $name or @name${hint}`,
  );
}
