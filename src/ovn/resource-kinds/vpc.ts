/** The `Vpc` kind of `applyResources`: a router with its routes, policies and peerings. */
import { planVpc } from '../apply-vpc.js';
import { planDeleteVpc } from '../delete-vpc.js';
import { ownedBy } from '../ownership.js';
import { checkPeeringLink } from '../peering.js';
import { parseVpc, type VpcResource } from '../vpc-spec.js';
import { type ResourceKind, resourcesOf } from './kind.js';

/** Vpcs: planned by `applyVpc`'s planner; peering Vpcs of one input share a transaction. */
export const vpcKind: ResourceKind<VpcResource> = {
  kind: 'Vpc',
  parse: parseVpc,
  // Both ends of a peering in one input: they must declare one link, checked before sending.
  check(vpcs) {
    for (const vpc of vpcs)
      vpc.vpcPeerings.forEach((peering, index) => {
        const back = vpcs
          .find((other) => other.name === peering.remoteVpc)
          ?.vpcPeerings.find((p) => p.remoteVpc === vpc.name);
        if (back !== undefined)
          checkPeeringLink(
            peering.localConnectIP,
            back.localConnectIP,
            `spec.vpcPeerings[${index}].localConnectIP`,
          );
      });
  },
  // Vpcs peering with each other go in one transaction, so both ends of a link move together.
  units(vpcs) {
    const unitOf = new Map<string, VpcResource[]>(vpcs.map((vpc) => [vpc.name, [vpc]]));
    for (const vpc of vpcs)
      for (const peering of vpc.vpcPeerings) {
        const mine = unitOf.get(vpc.name)!;
        const theirs = unitOf.get(peering.remoteVpc);
        if (theirs === undefined || theirs === mine) continue;
        mine.push(...theirs);
        for (const moved of theirs) unitOf.set(moved.name, mine);
      }
    // In input order, each unit once, its Vpcs in input order.
    const order = new Map(vpcs.map((vpc, i) => [vpc, i]));
    const units = [...new Set(vpcs.map((vpc) => unitOf.get(vpc.name)!))];
    return units.map((unit) =>
      unit.length === 1 ? unit : [...unit].sort((a, b) => order.get(a)! - order.get(b)!),
    );
  },
  plan(txn, vpc, input) {
    // The whole list (the Vpc itself in it is never its own peer): no copy per Vpc.
    return planVpc(txn, vpc, { sameInput: resourcesOf<VpcResource>(input, 'Vpc') });
  },
  owned: (nb) => nb.where('Logical_Router', (router) => ownedBy(router)).map((router) => router.name),
  prune(txn, name) {
    const deletion = planDeleteVpc(txn, name, { ifExists: true });
    return { operations: deletion.operations, changes: deletion.changes };
  },
};
