/**
 * `ovndb vpc apply FILE.yaml [--dry-run] [--prune]` (also `ovndb apply`): `kubectl apply` of
 * Kube-OVN Vpc, Subnet and SecurityGroup resources and Kubernetes Pods and NetworkPolicies
 * (with Namespaces for their labels) against OVN_Northbound, through `applyResources` (nothing
 * sent for what already matches; with `--prune`, the Kube-OVN objects the file lacks deleted).
 * `ovndb vpc delete NAME`: `deleteVpc`.
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { model as nbModel } from '../../generated/nb/model.js';
import { type AppliedResources, applyResources, type ResourceKindName } from '../../ovn/apply-resources.js';
import { planDeleteVpc, type VpcDeletion } from '../../ovn/delete-vpc.js';
import type { NbHandle } from '../../ovn/nb-lookup.js';
import { readYamlDocuments } from '../../ovn/yaml-documents.js';
import { CommandDeadline } from '../command-deadline.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { nbRemote } from '../default-remotes.js';
import { openSession } from '../open-session.js';

interface NbFlags extends ConnectionFlags {
  db?: string;
  format: 'text' | 'json';
}

interface VpcApplyFlags extends NbFlags {
  dryRun: boolean;
  prune: boolean;
  pruneKinds?: string[];
}

interface VpcDeleteFlags extends NbFlags {
  dryRun: boolean;
  ifExists: boolean;
  withSubnets: boolean;
}

/** The outcome for people: one block per resource, with the changes each made (or would make). */
export function describeApplied(applied: AppliedResources, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = dryRun ? 'would change' : 'changed';
  for (const plan of applied.vpcs) {
    if (plan.changes.length === 0) {
      lines.push(`vpc ${plan.vpc}: up to date`);
      continue;
    }
    lines.push(`vpc ${plan.vpc}: ${verb} (${plan.operations.length} operations)`);
    for (const change of plan.changes) lines.push(`  ${change}`);
  }
  for (const resource of applied.resources) {
    if (resource.kind === 'Vpc') continue;
    const what = resource.operations === 0 ? 'up to date' : `${verb} (${resource.operations} operations)`;
    const subnet = applied.subnets.find((s) => resource.kind === 'Subnet' && s.subnet === resource.name);
    const title =
      subnet === undefined
        ? `${resource.kind.toLowerCase()} ${resource.name}`
        : `subnet ${subnet.subnet} (vpc ${subnet.vpc})`;
    lines.push(`${title}: ${what}`);
    // A Subnet's own change is its title's news: only its security is listed under it.
    const own = subnet === undefined ? undefined : `subnet ${subnet.subnet} in ${subnet.vpc}`;
    for (const change of resource.changes) if (change !== own) lines.push(`  ${change}`);
  }
  if (lines.length === 0) lines.push('no resources in the input');
  return `${lines.join('\n')}\n`;
}

/** The deletions of a prune, for people. */
function describePruned(applied: AppliedResources, dryRun: boolean): string[] {
  const lines: string[] = [];
  for (const pruned of applied.pruned) {
    lines.push(`prune ${pruned.kind.toLowerCase()} ${pruned.name}: ${dryRun ? 'would delete' : 'deleted'}`);
    for (const change of pruned.changes) lines.push(`  ${change}`);
  }
  return lines;
}

/** A Vpc deletion for people. */
export function describeDeletion(deletion: VpcDeletion, dryRun: boolean): string {
  if (!deletion.found) return `vpc ${deletion.vpc}: not found, nothing to delete\n`;
  const verb = dryRun ? 'would delete' : 'deleted';
  return `${[`vpc ${deletion.vpc}: ${verb} (${deletion.operations.length} operations)`, ...deletion.changes.map((c) => `  ${c}`)].join('\n')}\n`;
}

function withFormat(command: Command): Command {
  return command
    .option('--db <remote>', 'Northbound remote (default: $OVN_NB_DB, else unix:/var/run/ovn/ovnnb_db.sock)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'),
    );
}

/** Opens the Northbound leader with its replica, bounded by `-t`, runs `body`, closes. */
async function withNorthbound(flags: NbFlags, body: (session: NbHandle) => Promise<void>): Promise<void> {
  const deadline = new CommandDeadline(flags.timeout);
  try {
    await deadline.run(async () => {
      const session = await openSession(
        nbRemote(flags.db),
        'OVN_Northbound',
        'leader',
        flags,
        deadline,
        nbModel,
      );
      try {
        // The replica the helpers read, started here so that -t bounds its initial contents too.
        await session.replica(deadline.bound);
        deadline.waitingFor(`the transactions on ${session.remote}`, true);
        await body(session);
      } finally {
        await session.close();
      }
    });
  } finally {
    deadline.clear();
  }
}

function addApplyCommand(parent: Command, name: string, description: string): void {
  addConnectionOptions(
    withFormat(
      parent
        .command(name)
        .description(description)
        .argument('<file>', 'YAML with one or more documents (--- separated), or - for standard input')
        .option('-n, --dry-run', 'print what would change (and be pruned), send nothing', false)
        .option(
          '--prune',
          "then delete the Kube-OVN objects (vendor=kube-ovn) of the whole database that the file does not hold: routers, switches, NetworkPolicy and SecurityGroup port groups (pods' ports only with --prune-kinds Pod)",
          false,
        )
        .addOption(
          new Option(
            '--prune-kinds <kinds>',
            'the kinds --prune deletes (comma list of Vpc, Subnet, Pod, NetworkPolicy, SecurityGroup; default all but Pod)',
          ).argParser((value) => value.split(',').map((kind) => kind.trim())),
        ),
    ),
  ).action(async (file: string, flags: VpcApplyFlags) => {
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    // Read before connecting: text that is not YAML is the input's fault, and is reported as
    // such (InvalidYamlError, exit 1) even when no server could be reached.
    const documents = readYamlDocuments(text);
    await withNorthbound(flags, async (session) => {
      const applied = await applyResources(session, documents, {
        dryRun: flags.dryRun,
        prune: flags.prune,
        ...(flags.pruneKinds === undefined ? {} : { pruneKinds: flags.pruneKinds as ResourceKindName[] }),
      });
      process.stdout.write(
        flags.format === 'json'
          ? `${JSON.stringify(applied, null, 2)}\n`
          : `${describeApplied(applied, flags.dryRun)}${describePruned(applied, flags.dryRun)
              .map((line) => `${line}\n`)
              .join('')}`,
      );
    });
  });
}

/** Registers `vpc apply`, `vpc delete` and the top-level `apply` on `program`. */
export function registerVpcCommands(program: Command): void {
  const vpc = program.command('vpc').description('Kube-OVN VPC resources');
  const applyText =
    'apply the Vpc, Subnet, Pod, NetworkPolicy and SecurityGroup resources of a YAML (or JSON) file to OVN_Northbound (Namespaces read for their labels); malformed input writes nothing';
  addApplyCommand(vpc, 'apply', applyText);
  addApplyCommand(program, 'apply', `${applyText} (the same as vpc apply)`);
  addConnectionOptions(
    withFormat(
      vpc
        .command('delete')
        .description(
          'delete a Vpc: its router with its ports, routes, policies and NAT rules; refused while subnets use it',
        )
        .argument('<name>', 'the Vpc (router) name')
        .option('-n, --dry-run', 'print what would be deleted, send nothing', false)
        .option('--if-exists', 'a missing Vpc is not an error', false)
        .option('--with-subnets', 'delete its Kube-OVN subnets too, instead of refusing', false),
    ),
  ).action(async (name: string, flags: VpcDeleteFlags) => {
    await withNorthbound(flags, async (session) => {
      const options = { ifExists: flags.ifExists, withSubnets: flags.withSubnets };
      const outcome = await session.transaction((txn) => planDeleteVpc(txn, name, options), {
        idempotent: true,
        ...(flags.dryRun ? { dryRun: true } : {}),
      });
      const deletion = { ...outcome.value, operations: [...outcome.operations] };
      process.stdout.write(
        flags.format === 'json'
          ? `${JSON.stringify({ ...deletion, applied: outcome.sent }, null, 2)}\n`
          : describeDeletion(deletion, flags.dryRun),
      );
    });
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
