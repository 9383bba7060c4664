/** `ovndb ic status`: the availability zones, gateways and ports of OVN-IC, as `ovn-ic-sbctl show` prints them. */
import { type Command, Option } from 'commander';
import { model as icSbModel } from '../../generated/ic-sb/model.js';
import { icStatus, renderIcStatus } from '../../ic/ic-status.js';
import { CommandDeadline } from '../command-deadline.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection-options.js';
import { icSbRemote } from '../default-remotes.js';
import { openSession } from '../open-session.js';

interface IcStatusFlags extends ConnectionFlags {
  db?: string;
  format: 'text' | 'json';
}

/** Registers `ic status` on `program`. */
export function registerIcCommands(program: Command): void {
  const ic = program.command('ic').description('OVN interconnection');
  addConnectionOptions(
    ic
      .command('status')
      .description(
        'print the zones, gateways and transit ports in OVN_IC_Southbound (the tree of ovn-ic-sbctl show)',
      )
      .option(
        '--db <remote>',
        'IC Southbound remote or comma list of members (default: $OVN_IC_SB_DB, else unix:/var/run/ovn/ovn_ic_sb_db.sock)',
      )
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'),
      ),
  ).action(async (flags: IcStatusFlags) => {
    const deadline = new CommandDeadline(flags.timeout);
    try {
      await deadline.run(async () => {
        const session = await openSession(
          icSbRemote(flags.db),
          'OVN_IC_Southbound',
          'readable',
          flags,
          deadline,
        );
        try {
          const replica = await session.replica(icSbModel, {
            tables: { Availability_Zone: true, Gateway: true, Encap: true, Port_Binding: true },
            ...deadline.bound,
          });
          const status = icStatus(replica);
          process.stdout.write(
            flags.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderIcStatus(status),
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
