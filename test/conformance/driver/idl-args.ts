/**
 * The arguments of the `idl` command of Open vSwitch's tests/test-ovsdb.py:
 *
 *   idl SCHEMA REMOTE [track-notify] [?TABLE:COL,COL!,...[?TABLE:...]] [COMMAND...]
 *
 * `?` registers only the listed tables and columns (a trailing `!` registers a column without
 * monitoring it: it is read with `fetch`); without it every table and column is registered.
 */

/** One registered table. */
export interface Registration {
  /** Every registered column, monitored or not. */
  readonly columns: ReadonlyArray<string>;
  /** The columns registered with `!`: known, not monitored. */
  readonly readonly: ReadonlyArray<string>;
}

/** The parsed arguments. */
export interface IdlArgs {
  readonly schemaFile: string;
  readonly remote: string;
  /** `track-notify`: print every row change the IDL reports. */
  readonly trackNotify: boolean;
  /** Registered tables by name; undefined: all tables and columns. */
  readonly register: ReadonlyMap<string, Registration> | undefined;
  readonly commands: ReadonlyArray<string>;
}

/** A malformed `idl` argument. */
export class IdlArgumentError extends Error {}

/** Parses `?simple:i,r!?link1:i,k` (the leading `?` included). */
export function parseRegistration(text: string): Map<string, Registration> {
  const out = new Map<string, Registration>();
  for (const part of text.slice(1).split('?')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new IdlArgumentError(`"${part}": expected TABLE:COLUMN,...`);
    const columns: string[] = [];
    const readonly: string[] = [];
    for (const word of part.slice(colon + 1).split(',')) {
      const name = word.endsWith('!') ? word.slice(0, -1) : word;
      columns.push(name);
      if (name !== word) readonly.push(name);
    }
    out.set(part.slice(0, colon), { columns, readonly });
  }
  return out;
}

/** Parses the arguments after `idl`. */
export function parseIdlArgs(args: ReadonlyArray<string>): IdlArgs {
  const [schemaFile, remote, ...rest] = args;
  if (schemaFile === undefined || remote === undefined) {
    throw new IdlArgumentError('"idl" requires at least 2 arguments');
  }
  if (remote.startsWith('ssl:')) throw new IdlArgumentError('ssl remotes are not supported by this driver');
  let commands = rest;
  let trackNotify = false;
  if (commands[0] === 'track-notify') {
    trackNotify = true;
    commands = commands.slice(1);
  }
  let register: Map<string, Registration> | undefined;
  if (commands[0]?.startsWith('?')) {
    register = parseRegistration(commands[0]);
    commands = commands.slice(1);
  }
  return { schemaFile, remote, trackNotify, register, commands };
}
