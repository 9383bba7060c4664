/** The options every command that talks to a server takes: timeouts and TLS files, as ovsdb-client names them. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ClientOptions } from '../client/options.js';

/** What {@link addConnectionOptions} adds, as commander parses it. */
export interface ConnectionFlags {
  timeout?: number;
  privateKey?: string;
  certificate?: string;
  caCert?: string;
}

/** Parses a non-negative integer of milliseconds (commander reports the error as a usage error). */
export function milliseconds(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a whole number of milliseconds`);
  }
  return value;
}

/** Adds `--timeout`, `--private-key`, `--certificate` and `--ca-cert` to `command`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '-t, --timeout <ms>',
        'give up after this long, saying what was awaited: the whole command (monitor: until it has printed the rows present)',
      ).argParser(milliseconds),
    )
    .option('-p, --private-key <file>', 'client private key (PEM) for ssl: remotes')
    .option('-c, --certificate <file>', 'client certificate (PEM) for ssl: remotes')
    .option('-C, --ca-cert <file>', 'CA certificate (PEM) the server certificate must chain to');
}

/**
 * The client options the flags ask for. `--timeout` bounds the whole command (see
 * command-deadline.ts), not each connection: given, it replaces the client's default reply
 * deadline, so that a call may take as long as the command may.
 */
export function clientOptionsOf(flags: ConnectionFlags): ClientOptions {
  const deadline: ClientOptions = flags.timeout === undefined ? {} : { requestTimeoutMs: 0 };
  const tls =
    flags.privateKey || flags.certificate || flags.caCert
      ? {
          ...(flags.caCert ? { caFile: flags.caCert } : {}),
          ...(flags.certificate ? { certFile: flags.certificate } : {}),
          ...(flags.privateKey ? { keyFile: flags.privateKey } : {}),
        }
      : undefined;
  return tls ? { ...deadline, tls } : deadline;
}
