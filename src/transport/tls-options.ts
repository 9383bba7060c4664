import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import { MissingTlsConfigError, TlsError } from './transport-errors.js';

/**
 * Certificates for `ssl:` and `wss:` remotes.
 *
 * Verification policy, chosen to match Open vSwitch: the server's certificate chain must be
 * signed by the configured CA, otherwise the connection is refused with a `TlsError`. The
 * host name is NOT checked by default, because certificates made by `ovs-pki` carry no host
 * name (their CN/SAN is "NAME id:DATE"), and OVS itself only checks the chain. Set
 * {@link TlsOptions.verifyHostname} to also require that the certificate names the host.
 *
 * Each item may be given inline (PEM text or Buffer) or as a file path (`caFile`, ...). File
 * paths are read at every connect, so certificate files replaced on disk take effect on the
 * next connection without restarting the program.
 */
export interface TlsOptions {
  /** CA certificate(s) the server's certificate must chain to, as PEM. */
  ca?: string | Buffer;
  /** Client certificate as PEM (ovsdb-server asks for one). */
  cert?: string | Buffer;
  /** Private key of {@link TlsOptions.cert}, as PEM. */
  key?: string | Buffer;
  /** Path of the CA certificate file; read at every connect. */
  caFile?: string;
  /** Path of the client certificate file; read at every connect. */
  certFile?: string;
  /** Path of the client private key file; read at every connect. */
  keyFile?: string;
  /**
   * Also require the server certificate to name the host being connected to.
   * @default false (chain verified, host name not checked, as OVS does)
   */
  verifyHostname?: boolean;
}

/** TLS options, or a function producing them at every connect (for rotating credentials). */
export type TlsOptionsSource = TlsOptions | (() => TlsOptions | Promise<TlsOptions>);

/**
 * Turns the user's TLS options into node's, reading certificate files now. Throws
 * {@link MissingTlsConfigError} when there is no CA, {@link TlsError} when a file is unreadable.
 */
export async function resolveTlsOptions(
  remote: string,
  host: string,
  source: TlsOptionsSource | undefined,
): Promise<ConnectionOptions> {
  if (source === undefined)
    throw new MissingTlsConfigError(remote, 'no tls options given (need ca or caFile)');
  let options: TlsOptions;
  try {
    options = typeof source === 'function' ? await source() : source;
  } catch (error) {
    throw new TlsError(remote, error, `the tls options function for ${remote} failed`);
  }
  const ca = await pick(remote, options.ca, options.caFile);
  const cert = await pick(remote, options.cert, options.certFile);
  const key = await pick(remote, options.key, options.keyFile);
  if (ca === undefined) throw new MissingTlsConfigError(remote, 'no CA certificate (ca or caFile)');
  if ((cert === undefined) !== (key === undefined)) {
    throw new MissingTlsConfigError(remote, 'a client certificate and its key must be given together');
  }
  const result: ConnectionOptions = { ca, rejectUnauthorized: true };
  if (cert !== undefined) result.cert = cert;
  if (key !== undefined) result.key = key;
  // SNI only carries names; node warns when it is given an IP literal.
  if (!/^[0-9.]+$/.test(host) && !host.includes(':')) result.servername = host;
  if (options.verifyHostname !== true) result.checkServerIdentity = () => undefined;
  return result;
}

async function pick(
  remote: string,
  inline: string | Buffer | undefined,
  file: string | undefined,
): Promise<string | Buffer | undefined> {
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new TlsError(remote, error, `cannot read TLS file ${file} for ${remote}`);
  }
}
