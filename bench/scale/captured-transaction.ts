/**
 * The exact transaction ovndb would send for a change, captured instead of sent: so that the
 * raw client of `npm run bench:scale` sends the same operations (the verify waits of what the
 * plan read, then the body), planned by the same code path as ovndb's own send.
 */
import type { NbHandle } from '../../src/ovn/index.js';
import { applyResources } from '../../src/ovn/index.js';
import type { Operation } from '../../src/protocol/operations.js';

/** Thrown by the capturing handle's `transact` in place of sending. */
class Captured extends Error {
  constructor(readonly operations: readonly Operation[]) {
    super('captured, not sent');
  }
}

/**
 * The operations of the one transaction `applyResources(nb, input)` would send now, as it
 * would hand them to the connection (verify waits first). `nb`'s replica is read as it is;
 * nothing is sent. Throws when the input plans no transaction, or more than one.
 */
export async function capturedTransaction(nb: NbHandle, input: unknown): Promise<Operation[]> {
  // The handle itself underneath (its replica, its model), with `transact` capturing: the
  // handle's `transaction` commits through `this.transact`, so it reaches this one.
  const capturing = Object.create(nb) as NbHandle;
  let captured: readonly Operation[] | undefined;
  Object.defineProperty(capturing, 'transact', {
    value: (operations: readonly Operation[]) => {
      if (captured !== undefined) throw new Error('the change planned more than one transaction');
      captured = operations;
      return Promise.reject(new Captured(operations));
    },
  });
  try {
    await applyResources(capturing, input);
  } catch (error) {
    if (error instanceof Captured) return [...error.operations];
    throw error;
  }
  throw new Error('the change planned no transaction');
}
