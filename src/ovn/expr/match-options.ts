/**
 * What a match may refer to beyond itself: address sets (`$name`), port groups (`@name`) and
 * chassis template variables (`^name`), and how their contents are read.
 */
import { tokenize } from './lexer.js';
import type { NumberValue } from './number-token.js';

/** Options of {@link parseMatch} and {@link checkMatch}. */
export interface MatchOptions {
  /**
   * The address sets a `$name` may name, with their addresses as the Address_Set row holds
   * them; a name mapped to `undefined` exists but its addresses are unknown (Kube-OVN's
   * `<port group>_ip4` sets, which ovn-northd fills), so checks that need them are skipped.
   * When given, any other `$name` is refused, as ovn-controller refuses it (unless
   * `unlistedAddressSets` says otherwise); when absent, `$name` is not resolved and its
   * addresses are not checked.
   */
  readonly addressSets?: ReadonlyMap<string, readonly string[] | undefined>;
  /**
   * What a `$name` missing from `addressSets` is: `refuse`d, or a set that may exist when the
   * match is used, with `unknown` addresses (for a match written before its address set).
   * @default 'refuse'
   */
  readonly unlistedAddressSets?: 'refuse' | 'unknown';
  /**
   * The port groups an `@name` may name on the pipeline the match runs in. A logical router
   * has none (ovn-northd gives a port group to the switches of its ports only): pass an empty
   * set to refuse every `@name`. When absent, `@name` is not resolved.
   */
  readonly portGroups?: ReadonlySet<string>;
  /**
   * Values of chassis template variables. A `^name` without a value stands for `name`
   * itself, as ovn-controller reads it when the chassis does not define the variable.
   */
  readonly templates?: ReadonlyMap<string, string>;
}

/** What an address set resolves to: its constants in OVN's order, or unknown contents. */
export type AddressSetContents = { readonly values: readonly NumberValue[] } | { readonly unknown: true };

/**
 * The constants of an address set as OVN reads them: the first token of each address when it
 * is a number (anything else is skipped with a warning by ovn-controller), sorted by value with
 * masked values first. The order matters: OVN looks at the first value of a set in `<`/`>`.
 */
export function addressSetContents(addresses: readonly string[] | undefined): AddressSetContents {
  if (addresses === undefined) return { unknown: true };
  const values: NumberValue[] = [];
  for (const address of addresses) {
    const [first] = tokenize(address);
    if (first?.kind === 'number') values.push(first.number);
  }
  values.sort((a, b) => {
    if (a.value !== b.value) return a.value < b.value ? -1 : 1;
    if (a.mask === undefined || b.mask === undefined)
      return a.mask === b.mask ? 0 : a.mask === undefined ? 1 : -1;
    return a.mask < b.mask ? -1 : a.mask > b.mask ? 1 : 0;
  });
  return { values };
}
