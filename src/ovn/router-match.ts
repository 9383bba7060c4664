/**
 * A logical router policy's match, checked as OVN's expression parser will read it on a
 * router: no port groups there (ovn-northd gives them to switches only), address sets per the
 * caller. A refusal is an {@link InvalidSpecError} on the spec's field, whose `cause` is the
 * parser's {@link InvalidMatchError} with its position and field.
 */
import { checkMatch, InvalidMatchError, type MatchOptions } from './expr/index.js';
import { InvalidSpecError } from './ovn-errors.js';
import { ParseCache } from './parse-cache.js';

/** A router's pipeline with the address sets not known yet (a `$name` may be created later). */
export const ROUTER_MATCH: MatchOptions = { portGroups: new Set(), unlistedAddressSets: 'unknown' };

/** Returns `text` as checked; throws {@link InvalidSpecError} naming `field` when OVN would refuse it. */
export function checkRouterMatch(text: string, field: string, options: MatchOptions = ROUTER_MATCH): string {
  // With the default options the verdict depends on the text alone: a text accepted once is not parsed again.
  if (options === ROUTER_MATCH) return accepted.get(text, () => check(text, field, options));
  return check(text, field, options);
}

const accepted = new ParseCache<string>();

function check(text: string, field: string, options: MatchOptions): string {
  try {
    return checkMatch(text, options);
  } catch (error) {
    if (!(error instanceof InvalidMatchError)) throw error;
    throw new InvalidSpecError(field, text, `not a valid OVN match: ${error.reason} (at ${error.position})`, {
      cause: error,
    });
  }
}
