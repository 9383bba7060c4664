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

/**
 * The command's `-t` deadline passed. `what` says what it was waiting for (a leader of a
 * database among its members, with what each answered; a reply; the initial rows); the
 * exit code is 3 when no server had been reached, 1 otherwise.
 */
export class CommandTimeoutError extends OvndbError {
  constructor(
    readonly timeoutMs: number,
    readonly what: string,
    readonly unreachable: boolean,
    cause?: unknown,
  ) {
    super('OVNDB_CLI_TIMEOUT', `gave up after ${timeoutMs} ms waiting for ${what}`, {
      details: { timeoutMs, what, unreachable },
      ...(cause === undefined ? {} : { cause }),
    });
  }
}
