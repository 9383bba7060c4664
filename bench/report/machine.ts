/**
 * What a benchmark ran on, for the record beside its figures: the machine (CPU, cores,
 * memory, kernel), Node, and the versions of the servers and peers that were measured
 * (Debian package versions, read with dpkg-query; absent packages are said to be absent).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The packages whose versions matter to the figures. */
export const MEASURED_PACKAGES = [
  'openvswitch-common',
  'ovn-central',
  'ovn-ic-db',
  'python3-openvswitch',
  'python3-ovsdbapp',
] as const;

/** The machine and the software versions of a run. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly ovndb: string;
  /** Debian package -> version, or `absent`. */
  readonly packages: Readonly<Record<string, string>>;
}

async function packageVersion(name: string): Promise<string> {
  try {
    // dpkg-query's own format field, not a template placeholder.
    const format = ['-f=$', '{Version}'].join('');
    const { stdout } = await run('dpkg-query', ['-W', format, name]);
    return stdout.trim() === '' ? 'absent' : stdout.trim();
  } catch {
    return 'absent';
  }
}

/** Reads the machine and the versions (a few dpkg-query calls). */
export async function machineInfo(): Promise<MachineInfo> {
  const info = cpus();
  const versions = await Promise.all(MEASURED_PACKAGES.map(packageVersion));
  const ovndb = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  return {
    cpu: info[0]?.model.trim() ?? 'unknown',
    cores: info.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    ovndb,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name, i) => [name, versions[i] as string])),
  };
}

/** The machine as two markdown lines. */
export function machineMarkdown(machine: MachineInfo): string {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return (
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}; ` +
    `Node ${machine.node}, ovndb ${machine.ovndb}.\n\nPackages: ${packages}.\n`
  );
}
