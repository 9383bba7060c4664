/**
 * `kubectl apply -f` for the Kube-OVN resources the helpers understand: every Vpc of a YAML or
 * JSON text through {@link applyVpc}, then every Subnet through {@link addSubnet}, in the
 * order Kube-OVN needs them (a Subnet's router must exist first).
 */

import { applyVpc, planVpc, type VpcPlan } from './apply-vpc.js';
import type { NbHandle } from './nb-lookup.js';
import { InvalidSpecError } from './ovn-errors.js';
import { addSubnet } from './subnets.js';
import { parseResources, type SubnetResource, type VpcResource } from './vpc-spec.js';

/** What {@link applyResources} did for one Subnet. */
export interface SubnetOutcome {
  readonly subnet: string;
  readonly vpc: string;
  /** The operations sent (empty: the switch and its ports already matched the resource). */
  readonly operations: number;
  readonly applied: boolean;
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
 * parsed objects; other kinds such as Pods are skipped) on `nb`. Each Vpc is one transaction
 * ({@link applyVpc}: the same spec again sends nothing); then each Subnet is one transaction
 * ({@link addSubnet} with `mayExist`: an existing subnet is brought to the resource, an
 * identical one sends nothing). Each is declarative: a lost reply or a conflict plans it again.
 *
 * The whole input is parsed before anything is sent, so a malformed resource anywhere, or a
 * name given twice, writes nothing. A helper's refusal (an overlapping subnet, a peering that
 * collides) stops at that resource: the ones before it stay applied, and the error says which
 * field and value.
 *
 * With `dryRun`, nothing is sent: every resource is planned in one transaction that is never
 * committed, in order, so a Subnet of a Vpc created by the same input is planned on the
 * router its Vpc's plan creates.
 * @throws {@link InvalidSpecError} and the helpers' typed errors.
 */
export async function applyResources(
  nb: NbHandle,
  input: string | unknown,
  options: ApplyResourcesOptions = {},
): Promise<AppliedResources> {
  const { vpcs, subnets } = parseResources(input);
  // Two documents of one name would each undo the other (kubectl keeps only the last).
  for (const list of [vpcs, subnets]) {
    const seen = new Set<string>();
    for (const { name } of list) {
      if (seen.has(name)) throw new InvalidSpecError('metadata.name', name, 'appears twice in one input');
      seen.add(name);
    }
  }
  if (options.dryRun === true) return planResources(nb, vpcs, subnets);
  const vpcPlans: VpcPlan[] = [];
  for (const vpc of vpcs) vpcPlans.push(await applyVpc(nb, vpc));
  const outcomes: SubnetOutcome[] = [];
  for (const subnet of subnets) {
    const outcome = await nb.transaction((txn) => addSubnet(txn, subnet, { mayExist: true }), {
      idempotent: true,
    });
    outcomes.push({
      subnet: subnet.name,
      vpc: subnet.vpc,
      operations: outcome.operations.length,
      applied: outcome.sent,
    });
  }
  return { vpcs: vpcPlans, subnets: outcomes };
}

/** The dry run: every resource planned, in order, in one transaction that is not sent. */
async function planResources(
  nb: NbHandle,
  vpcs: readonly VpcResource[],
  subnets: readonly SubnetResource[],
): Promise<AppliedResources> {
  let result: AppliedResources = { vpcs: [], subnets: [] };
  await nb.transaction(
    (txn) => {
      const vpcPlans = vpcs.map((vpc) => ({ ...planVpc(txn, vpc), applied: false }));
      const outcomes = subnets.map((subnet) => ({
        subnet: subnet.name,
        vpc: subnet.vpc,
        operations: addSubnet(txn, subnet, { mayExist: true }).length,
        applied: false,
      }));
      result = { vpcs: vpcPlans, subnets: outcomes };
    },
    { dryRun: true },
  );
  return result;
}
