import type { AtomicType } from './base-type.js';
import type { WireAtom } from './notation.js';
import { formatG15 } from './number-format.js';

// Strings that would read as something else unquoted: empty, true/false prefixes, a
// leading non-letter, or any later character outside [-._a-zA-Z].
const NEEDS_QUOTES = /^(?:$|true|false|[^_a-zA-Z]|.*[^-._a-zA-Z])/s;

/**
 * An atom in ovsdb-server's text notation (as in its constraint messages and
 * `ovs-vsctl` output): integers in decimal, reals as `%.15g`, strings bare unless they
 * need JSON quotes, UUIDs as their 36 characters.
 */
export function atomToText(type: AtomicType, atom: WireAtom): string {
  if (Array.isArray(atom)) return atom[1];
  switch (type) {
    case 'integer':
      return String(atom);
    case 'real':
      return formatG15(Number(atom));
    case 'string': {
      const s = String(atom);
      return NEEDS_QUOTES.test(s) ? JSON.stringify(s) : s;
    }
    default:
      return String(atom);
  }
}
