/**
 * `ovndb vpc apply FILE.yaml [--dry-run]`: `kubectl apply` of Kube-OVN Vpc and Subnet resources
 * against OVN_Northbound, through `applyResources` (one transaction per resource, nothing sent
 * for what already matches).
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { model as nbModel } from '../../generated/nb/model.js';
import { type AppliedResources, applyResources } from '../../ovn/apply-resources.js';
import { readYamlDocuments } from '../../ovn/yaml-documents.js';
import { CommandDeadline } from '../command-deadline.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { nbRemote } from '../default-remotes.js';
import { openSession } from '../open-session.js';

interface VpcApplyFlags extends ConnectionFlags {
  db?: string;
  dryRun: boolean;
  format: 'text' | 'json';
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
  for (const subnet of applied.subnets) {
    const what = subnet.operations === 0 ? 'up to date' : `${verb} (${subnet.operations} operations)`;
    lines.push(`subnet ${subnet.subnet} (vpc ${subnet.vpc}): ${what}`);
  }
  if (lines.length === 0) lines.push('no Vpc or Subnet resources in the input');
  return `${lines.join('\n')}\n`;
}

/** Registers `vpc apply` on `program`. */
export function registerVpcCommands(program: Command): void {
  const vpc = program.command('vpc').description('Kube-OVN VPC resources');
  addConnectionOptions(
    vpc
      .command('apply')
      .description(
        'apply the Vpc and Subnet resources of a YAML (or JSON) file to OVN_Northbound; malformed input writes nothing',
      )
      .argument('<file>', 'YAML with one or more documents (--- separated), or - for standard input')
      .option(
        '--db <remote>',
        'Northbound remote (default: $OVN_NB_DB, else unix:/var/run/ovn/ovnnb_db.sock)',
      )
      .option('-n, --dry-run', 'print what would change, send nothing', false)
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'),
      ),
  ).action(async (file: string, flags: VpcApplyFlags) => {
    const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    // Read before connecting: text that is not YAML is the input's fault, and is reported as
    // such (InvalidYamlError, exit 1) even when no server could be reached.
    const documents = readYamlDocuments(text);
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
          const applied = await applyResources(session, documents, { dryRun: flags.dryRun });
          process.stdout.write(
            flags.format === 'json'
              ? `${JSON.stringify(applied, null, 2)}\n`
              : describeApplied(applied, flags.dryRun),
          );
        } finally {
          await session.close();
        }
      });
    } finally {
      deadline.clear();
    }
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
