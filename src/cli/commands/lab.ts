/**
 * `ovndb lab up|down|env`: throwaway OVN servers for experiments, from the test launcher: NB
 * and SB (standalone, or 3-member raft clusters with `--raft 3`) with ovn-northd on them
 * (unless `--no-northd`), or an OVN-IC lab. `lab up` returns once the servers accept
 * connections and northd has processed the empty Northbound database, leaving them to a
 * background `ovndb` process that owns them (so every server and northd is stopped by its
 * PID); `lab down` stops that process.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliUsageError, CommandTimeoutError, LabStateError } from '../cli-errors.js';
import { milliseconds } from '../connection-options.js';
import { startLab } from '../lab-launch.js';
import {
  defaultStateFile,
  isAlive,
  type LabDescription,
  labShellLines,
  readLabState,
  removeLabState,
  withNorthdLiveness,
  writeLabState,
} from '../lab-state.js';

interface LabUpFlags {
  raft: 1 | 3;
  ic: boolean;
  azs: number;
  northd: boolean;
  state: string;
  foreground: boolean;
  format: 'shell' | 'json';
  timeout: number;
}

/** Prints the lab, with whether each northd runs looked up now. */
function print(lab: LabDescription, format: 'shell' | 'json'): void {
  const now = withNorthdLiveness(lab);
  process.stdout.write(format === 'json' ? `${JSON.stringify(now, null, 2)}\n` : labShellLines(now));
}

function members(text: string): 1 | 3 {
  if (text !== '1' && text !== '3') throw new InvalidArgumentError('a lab database has 1 or 3 members');
  return Number(text) as 1 | 3;
}

function azCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 9)
    throw new InvalidArgumentError('between 1 and 9 availability zones');
  return n;
}

/** Runs the lab in this process until SIGINT or SIGTERM, then stops every server. */
async function runInForeground(flags: LabUpFlags): Promise<void> {
  const lab = await startLab({ raft: flags.raft, ic: flags.ic, azs: flags.azs, northd: flags.northd });
  const description: LabDescription = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...lab.description,
  };
  await writeLabState(flags.state, description);
  print(description, flags.format);
  // The servers do not keep the process alive (the launcher unrefs them): this timer does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  try {
    await lab.stop();
  } finally {
    await removeLabState(flags.state);
  }
}

/** Starts the lab in a detached `ovndb lab up --foreground` and waits until it has written its state. */
async function runDetached(flags: LabUpFlags, argv: readonly string[]): Promise<void> {
  const running = await readLabState(flags.state);
  if (running !== undefined && isAlive(running.pid)) {
    throw new LabStateError(
      flags.state,
      `a lab is already running (pid ${running.pid}); run ovndb lab down first`,
    );
  }
  await removeLabState(flags.state);
  const logFile = join(tmpdir(), `ovndb-lab-${process.pid}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, 'lab', 'up', ...argv, '--foreground', '--state', flags.state],
    { detached: true, stdio: ['ignore', 'ignore', log] },
  );
  closeSync(log);
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + flags.timeout;
  while (Date.now() < deadline) {
    const state = await readLabState(flags.state).catch(() => undefined); // may be half-written
    if (state !== undefined && state.pid === child.pid) {
      print(state, flags.format);
      return;
    }
    if (exited !== undefined) break;
    await sleep(100);
  }
  if (exited === undefined && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  const logEnd = `its log (${logFile}) ends:\n${tail}`;
  if (exited !== undefined) throw new LabStateError(flags.state, `the lab did not start; ${logEnd}`);
  // The servers were started here: giving up is a failed request (exit 1), not an unreachable server.
  throw new CommandTimeoutError(
    flags.timeout,
    `the lab's servers to accept connections (state file ${flags.state}); ${logEnd}`,
    false,
  );
}

/** Stops the lab of `stateFile`: SIGTERM to its owner, then waits for it (SIGKILL after 30 s). */
async function labDown(stateFile: string): Promise<string> {
  const lab = await readLabState(stateFile);
  if (lab === undefined) throw new LabStateError(stateFile, 'no lab is running');
  if (!isAlive(lab.pid)) {
    await removeLabState(stateFile);
    return `the lab (pid ${lab.pid}) was not running; removed its state file\n`;
  }
  process.kill(lab.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(lab.pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(lab.pid)) process.kill(lab.pid, 'SIGKILL');
  await removeLabState(stateFile);
  return `stopped the lab (pid ${lab.pid})\n`;
}

/** Registers `lab up`, `lab down` and `lab env` on `program`. */
export function registerLabCommands(program: Command): void {
  const lab = program
    .command('lab')
    .description(
      'throwaway OVN servers on unix sockets and 127.0.0.1 for experiments (needs the Debian OVN packages)',
    );
  const stateOption = () => new Option('--state <file>', 'state file of the lab').default(defaultStateFile());
  const formatOption = () =>
    new Option('-f, --format <format>', 'how to print the remotes')
      .choices(['shell', 'json'])
      .default('shell');

  lab
    .command('up')
    .description(
      'start a lab and print its remotes (and OVN_NORTHD_PID) as shell exports (eval "$(ovndb lab up)")',
    )
    .addOption(new Option('--raft <members>', 'members per database: 1 or 3').argParser(members).default(1))
    .option(
      '--ic',
      'OVN-IC: IC-NB and IC-SB, and availability zones each with NB, SB, northd and ovn-ic',
      false,
    )
    .addOption(new Option('--azs <n>', 'availability zones of an --ic lab').argParser(azCount).default(2))
    .option('--no-northd', 'bare NB and SB databases, without ovn-northd (not with --ic)')
    .addOption(stateOption())
    .addOption(formatOption())
    .addOption(
      new Option('-t, --timeout <ms>', 'give up if the lab is not up by then')
        .argParser(milliseconds)
        .default(120_000),
    )
    .option('--foreground', 'stay in the foreground; Ctrl-C stops the lab', false)
    .action(async (flags: LabUpFlags) => {
      if (flags.ic && !flags.northd)
        throw new CliUsageError('--no-northd', 'an --ic lab needs ovn-northd in every zone');
      if (flags.foreground) return runInForeground(flags);
      return runDetached(flags, forwardedOptions(flags));
    });

  lab
    .command('down')
    .description('stop the lab started by lab up (every server and ovn-northd by its PID)')
    .addOption(stateOption())
    .action(async (flags: { state: string }) => {
      process.stdout.write(await labDown(flags.state));
    });

  lab
    .command('env')
    .description('print the remotes of the running lab again, and whether its ovn-northd runs')
    .addOption(stateOption())
    .addOption(formatOption())
    .action(async (flags: { state: string; format: 'shell' | 'json' }) => {
      const running = await readLabState(flags.state);
      if (running === undefined || !isAlive(running.pid))
        throw new LabStateError(flags.state, 'no lab is running');
      print(running, flags.format);
    });
}

/** The options of `lab up` for its background process (which adds --foreground and --state). */
function forwardedOptions(flags: LabUpFlags): string[] {
  return [
    '--raft',
    String(flags.raft),
    ...(flags.ic ? ['--ic', '--azs', String(flags.azs)] : []),
    ...(flags.northd ? [] : ['--no-northd']),
    '--format',
    flags.format,
  ];
}
