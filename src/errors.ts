/**
 * The root of every error ovndb throws or rejects with.
 *
 * Each subclass has a stable {@link OvndbError.code} that programs can switch on;
 * messages are for people and may change between releases.
 */
export class OvndbError extends Error {
  /** A stable, machine-readable identifier of the failure, e.g. `OVSDB_CONSTRAINT_VIOLATION`. */
  readonly code: string;
  /** What the server (or the layer below) said, verbatim, when there was something to say. */
  readonly details: unknown;

  constructor(code: string, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.name = new.target.name;
  }
}
