/**
 * The logging seam of the rpc layer. It is an interface, not a library, so that users can
 * plug in pino, winston or console without ovndb depending on any of them.
 */

/** Structured logger: a message plus optional fields. Every method must be cheap to call. */
export interface Logger {
  /** Wire-level detail useful when debugging (late replies, drains). */
  debug(msg: string, fields?: object): void;
  /** Connection lifecycle. */
  info(msg: string, fields?: object): void;
  /** Something odd that ovndb recovered from (a request handler that threw). */
  warn(msg: string, fields?: object): void;
  /** A failure that closed a connection. */
  error(msg: string, fields?: object): void;
}

const ignore = (): void => {};

/** A logger that drops everything: the default, so a library never writes to the console uninvited. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
