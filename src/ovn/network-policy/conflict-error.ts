/** The refusal of a NetworkPolicy translation whose objects would share one OVN row. */
import { OvndbError } from '../../errors.js';

/**
 * Two Kubernetes objects (or an object and a row already in the database) would become one
 * OVN row, so a policy would put a port in its port group twice or take over another
 * policy's rows:
 *
 * - `port-group`: two policies map to one port group name (`test-np` and `test.np` both
 *   become `test.np.<ns>`), or the port group of that name belongs to another policy or to
 *   another tool;
 * - `switch-port`: one switch port `<pod>.<namespace>` is claimed by two Pod objects, or
 *   exists on another switch than the pod's `ovn.kubernetes.io/logical_switch` annotation
 *   names.
 *
 * Thrown before any operation is built: nothing was written.
 */
export class NetworkPolicyConflictError extends OvndbError {
  constructor(
    readonly kind: 'port-group' | 'switch-port',
    /** The OVN name both claim. */
    readonly ovnName: string,
    /** Who claims it: `NetworkPolicy ns/name`, `Pod ns/name`, or a description of the row. */
    readonly claimants: readonly string[],
  ) {
    super('OVNDB_NETWORK_POLICY_CONFLICT', `${kind} ${ovnName} is claimed by ${claimants.join(' and ')}`, {
      details: { kind, name: ovnName, claimants },
    });
  }
}
