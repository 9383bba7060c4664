import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeRoutePrefix } from '../ic/ic-routes.js';
import type { IcLabAz, IcLabLearnedRoute, IcLabWaitOptions } from './ic-lab-types.js';
import { type ExitInfo, ManagedProcess } from './managed-process.js';
import type { OvnSandbox } from './ovn-sandbox.js';
import { IcLabStartError, IcLabTimeoutError } from './ovn-testing-errors.js';
import { pollUntil } from './poll.js';
import { RaftTimeoutError } from './raft-errors.js';
import { runCommand } from './run-command.js';

/** What every AZ's ovn-ic is wired to. */
export interface IcWiring {
  readonly icPath: string;
  readonly nbctlPath: string;
  readonly icNbRemote: string;
  readonly icSbRemote: string;
  readonly icDbHost: string;
  readonly icNbPort: number;
  readonly icSbPort: number;
}

const DEFAULT_WAIT_MS = 10_000;
/** ovn-ic 23.03 logs this once it holds the SB `ovn_ic` lock and starts working. */
const ACTIVE_LINE = /lock acquired/;

/** Clears host bits: ovn-ic learns connected networks verbatim (`10.11.0.1/24`). */
export function normalizePrefix(prefix: string): string {
  return normalizeRoutePrefix(prefix);
}

/** A `["map", [[k, v], ...]]` cell of `--format=json` output, as a record. */
function mapCell(cell: unknown): Record<string, string> {
  const pairs = Array.isArray(cell) && cell[0] === 'map' ? (cell[1] as [string, string][]) : [];
  return Object.fromEntries(pairs);
}

/** One AZ of the lab: its sandbox and the ovn-ic process it runs (stopped by PID). */
export class IcLabAzControl implements IcLabAz {
  readonly name: string;
  readonly icLogPath: string;
  readonly #wiring: IcWiring;
  #ic: ManagedProcess | undefined;

  constructor(
    readonly index: number,
    readonly sandbox: OvnSandbox,
    wiring: IcWiring,
  ) {
    this.#wiring = wiring;
    this.name = `az${index + 1}`;
    this.icLogPath = join(sandbox.dir, 'ovn-ic.log');
  }

  get icPid(): number | undefined {
    return this.#ic !== undefined && this.#ic.exitInfo === undefined ? this.#ic.pid : undefined;
  }

  get icExit(): ExitInfo | undefined {
    return this.#ic?.exitInfo;
  }

  async icTail(): Promise<string> {
    return (await this.#ic?.tail()) ?? '(ovn-ic never started)';
  }

  nbctl(...args: string[]): Promise<string> {
    return this.sandbox.nbctl(...args);
  }

  sbctl(...args: string[]): Promise<string> {
    return this.sandbox.sbctl(...args);
  }

  configMap(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      'enable-ic': 'true',
      'az-name': this.name,
      'ic-db-host': this.#wiring.icDbHost,
      'ic-nb-port': String(this.#wiring.icNbPort),
      'ic-sb-port': String(this.#wiring.icSbPort),
      'gw-nodes': '',
      'auto-route': 'true',
      ...overrides,
    };
  }

  async startIc(timeoutMs = 20_000): Promise<void> {
    if (this.icPid !== undefined) return;
    // The log is appended to across restarts: only a lock line written after this offset counts.
    const offset = (await readFile(this.icLogPath, 'utf8').catch(() => '')).length;
    const dir = this.sandbox.dir;
    const ic = ManagedProcess.start(
      this.#wiring.icPath,
      [
        `--ovnnb-db=${this.sandbox.nbRemote}`,
        `--ovnsb-db=${this.sandbox.sbRemote}`,
        `--ic-nb-db=${this.#wiring.icNbRemote}`,
        `--ic-sb-db=${this.#wiring.icSbRemote}`,
        `--pidfile=${join(dir, 'ovn-ic.pid')}`,
        `--unixctl=${join(dir, 'ovn-ic.ctl')}`,
        `--log-file=${this.icLogPath}`,
        '-vconsole:off',
        '-vfile:info',
        '--no-chdir',
      ],
      { cwd: dir, logFile: this.icLogPath },
    );
    this.#ic = ic;
    const stage = `${this.name} ovn-ic`;
    try {
      await pollUntil(`${stage} to take its lock`, timeoutMs, async (seen) => {
        if (ic.exitInfo !== undefined) {
          throw new IcLabStartError(
            stage,
            `exited (${ManagedProcess.describe(ic.exitInfo)})`,
            await ic.tail(),
          );
        }
        const log = (await readFile(this.icLogPath, 'utf8').catch(() => '')).slice(offset);
        seen(log.slice(-300));
        return ACTIVE_LINE.test(log) ? true : undefined;
      });
    } catch (error) {
      await ic.stop();
      if (error instanceof IcLabStartError) throw error;
      throw new IcLabStartError(stage, `not active within ${timeoutMs} ms`, await ic.tail(), error);
    }
  }

  async stopIc(): Promise<void> {
    await this.#ic?.stop();
  }

  async waitUntilNb(
    table: string,
    record: string,
    conditions: string[] = [],
    options: IcLabWaitOptions = {},
  ): Promise<number> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const started = Date.now();
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    const args = [`--db=${this.sandbox.nbRemote}`, `--timeout=${seconds}`, 'wait-until', table, record];
    try {
      // ovn-nbctl's own alarm ends the wait; runCommand's timeout is only a backstop.
      await runCommand(this.#wiring.nbctlPath, [...args, ...conditions], {
        cwd: this.sandbox.dir,
        timeoutMs: seconds * 1000 + 5000,
      });
    } catch (error) {
      const what = `${this.name} NB ${table} ${record} ${conditions.join(' ')}`.trim();
      throw new IcLabTimeoutError(
        what,
        timeoutMs,
        'ovn-nbctl wait-until gave up',
        await this.icTail(),
        error,
      );
    }
    return Date.now() - started;
  }

  async learnedRoutes(): Promise<IcLabLearnedRoute[]> {
    const columns = 'ip_prefix,nexthop,route_table,options,external_ids';
    const text = await this.nbctl(
      '--format=json',
      `--columns=${columns}`,
      'list',
      'Logical_Router_Static_Route',
    );
    const { data } = JSON.parse(text) as { data: unknown[][] };
    const routes: IcLabLearnedRoute[] = [];
    for (const [ipPrefix, nexthop, routeTable, options, externalIds] of data) {
      const icRoute = mapCell(externalIds)['ic-learned-route'];
      if (icRoute === undefined) continue;
      routes.push({
        prefix: normalizePrefix(String(ipPrefix)),
        ipPrefix: String(ipPrefix),
        nexthop: String(nexthop),
        origin: mapCell(options).origin ?? '',
        routeTable: String(routeTable),
        icRoute,
      });
    }
    return routes;
  }

  async waitForLearnedRoutes(prefixes: readonly string[], options: IcLabWaitOptions = {}): Promise<number> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const wanted = prefixes.map(normalizePrefix);
    const started = Date.now();
    const what = `${this.name} learning ${wanted.join(', ')}`;
    try {
      await pollUntil(what, timeoutMs, async (seen) => {
        const have = new Set((await this.learnedRoutes()).map((route) => route.prefix));
        seen(`learned: ${[...have].join(', ') || '(none)'}`);
        return wanted.every((prefix) => have.has(prefix)) ? true : undefined;
      });
    } catch (error) {
      if (!(error instanceof RaftTimeoutError)) throw error;
      throw new IcLabTimeoutError(what, timeoutMs, error.lastStatus, await this.icTail(), error);
    }
    return Date.now() - started;
  }
}
