import { OvndbError } from '../errors.js';

/** A program the test launcher needs is not installed; the message names the Debian package. */
export class MissingBinaryError extends OvndbError {
  /** The program that was looked for, e.g. `ovsdb-server`. */
  readonly binary: string;
  /** The Debian package that provides it, e.g. `openvswitch-common`. */
  readonly debianPackage: string;
  constructor(binary: string, debianPackage: string, searched: string) {
    super(
      'OVNDB_MISSING_BINARY',
      `${binary} not found (searched ${searched}); install the Debian package ${debianPackage}`,
      { details: { binary, debianPackage } },
    );
    this.binary = binary;
    this.debianPackage = debianPackage;
  }
}

/** A helper command (ovsdb-tool, ovs-appctl, ovs-pki...) exited with failure. */
export class CommandFailedError extends OvndbError {
  /** The command line, for people. */
  readonly command: string;
  /** The end of what the command wrote to stderr. */
  readonly stderr: string;
  constructor(command: string, exit: string, stderr: string, cause?: unknown) {
    super('OVNDB_COMMAND_FAILED', `${command} failed (${exit}): ${stderr.trim() || '(no output)'}`, {
      cause,
      details: { stderr },
    });
    this.command = command;
    this.stderr = stderr;
  }
}

/**
 * A test server did not become ready: it exited early or missed its start deadline.
 * `details.logTail` holds the end of its log and stderr.
 */
export class ServerStartError extends OvndbError {
  /** The last lines of the server's log file and stderr. */
  readonly logTail: string;
  constructor(message: string, logTail: string, cause?: unknown) {
    super('OVNDB_SERVER_START_FAILED', `${message}\n--- log tail ---\n${logTail}`, {
      cause,
      details: { logTail },
    });
    this.logTail = logTail;
  }
}
