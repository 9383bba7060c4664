/**
 * The state file of a lab started by `ovndb lab up`: the PID of the process that holds the
 * servers, and the remotes it printed. `lab down` reads it to stop exactly that process.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a running lab offers. */
export interface LabDescription {
  /** PID of the `ovndb lab up` process that owns the servers; stopping it stops them. */
  readonly pid: number;
  /** `ovn`: NB + SB + ovn-northd; `raft`: NB and SB as raft clusters; `ic`: OVN-IC with availability zones. */
  readonly kind: 'ovn' | 'raft' | 'ic';
  /** Environment-style names (`OVN_NB_DB`, ...) to remotes, in the order printed. */
  readonly remotes: Readonly<Record<string, string>>;
  /** PIDs of the servers and daemons, for people who want to kill one. */
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

/** The remotes as shell lines (`export NAME=remote`), for `eval` or a copy-paste. */
export function labShellLines(lab: LabDescription): string {
  return `${Object.entries(lab.remotes)
    .map(([name, remote]) => `export ${name}='${remote}'`)
    .join('\n')}\n`;
}
