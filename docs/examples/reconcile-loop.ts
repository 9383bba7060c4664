/**
 * A controller's reconcile loop, the way a Kubernetes controller is built: desired state in,
 * a change stream and a work queue, one declarative apply per key, and leader election with an
 * OVSDB lock between two controller processes. It survives a raft leader kill and the death of
 * the controller that leads.
 *
 * Run as `reconcile-loop.ts` it plays the whole story on a throwaway 3-member raft cluster of
 * OVN_Northbound: it starts two controller processes (this same file, `controller <id>`),
 * writes the desired Vpcs (the part of the Kubernetes API server) to a file they watch, and:
 * kills the raft leader with SIGKILL, changes the desired state, tampers with OVN behind the
 * controllers' back, kills the leading controller; each time the database comes back to what
 * is desired. A controller runs until it is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicaUntil, Session } from 'ovndb';
import { model } from 'ovndb/nb';
import { applyVpc, parseResources, type VpcResource } from 'ovndb/ovn';
import { ovnSchemaPath, startRaftCluster } from 'ovndb/testing';

const LOCK = 'example_vpc_controller';

// ---- the controller -------------------------------------------------------------------------

/** Keys to reconcile, each at most once in the queue, handed out one at a time. */
class WorkQueue {
  private readonly keys = new Set<string>();
  private wake: (() => void) | undefined;

  add(key: string): void {
    this.keys.add(key);
    this.wake?.();
  }

  async take(): Promise<string> {
    while (this.keys.size === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    const [key] = this.keys;
    this.keys.delete(key as string);
    return key as string;
  }
}

async function controller(id: string, remotes: string, desiredFile: string): Promise<void> {
  const log = (line: string) => console.log(`controller ${id}: ${line}`);
  const nb = await Session.open(remotes, { model, reconnect: { initialDelayMs: 20 } });
  nb.on('disconnected', ({ remote }) => log(`lost ${remote}, failing over`));
  const queue = new WorkQueue();
  let desired = new Map<string, VpcResource>();
  const readDesired = async (): Promise<void> => {
    const text = await readFile(desiredFile, 'utf8').catch(() => '');
    desired = new Map(parseResources(text).vpcs.map((vpc) => [vpc.name, vpc]));
    for (const name of desired.keys()) queue.add(name);
  };

  // Leader election: only the holder of the lock reconciles; the other waits for it.
  await nb.lock(LOCK);
  log('leading');
  nb.on('locked', () => {
    log('leading again');
    for (const name of desired.keys()) queue.add(name); // resync after a gap
  });

  // Inputs: the desired state (polled here; a watch of the API server in a real controller),
  // and every change in OVN to a router, its routes or its ports (someone else's edit is undone).
  await readDesired();
  setInterval(() => void readDesired(), 100);
  const replica = await nb.replica();
  void (async () => {
    for await (const change of replica.changes()) {
      const row = change.kind === 'delete' ? change.old : change.new;
      if (change.table === 'Logical_Router') queue.add((row as { name: string }).name);
      else if (change.table === 'Logical_Router_Static_Route' || change.table === 'Logical_Router_Port') {
        for (const router of replica.list('Logical_Router')) queue.add(router.name);
      }
    }
  })();

  // The loop: one declarative apply per key, only while leading (the lock goes with the commit).
  for (;;) {
    const name = await queue.take();
    const vpc = desired.get(name);
    if (vpc === undefined || !nb.holds(LOCK)) continue;
    try {
      const plan = await applyVpc(nb, vpc, { lock: LOCK });
      if (plan.applied) log(`reconciled ${name}: ${plan.changes.join('; ')}`);
    } catch (error) {
      log(`retrying ${name}: ${(error as Error).message}`);
      setTimeout(() => queue.add(name), 200);
    }
  }
}

// ---- the story ------------------------------------------------------------------------------

function vpcYaml(routes: ReadonlyArray<[cidr: string, via: string]>): string {
  const list = routes.map(([cidr, via]) => `{ cidr: ${cidr}, nextHopIP: ${via} }`).join(', ');
  return `kind: Vpc\nmetadata: { name: vpc-a }\nspec:\n  staticRoutes: [${list}]\n`;
}

async function story(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-controller-'));
  const desiredFile = join(dir, 'desired.yaml');
  const cluster = await startRaftCluster({ schema: ovnSchemaPath('nb'), tcp: true });
  const controllers = new Map<string, ChildProcess>();
  const watcher = await Session.open(cluster.tcpRemotes, { model, reconnect: { initialDelayMs: 20 } });
  try {
    const nb = await watcher.replica();
    const routesOf = (router: string): string[] => {
      const row = nb.where('Logical_Router', (r) => r.name === router)[0];
      return (row?.static_routes ?? [])
        .map((uuid) => nb.get('Logical_Router_Static_Route', uuid)?.ip_prefix ?? '?')
        .sort();
    };
    const until = (what: string, routes: string[]) =>
      replicaUntil(nb, () => (routesOf('vpc-a').join() === routes.join() ? true : undefined), {
        what,
        // A bound for a loaded machine: a failover takes about one election timer (1 s) here.
        timeoutMs: 60_000,
      });

    await writeFile(desiredFile, vpcYaml([['10.1.0.0/16', '192.168.0.1']]));
    for (const id of ['A', 'B']) {
      const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, 'controller', id], {
        env: { ...process.env, OVN_NB_DB: cluster.tcpRemotes, DESIRED: desiredFile },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      controllers.set(id, child);
      if (id === 'A') await until('vpc-a from controller A', ['10.1.0.0/16']);
    }
    console.log('vpc-a has its route');

    const leader = await cluster.leaderIndex();
    await cluster.kill(leader, 'SIGKILL');
    console.log(`raft leader (member ${leader}) killed`);
    await writeFile(
      desiredFile,
      vpcYaml([
        ['10.1.0.0/16', '192.168.0.1'],
        ['10.2.0.0/16', '192.168.0.1'],
      ]),
    );
    await until('the new route after the leader kill', ['10.1.0.0/16', '10.2.0.0/16']);
    console.log('the desired change landed on the new raft leader');
    await cluster.restart(leader, { waitForLeader: true });

    // Taking the route off the router deletes it (OVSDB collects the unreferenced row).
    const stray = nb.where('Logical_Router_Static_Route', (r) => r.ip_prefix === '10.2.0.0/16');
    await watcher.transact([
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: [['name', '==', 'vpc-a']],
        mutations: [['static_routes', 'delete', ['set', stray.map((r) => ['uuid', r._uuid])]]],
      },
    ]);
    console.log('someone deleted route 10.2.0.0/16 behind the controllers');
    await until('the deleted route back', ['10.1.0.0/16', '10.2.0.0/16']);
    console.log('the leading controller put it back');

    controllers.get('A')?.kill('SIGKILL');
    controllers.delete('A');
    console.log('controller A killed');
    await writeFile(desiredFile, vpcYaml([['10.3.0.0/16', '192.168.0.1']]));
    await until('the change applied by controller B', ['10.3.0.0/16']);
    console.log('controller B took the lock and applied the change');
  } finally {
    for (const child of controllers.values()) child.kill('SIGKILL');
    await watcher.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
    console.log('stopped');
  }
}

if (process.argv[2] === 'controller') {
  await controller(process.argv[3] as string, process.env.OVN_NB_DB as string, process.env.DESIRED as string);
} else {
  await story();
}
