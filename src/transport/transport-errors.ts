import { OvndbError } from '../errors.js';

/** A remote string is not something an OVSDB client can connect to. */
export class InvalidRemoteError extends OvndbError {
  /** The text that failed to parse, verbatim. */
  readonly remote: string;
  constructor(remote: string, reason: string) {
    super('OVNDB_INVALID_REMOTE', `invalid OVSDB remote ${JSON.stringify(remote)}: ${reason}`, {
      details: { remote },
    });
    this.remote = remote;
  }
}

/** The connection could not be established; `cause` is the operating system's error (ECONNREFUSED, ENOENT...). */
export class ConnectError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  constructor(remote: string, cause: unknown, message?: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('OVNDB_CONNECT_FAILED', message ?? `cannot connect to ${remote}: ${reason}`, { cause });
    this.remote = remote;
  }
}

/** The connection was not established within `connectTimeoutMs`. */
export class ConnectTimeoutError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(remote: string, timeoutMs: number) {
    super('OVNDB_CONNECT_TIMEOUT', `connecting to ${remote} timed out after ${timeoutMs} ms`);
    this.remote = remote;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal stopped the connect attempt; `cause` is the signal's reason. */
export class ConnectAbortedError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  constructor(remote: string, reason: unknown) {
    super('OVNDB_CONNECT_ABORTED', `connecting to ${remote} was aborted`, { cause: reason });
    this.remote = remote;
  }
}

/**
 * The TLS layer refused the peer or could not be set up: a certificate not signed by the
 * configured CA, a rejected client certificate, unreadable key files. `cause` is node's error.
 */
export class TlsError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  constructor(remote: string, cause: unknown, message?: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('OVNDB_TLS', message ?? `TLS with ${remote} failed: ${reason}`, { cause });
    this.remote = remote;
  }
}

/** An `ssl:` or `wss:` remote was given without the TLS options it needs (at least a CA). */
export class MissingTlsConfigError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  constructor(remote: string, what: string) {
    super('OVNDB_MISSING_TLS_CONFIG', `${remote} needs TLS options: ${what}`);
    this.remote = remote;
  }
}

/** An established connection failed (reset, broken pipe...); passed to the transport's `close` handler. */
export class TransportError extends OvndbError {
  /** The remote, in OVS notation. */
  readonly remote: string;
  constructor(remote: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('OVNDB_TRANSPORT_FAILED', `connection to ${remote} failed: ${reason}`, { cause });
    this.remote = remote;
  }
}
