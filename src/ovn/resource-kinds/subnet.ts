/**
 * The `Subnet` kind of `applyResources`: the switch joined to its Vpc's router (`addSubnet`),
 * and in the same transaction its security and addressing (`planSubnetSecurity`: `acls`,
 * `private`/`allowSubnets`, DHCP, IPv6 RA). Both read from the one document.
 */
import { checkMatch, InvalidMatchError } from '../expr/index.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { ownedBy } from '../ownership.js';
import { planSubnetSecurity } from '../subnet-security.js';
import { parseSubnetSecurity, type SubnetSecuritySpec, subnetField } from '../subnet-security-spec.js';
import { addSubnet, deleteSubnet } from '../subnets.js';
import { parseSubnet, type SubnetResource } from '../vpc-spec.js';
import { type ResourceKind, summarizeOperations } from './kind.js';

/** A Subnet as applyResources plans it: the switch's fields and its security fields. */
export interface AppliedSubnetResource extends SubnetResource {
  /** What `planSubnetSecurity` brings the switch to (without `excludeIps`: `addSubnet` owns it). */
  readonly security: SubnetSecuritySpec;
}

/**
 * The Subnet's security fields, read from the same document as its switch; the ACL matches'
 * syntax checked now (the address sets they name are looked up when planning), so a bad match
 * anywhere in an input writes nothing.
 */
function parseSecurity(document: unknown): SubnetSecuritySpec {
  const { excludeIps: _owned, ...security } = parseSubnetSecurity(document);
  security.acls?.forEach((acl, i) => {
    try {
      checkMatch(acl.match);
    } catch (error) {
      if (!(error instanceof InvalidMatchError)) throw error;
      throw new InvalidSpecError(
        subnetField(security.name, `spec.acls[${i}].match`),
        acl.match,
        `not a valid OVN match: ${error.reason} (at ${error.position})`,
        { cause: error },
      );
    }
  });
  return security;
}

/** Subnets: each in its own transaction, the switch and then its security. */
export const subnetKind: ResourceKind<AppliedSubnetResource> = {
  kind: 'Subnet',
  parse(document) {
    // The switch's fields first: their errors name the field as addSubnet's do (`spec.cidrBlock`).
    const subnet = parseSubnet(document);
    return { ...subnet, security: parseSecurity(document) };
  },
  plan(txn, subnet, input) {
    const { security, ...spec } = subnet;
    const operations = addSubnet(txn, spec, { mayExist: true });
    const changes = operations.length > 0 ? [`subnet ${subnet.name} in ${subnet.vpc}`] : [];
    const secured = planSubnetSecurity(
      txn,
      security,
      input.joinCidr === undefined ? {} : { joinCidr: input.joinCidr },
    );
    if (secured.length > 0)
      changes.push(`security of subnet ${subnet.name}: ${summarizeOperations(secured)}`);
    return { operations: [...operations, ...secured], changes };
  },
  refersTo: (subnet) => [{ kind: 'Vpc', name: subnet.vpc, field: 'spec.vpc' }],
  owned: (nb) => nb.where('Logical_Switch', (ls) => ownedBy(ls)).map((ls) => ls.name),
  prune(txn, name) {
    return { operations: deleteSubnet(txn, name, { ifExists: true }), changes: [`delete switch ${name}`] };
  },
};
