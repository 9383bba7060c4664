import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { MissingBinaryError } from './testing-errors.js';

/** The programs the launcher runs. */
export type BinaryName =
  | 'ovsdb-server'
  | 'ovsdb-tool'
  | 'ovsdb-client'
  | 'ovs-appctl'
  | 'ovs-pki'
  | 'ovn-nbctl'
  | 'ovn-sbctl'
  | 'ovn-trace'
  | 'ovn-northd'
  | 'ovn-ic'
  | 'ovn-ic-nbctl'
  | 'ovn-ic-sbctl'
  | 'websockify';

/** Which Debian package installs each program, for the error message. */
export const DEBIAN_PACKAGES: Readonly<Record<BinaryName, string>> = {
  'ovsdb-server': 'openvswitch-common',
  'ovsdb-tool': 'openvswitch-common',
  'ovsdb-client': 'openvswitch-common',
  'ovs-appctl': 'openvswitch-common',
  'ovs-pki': 'openvswitch-common',
  'ovn-nbctl': 'ovn-central',
  'ovn-sbctl': 'ovn-common',
  'ovn-trace': 'ovn-common',
  'ovn-northd': 'ovn-central',
  'ovn-ic': 'ovn-ic',
  'ovn-ic-nbctl': 'ovn-common',
  'ovn-ic-sbctl': 'ovn-common',
  websockify: 'websockify',
};

/**
 * Where to find programs: a name or path per program (to use a build tree, or to test the
 * missing-binary error), and the directories searched for plain names.
 */
export interface BinaryOptions {
  /** Per-program override: a command name looked up in the search path, or a path. */
  binaries?: Partial<Record<BinaryName, string>>;
  /** Directories to search. @default $PATH plus /usr/sbin and /sbin (ovsdb-server lives in sbin). */
  searchPath?: string[];
}

const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Resolves a program to an executable path, or throws {@link MissingBinaryError}. */
export async function findBinary(name: BinaryName, options: BinaryOptions = {}): Promise<string> {
  const wanted = options.binaries?.[name] ?? name;
  const candidates = wanted.includes('/')
    ? [wanted]
    : (options.searchPath ?? [...(process.env.PATH ?? '').split(delimiter), ...SBIN])
        .filter((dir) => dir !== '')
        .map((dir) => join(dir, wanted));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  const searched = wanted.includes('/') ? wanted : `${wanted} in ${candidates.length} directories`;
  throw new MissingBinaryError(name, DEBIAN_PACKAGES[name], searched);
}
