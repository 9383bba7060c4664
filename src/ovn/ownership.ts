/**
 * Who owns a row. Kube-OVN marks every row it writes with `external_ids:vendor=kube-ovn`;
 * reconciling removes only rows with that mark, never rows other tools wrote or routes that
 * OVN-IC learned (`external_ids:ic-learned-route`).
 */

/** The `vendor` value Kube-OVN writes, and the default owner of rows the helpers write. */
export const KUBE_OVN_VENDOR = 'kube-ovn';

/** The external_ids key OVN-IC sets on routes it learned from other availability zones. */
export const IC_LEARNED_ROUTE = 'ic-learned-route';

/** Rows whose `external_ids` are readable. */
export interface WithExternalIds {
  readonly external_ids: Readonly<Record<string, string>>;
}

/** True when `row` carries the owner's mark. */
export function ownedBy(row: WithExternalIds, vendor: string = KUBE_OVN_VENDOR): boolean {
  return row.external_ids.vendor === vendor;
}

/** True for a route OVN-IC learned: helpers never modify or remove these. */
export function isIcLearned(row: WithExternalIds): boolean {
  return row.external_ids[IC_LEARNED_ROUTE] !== undefined;
}
