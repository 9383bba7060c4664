/**
 * The `idl-cluster` command of Open vSwitch's tests/test-ovsdb.py (`do_idl_cluster`), which
 * checks that a leader-only IDL uses the raft leader and finds the new one after it stops:
 *
 *   idl-cluster SCHEMA REMOTES PIDS COMMAND...
 *
 * REMOTES and PIDS are comma lists in the same order (the PID of each remote's server).
 * Commands: `remote` prints the remote in use; `remotestop` stops the server in use with
 * SIGTERM (its PID taken from PIDS) and prints `stop PID`; `reconnect` drops the connection.
 * Before each command the driver waits for the database to change (the first contents, or a
 * resume after a reconnect) and counts a step, printing nothing; a `+` prefix skips that.
 */
import { readFileSync } from 'node:fs';
import { buildDatabaseModel } from '../../../src/model/build-model.js';
import type { Session } from '../../../src/session/session.js';
import { formatRemote, parseRemote } from '../../../src/transport/remote.js';
import type { DriverCommand } from './data-commands.js';
import { forceReconnect, openIdlSession } from './idl-connect.js';
import { type Print, stepText } from './idl-print.js';
import { IdlCommandError } from './idl-txn-rows.js';
import { IdlView, type Tables, viewTables } from './idl-view.js';

/** `remotes` normalized, so that the session's remote is found whatever its spelling. */
function normalized(remotes: string): string[] {
  return remotes.split(',').map((text) => formatRemote(parseRemote(text)));
}

async function runIdlCluster(argv: string[], print: Print): Promise<void> {
  const [schemaFile, remotes, pids, ...commands] = argv as [string, string, string, ...string[]];
  if (remotes.startsWith('ssl:')) throw new IdlCommandError('ssl remotes are not supported by this driver');
  const model = buildDatabaseModel<Tables>(JSON.parse(readFileSync(schemaFile, 'utf8')));
  const view = new IdlView(viewTables(model, undefined));
  const session: Session = await openIdlSession(remotes, model.name, 'leader');
  session.on('closed', (error) => {
    if (error !== undefined) view.fail(error);
  });
  let step = 0;
  try {
    view.attach(await session.replica(model), { serverRows: [] });
    let seqno = 0;
    for (let command of commands) {
      if (command.startsWith('+')) {
        command = command.slice(1);
      } else {
        await view.waitForChange(seqno);
        step++;
      }
      seqno = view.changeSeqno;
      if (command === 'reconnect') {
        print(`${stepText(step++)}: reconnect`);
        await forceReconnect(session, view);
      } else if (command === 'remote') {
        // A resume is reported before the session is ready again; the remote is known then.
        await session.whenReady();
        print(`${stepText(step++)}: ${session.remote}`);
      } else if (command === 'remotestop') {
        await session.whenReady();
        const index = normalized(remotes).indexOf(session.remote as string);
        const pid = Number(pids.split(',')[index]);
        if (index < 0 || !Number.isInteger(pid) || pid <= 0) {
          throw new IdlCommandError(`Cannot find pid of remote: ${session.remote}`);
        }
        process.kill(pid, 'SIGTERM');
        print(`${stepText(step++)}: stop ${pid}`);
      }
    }
  } finally {
    view.close();
    await session.close();
  }
  print(`${stepText(step)}: done`);
}

/** The `idl-cluster` driver command. */
export const idlClusterCommand: DriverCommand = { min: 3, run: runIdlCluster };
