/**
 * The typed failure of the match checker: which expression, where in it, and why.
 */
import { OvndbError } from '../../errors.js';

/**
 * An OVN match expression (a `match` column: Logical_Router_Policy, ACL, ...) that OVN's
 * expression parser would refuse: ovn-northd copies such a match into the Southbound database
 * as it is, and ovn-controller then installs no flow for it, so the rule silently does nothing.
 * Thrown before anything is written.
 */
export class InvalidMatchError extends OvndbError {
  constructor(
    /** The expression as checked (after template expansion, when it had `^NAME` templates). */
    readonly text: string,
    /** 0-based offset in `text` of the token the checker stopped at (`text.length`: the end). */
    readonly position: number,
    /** Why, in a sentence: `expected a constant`. */
    readonly reason: string,
    /** The field the refusal is about (`ip.ttl`), when there is one. */
    readonly field?: string,
  ) {
    super('OVNDB_INVALID_MATCH', `match ${JSON.stringify(text)} at ${position}: ${reason}`, {
      details: { text, position, reason, ...(field === undefined ? {} : { field }) },
    });
  }
}
