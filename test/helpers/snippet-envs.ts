/**
 * The servers doc snippets run against, started on first use and shared by the blocks of one
 * kind: the labs `ovndb lab up` starts (the same launcher, `ovndb/testing`), described by the
 * same environment variables (`OVN_NB_DB`, `OVN_SB_DB`, ...). A block has an instance to
 * itself while it runs, and finds the Northbound database emptied first (every row of its
 * root tables but `NB_Global`), so no block sees what another wrote.
 */
import { type LabRequest, type StartedLab, startLab } from '../../src/cli/lab-launch.js';
import { model } from '../../src/generated/nb/index.js';
import { op, Session } from '../../src/index.js';
import type { SnippetEnv } from './doc-snippets.js';

type SharedEnv = Exclude<SnippetEnv, 'none'>;

/** One running lab, with sessions on its Northbound databases for the resets. */
interface Instance {
  readonly vars: Record<string, string>;
  readonly lab: StartedLab;
  readonly sessions: Session[];
}

const LABS: Record<SharedEnv, LabRequest> = {
  ovn: { raft: 1, ic: false, azs: 2 },
  raft: { raft: 3, ic: false, azs: 2 },
  ic: { raft: 3, ic: true, azs: 2 },
};

const resetOperations = model.tableNames
  .filter((table) => model.tables[table].isRoot && table !== 'NB_Global')
  .map((table) => op.delete(table, []));

/** Names of the environment variables the labs set, to remove from a block's inherited environment. */
export function labVariableNames(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((name) => /^OVN_\w*_DB(_\w+)?$/.test(name));
}

/** Shared labs: at most `sizes[env]` instances of each (default 1). */
export class SnippetEnvs {
  private readonly idle = new Map<SharedEnv, Instance[]>();
  private readonly waiting = new Map<SharedEnv, Array<(instance: Instance) => void>>();
  private readonly counts = new Map<SharedEnv, number>();
  private readonly all: Instance[] = [];

  constructor(private readonly sizes: Partial<Record<SharedEnv, number>> = {}) {}

  /** Runs `body` with the variables of an instance of `env` to itself (none for `none`), reset first. */
  async use<T>(env: SnippetEnv, body: (vars: Record<string, string>) => Promise<T>): Promise<T> {
    if (env === 'none') return body({});
    const instance = await this.acquire(env);
    try {
      await Promise.all(instance.sessions.map((s) => s.transact(resetOperations)));
      return await body(instance.vars);
    } finally {
      this.release(env, instance);
    }
  }

  /** Stops every lab by its processes' PIDs (through the launcher). */
  async stop(): Promise<void> {
    const instances = this.all.splice(0);
    await Promise.all(
      instances.map(async (instance) => {
        await Promise.allSettled(instance.sessions.map((s) => s.close()));
        await instance.lab.stop();
      }),
    );
  }

  private async acquire(env: SharedEnv): Promise<Instance> {
    const ready = this.idle.get(env)?.pop();
    if (ready !== undefined) return ready;
    const count = this.counts.get(env) ?? 0;
    if (count >= (this.sizes[env] ?? 1)) {
      return new Promise((resolve) => {
        this.waiting.set(env, [...(this.waiting.get(env) ?? []), resolve]);
      });
    }
    this.counts.set(env, count + 1);
    try {
      return await this.start(env);
    } catch (error) {
      this.counts.set(env, (this.counts.get(env) ?? 1) - 1);
      throw error;
    }
  }

  private release(env: SharedEnv, instance: Instance): void {
    const next = this.waiting.get(env)?.shift();
    if (next !== undefined) next(instance);
    else this.idle.set(env, [...(this.idle.get(env) ?? []), instance]);
  }

  private async start(env: SharedEnv): Promise<Instance> {
    const lab = await startLab(LABS[env]);
    const vars = { ...lab.description.remotes };
    const nbRemotes = Object.entries(vars)
      .filter(([name]) => /^OVN_(AZ\d+_)?NB_DB$/.test(name))
      .map(([, remote]) => remote);
    if (env === 'ic') {
      // A program runs in one AZ: the first one's databases are "its" Northbound and Southbound.
      vars.OVN_NB_DB = vars.OVN_AZ1_NB_DB as string;
      vars.OVN_SB_DB = vars.OVN_AZ1_SB_DB as string;
    }
    const instance: Instance = { vars, lab, sessions: [] };
    this.all.push(instance);
    for (const remote of nbRemotes) {
      instance.sessions.push(await Session.open(remote, { database: 'OVN_Northbound' }));
    }
    return instance;
  }
}
