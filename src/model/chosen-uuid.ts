/**
 * Inserts whose UUID ovndb chose itself, at random, for this one insert. Only an earlier run of
 * the very same transaction can have used such a UUID, so a session that meets `duplicate uuid`
 * on one (ovsdb-server ran the transaction again after a leadership change) knows the first run
 * committed. A UUID a caller chose may be reused on purpose and proves nothing.
 */
import { randomUUID } from 'node:crypto';
import type { InsertOperation } from '../protocol/operations.js';

const chosen = new WeakSet<InsertOperation>();

/** `insert` with a fresh random UUID of ovndb's choosing (a copy; `insert` is left as it was). */
export function withChosenUuid<I extends InsertOperation>(insert: I): I & { uuid: string } {
  const out = { ...insert, uuid: randomUUID() };
  chosen.add(out);
  return out;
}

/** True when `insert`'s UUID was chosen by {@link withChosenUuid}. */
export function hasChosenUuid(insert: InsertOperation): boolean {
  return chosen.has(insert);
}
