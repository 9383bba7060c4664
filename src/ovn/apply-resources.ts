/**
 * `kubectl apply -f` for the Kube-OVN resources the helpers understand: every Vpc of a YAML or
 * JSON text through {@link applyVpc}, then every Subnet through {@link addSubnet}, in the
 * order Kube-OVN needs them (a Subnet's router must exist first).
 */

import { applyVpc, type NbWriter, type VpcPlan } from './apply-vpc.js';
import type { NbReplica } from './nb-lookup.js';
import { findNamed } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { addSubnet } from './subnets.js';
import { parseResources, type SubnetResource } from './vpc-spec.js';

/** What {@link applyResources} did for one Subnet. */
export interface SubnetOutcome {
  readonly subnet: string;
  readonly vpc: string;
  /** The operations sent (empty: the switch and its ports already matched the resource). */
  readonly operations: number;
  readonly applied: boolean;
  /**
   * Dry runs only: set when the Subnet could not be planned because its Vpc is itself only
   * planned (the router does not exist yet, so its operations cannot be computed).
   */
  readonly waitsForVpc?: boolean;
}

/** Options of {@link applyResources}. */
export interface ApplyResourcesOptions {
  /** Plan only: send nothing, and report what would be sent. @default false */
  readonly dryRun?: boolean;
}

/** What {@link applyResources} did, resource by resource. */
export interface AppliedResources {
  readonly vpcs: VpcPlan[];
  readonly subnets: SubnetOutcome[];
}

/**
 * Applies every Vpc and Subnet in `input` (YAML with several `---` documents, JSON text, or
 * parsed objects; other kinds such as Pods are skipped). Each Vpc is one transaction
 * ({@link applyVpc}: the same spec again sends nothing); then each Subnet is one transaction
 * ({@link addSubnet} with `mayExist`: an existing subnet is brought to the resource, an
 * identical one sends nothing).
 *
 * The whole input is parsed before anything is sent, so a malformed resource anywhere, or a
 * name given twice, writes nothing. A helper's refusal (an overlapping subnet, a peering that collides) stops at that
 * resource: the ones before it stay applied, and the error says which field and value.
 *
 * `nb` must see the writer's commits when its transaction resolves (a replica on the same
 * client or `Session`), because each resource is planned on what the previous ones wrote.
 *
 * With `dryRun`, nothing is sent: every Vpc is planned against the database as it is, and so
 * is every Subnet whose router exists; a Subnet of a Vpc that is itself only planned is
 * reported with `waitsForVpc` (its operations depend on the router being created first).
 * @throws {@link InvalidSpecError} and the helpers' typed errors.
 */
export async function applyResources(
  writer: NbWriter,
  nb: NbReplica,
  input: string | unknown,
  options: ApplyResourcesOptions = {},
): Promise<AppliedResources> {
  const dryRun = options.dryRun === true;
  const { vpcs, subnets } = parseResources(input);
  // Two documents of one name would each undo the other (kubectl keeps only the last).
  for (const list of [vpcs, subnets]) {
    const seen = new Set<string>();
    for (const { name } of list) {
      if (seen.has(name)) throw new InvalidSpecError('metadata.name', name, 'appears twice in one input');
      seen.add(name);
    }
  }
  const vpcPlans: VpcPlan[] = [];
  for (const vpc of vpcs) vpcPlans.push(await applyVpc(writer, nb, vpc, { dryRun }));
  const outcomes: SubnetOutcome[] = [];
  // In a dry run, routers of this input's Vpcs exist only in their plans.
  const plannedOnly = new Set(
    dryRun
      ? vpcs.map((v) => v.name).filter((name) => findNamed(nb, 'Logical_Router', name) === undefined)
      : [],
  );
  for (const subnet of subnets) outcomes.push(await applySubnet(writer, nb, subnet, dryRun, plannedOnly));
  return { vpcs: vpcPlans, subnets: outcomes };
}

async function applySubnet(
  writer: NbWriter,
  nb: NbReplica,
  subnet: SubnetResource,
  dryRun: boolean,
  plannedOnly: ReadonlySet<string>,
): Promise<SubnetOutcome> {
  const outcome = { subnet: subnet.name, vpc: subnet.vpc };
  if (plannedOnly.has(subnet.vpc)) {
    return { ...outcome, operations: 0, applied: false, waitsForVpc: true };
  }
  const operations = addSubnet(nb, subnet, { mayExist: true });
  const send = !dryRun && operations.length > 0;
  if (send) await writer.transact(operations);
  return { ...outcome, operations: operations.length, applied: send };
}
