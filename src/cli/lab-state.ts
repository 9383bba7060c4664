/**
 * The state file of a lab started by `ovndb lab up`: the PID of the process that holds the
 * servers, and the remotes it printed. `lab down` reads it to stop exactly that process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An ovn-northd of a lab, run and stopped by the lab's owner process like the servers. */
export interface LabNorthd {
  /** Its name in the shell output: `OVN_NORTHD_PID`, or `OVN_AZ1_NORTHD_PID`, ... for an IC lab's zones. */
  readonly name: string;
  readonly pid: number;
  /** Whether its PID was alive when the description was printed (`lab env` looks again). */
  readonly running: boolean;
  /** Its log file (pidfile and control socket are next to it). */
  readonly logFile: string;
}

/** What a running lab offers. */
export interface LabDescription {
  /** PID of the `ovndb lab up` process that owns the servers; stopping it stops them. */
  readonly pid: number;
  /** `ovn`: standalone NB and SB; `raft`: NB and SB as raft clusters; `ic`: OVN-IC with availability zones. */
  readonly kind: 'ovn' | 'raft' | 'ic';
  /** Environment-style names (`OVN_NB_DB`, ...) to remotes, in the order printed. */
  readonly remotes: Readonly<Record<string, string>>;
  /**
   * The ovn-northd processes: one on the NB and SB of an `ovn` or `raft` lab (none with
   * `--no-northd`), one per zone of an `ic` lab.
   */
  readonly northd: readonly LabNorthd[];
  /** PIDs of the servers and daemons (northd included), for people who want to kill one. */
  readonly pids: readonly number[];
  readonly startedAt: string;
}

/** The default state file: one lab per user and temp directory. */
export function defaultStateFile(): string {
  const user = process.getuid?.() ?? 'user';
  return join(tmpdir(), `ovndb-lab-${user}.json`);
}

/** Reads a lab's state file; undefined when there is none. */
export async function readLabState(file: string): Promise<LabDescription | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LabDescription;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a lab's state file. */
export async function writeLabState(file: string, lab: LabDescription): Promise<void> {
  await writeFile(file, `${JSON.stringify(lab, null, 2)}\n`);
}

/** Removes a lab's state file (no error when it is gone). */
export async function removeLabState(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Whether a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The description with each northd's `running` looked up now (`?? []`: state files of older labs have none). */
export function withNorthdLiveness(lab: LabDescription): LabDescription {
  return { ...lab, northd: (lab.northd ?? []).map((n) => ({ ...n, running: isAlive(n.pid) })) };
}

/**
 * The remotes and northd PIDs as shell lines (`export NAME=remote`, `export OVN_NORTHD_PID=PID
 * # running`), for `eval` or a copy-paste.
 */
export function labShellLines(lab: LabDescription): string {
  const remotes = Object.entries(lab.remotes).map(([name, remote]) => `export ${name}='${remote}'`);
  const northd = (lab.northd ?? []).map(
    (n) => `export ${n.name}='${n.pid}' # ovn-northd ${n.running ? 'running' : 'not running'}`,
  );
  return `${[...remotes, ...northd].join('\n')}\n`;
}
