/** The `ovndb` command's exit codes and its own errors. */
import { OvndbError } from '../errors.js';

/**
 * Exit codes of `ovndb`, documented in docs/cli.md. Scripts can tell a refused request (1)
 * from a mistyped command (2) and an unreachable server (3).
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The request failed: the server refused it, a check failed, bad input was rejected. */
  failed: 1,
  /** The command line was wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** No server could be reached (or the connection was lost and could not be restored). */
  unreachable: 3,
  /** Stopped by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;

/** A command-line argument that cannot be used: names the argument and what is wrong. */
export class CliUsageError extends OvndbError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super('OVNDB_CLI_USAGE', `${argument}: ${message}`, { details: { argument } });
  }
}

/** `ovndb lab down` found no running lab, or `lab up` could not start one. */
export class LabStateError extends OvndbError {
  constructor(
    readonly stateFile: string,
    message: string,
  ) {
    super('OVNDB_CLI_LAB_STATE', `${message} (state file ${stateFile})`, { details: { stateFile } });
  }
}
