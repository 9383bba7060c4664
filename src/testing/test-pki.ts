import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BinaryOptions, findBinary } from './binaries.js';
import { runCommand } from './run-command.js';

/**
 * A throwaway certificate authority made with OVS's `ovs-pki`, with one server and one
 * client certificate signed by it. Like every ovs-pki certificate, they name no host.
 * All members are absolute file paths.
 */
export interface TestPki {
  /** The directory holding everything. */
  readonly dir: string;
  /** The CA that signed both certificates (ovs-pki's "switchca"). */
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** An unrelated CA (ovs-pki's "controllerca"), for wrong-CA tests: it signed neither certificate. */
  readonly otherCaCert: string;
}

/** Creates a {@link TestPki} in `dir` (default: a fresh temporary directory). */
export async function createTestPki(dir?: string, options: BinaryOptions = {}): Promise<TestPki> {
  const root = resolve(dir ?? (await mkdtemp(join(tmpdir(), 'ovndb-pki-'))));
  await mkdir(root, { recursive: true });
  const ovsPki = await findBinary('ovs-pki', options);
  const authority = join(root, 'ca');
  const common = [`--dir=${authority}`, `--log=${join(root, 'ovs-pki.log')}`];
  await runCommand(ovsPki, [...common, 'init'], { cwd: root });
  // req+sign writes NAME-cert.pem and NAME-privkey.pem into the working directory.
  await runCommand(ovsPki, [...common, 'req+sign', 'server', 'switch'], { cwd: root });
  await runCommand(ovsPki, [...common, 'req+sign', 'client', 'switch'], { cwd: root });
  return {
    dir: root,
    caCert: join(authority, 'switchca', 'cacert.pem'),
    clientCert: join(root, 'client-cert.pem'),
    clientKey: join(root, 'client-privkey.pem'),
    serverCert: join(root, 'server-cert.pem'),
    serverKey: join(root, 'server-privkey.pem'),
    otherCaCert: join(authority, 'controllerca', 'cacert.pem'),
  };
}
