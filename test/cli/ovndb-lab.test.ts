/**
 * `ovndb lab up|env|down`, and the commands people run against a lab: `vpc apply` (judged by
 * ovn-nbctl) and `ic status` (compared byte for byte with `ovn-ic-sbctl show`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startLab } from '../../src/cli/lab-launch.js';
import { isAlive } from '../../src/cli/lab-state.js';
import { ovndb } from '../helpers/run-cli.js';

const run = promisify(execFile);

const alive = isAlive;

interface Lab {
  pid: number;
  remotes: Record<string, string>;
  northd: { name: string; pid: number; running: boolean; logFile: string }[];
  pids: number[];
}

/** Polls `probe` every 100 ms until it returns true; fails after `ms`. */
async function eventually(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    assert.ok(Date.now() < deadline, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a lab with its own state file; `body` runs with it; the lab is always stopped. */
async function withLab(args: string[], body: (lab: Lab, state: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ovndb-lab-test-'));
  const state = join(dir, 'lab.json');
  let lab: Lab | undefined;
  try {
    const up = await ovndb(['lab', 'up', ...args, '--state', state, '-f', 'json'], { timeoutMs: 90_000 });
    assert.equal(up.code, 0, up.stderr);
    lab = JSON.parse(up.stdout) as Lab;
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')), lab);
    await body(lab, state);
    const down = await ovndb(['lab', 'down', '--state', state]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`stopped the lab \\(pid ${lab.pid}\\)`));
    assert.deepEqual([lab.pid, ...lab.pids].filter(alive), [], 'every process of the lab is gone');
    const again = await ovndb(['lab', 'down', '--state', state]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no lab is running/);
  } finally {
    for (const pid of lab ? [lab.pid, ...lab.pids] : []) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

const VPC = `kind: Vpc
apiVersion: kubeovn.io/v1
metadata:
  name: vpc-cli
spec:
  staticRoutes:
    - cidr: 0.0.0.0/0
      nextHopIP: 10.9.1.254
      policy: policyDst
---
kind: Subnet
apiVersion: kubeovn.io/v1
metadata:
  name: net-cli
spec:
  vpc: vpc-cli
  cidrBlock: 10.9.1.0/24
`;

describe('ovndb lab, vpc apply and ic status', { timeout: 240_000 }, () => {
  test('lab up prints remotes; vpc apply plans, applies, then finds nothing to do; lab down stops every PID', async () => {
    await withLab([], async (lab, state) => {
      const nb = lab.remotes.OVN_NB_DB!;
      assert.match(nb, /^unix:/);
      assert.match(lab.remotes.OVN_NB_DB_TCP!, /^tcp:127\.0\.0\.1:\d+$/);
      const env = await ovndb(['lab', 'env', '--state', state]);
      assert.match(env.stdout, new RegExp(`^export OVN_NB_DB='${nb}'$`, 'm'));
      const [northd] = lab.northd;
      assert.deepEqual([lab.northd.length, northd?.name, northd?.running], [1, 'OVN_NORTHD_PID', true]);
      assert.ok(lab.pids.includes(northd!.pid));
      assert.match(
        env.stdout,
        new RegExp(`^export OVN_NORTHD_PID='${northd!.pid}' # ovn-northd running$`, 'm'),
      );
      const nbctl = async (...args: string[]) =>
        (await run('ovn-nbctl', [`--db=${nb}`, ...args])).stdout.trim();

      const dry = await ovndb(['vpc', 'apply', '-', '--dry-run'], { input: VPC, env: { OVN_NB_DB: nb } });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^vpc vpc-cli: would change \(\d+ operations\)$/m);
      assert.match(dry.stdout, /route dst-ip 0\.0\.0\.0\/0 via 10\.9\.1\.254/);
      // Planned on the router the Vpc's plan creates (applyResources plans the file in order).
      assert.match(dry.stdout, /^subnet net-cli \(vpc vpc-cli\): would change \(\d+ operations\)$/m);
      assert.equal(await nbctl('lr-list'), '', 'a dry run writes nothing');

      const applied = await ovndb(['vpc', 'apply', '-', '--db', nb], { input: VPC });
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /^vpc vpc-cli: changed/m);
      assert.match(applied.stdout, /^subnet net-cli \(vpc vpc-cli\): changed/m);
      assert.match(await nbctl('lr-route-list', 'vpc-cli'), /0\.0\.0\.0\/0\s+10\.9\.1\.254 dst-ip/);
      assert.match(await nbctl('get', 'Logical_Switch', 'net-cli', 'other_config:subnet'), /10\.9\.1\.0\/24/);

      const again = await ovndb(['vpc', 'apply', '-', '--db', nb, '-f', 'json'], { input: VPC });
      assert.equal(again.code, 0, again.stderr);
      const outcome = JSON.parse(again.stdout) as {
        vpcs: { applied: boolean }[];
        subnets: { applied: boolean }[];
      };
      assert.deepEqual(
        [...outcome.vpcs, ...outcome.subnets].map((r) => r.applied),
        [false, false],
      );

      const bad = await ovndb(['vpc', 'apply', '-', '--db', nb], {
        input: `${VPC}---\nkind: Vpc\nmetadata: {name: vpc-bad}\nspec: {staticRoutes: [{cidr: 10.0.0.0/33, nextHopIP: 1.1.1.1}]}\n`,
      });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /spec\.staticRoutes\[0\]\.cidr = "10\.0\.0\.0\/33"/);
      assert.equal(await nbctl('--bare', '--columns=name', 'find', 'Logical_Router', 'name=vpc-bad'), '');

      const busy = await ovndb(['lab', 'up', '--state', state]);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, /a lab is already running \(pid \d+\)/);
    });
  });

  test('lab up --raft 3: each database a comma list of three members, ovn-northd on both clusters', async () => {
    let northdPid = 0;
    await withLab(['--raft', '3'], async (lab) => {
      const nb = lab.remotes.OVN_NB_DB!;
      const sb = lab.remotes.OVN_SB_DB!;
      assert.equal(nb.split(',').length, 3);
      const dbs = await ovndb(['list-dbs', sb]);
      assert.equal(dbs.code, 0, dbs.stderr);
      assert.match(dbs.stdout, /^OVN_Southbound$/m);

      assert.deepEqual(
        lab.northd.map((n) => [n.name, n.running]),
        [['OVN_NORTHD_PID', true]],
      );
      northdPid = lab.northd[0]!.pid;
      assert.ok(alive(northdPid), 'northd runs');
      assert.ok(lab.pids.includes(northdPid));

      // A switch written through the NB cluster appears in the SB cluster: northd follows both leaders.
      const opts = { timeout: 15_000 };
      await run(
        'ovn-nbctl',
        [`--db=${nb}`, '--timeout=10', 'ls-add', 'sw-lab', '--', 'lsp-add', 'sw-lab', 'p-lab'],
        opts,
      );
      const sbctl = async (...args: string[]) =>
        (await run('ovn-sbctl', [`--db=${sb}`, '--timeout=10', ...args], opts)).stdout.trim();
      await eventually('northd binds the switch and its port', 15_000, async () => {
        const datapaths = await sbctl('--bare', '--columns=external_ids', 'list', 'Datapath_Binding');
        const ports = await sbctl('--bare', '--columns=logical_port', 'list', 'Port_Binding');
        return /name=sw-lab/.test(datapaths) && ports === 'p-lab';
      });
      await run('ovn-nbctl', [`--db=${nb}`, '--timeout=10', '--wait=sb', 'sync'], opts);
    });
    assert.ok(!alive(northdPid), 'lab down stops northd');
  });

  test('--no-northd: bare databases (the launcher lab up runs); --ic refuses it', async () => {
    const bare = await startLab({ raft: 1, ic: false, azs: 2, northd: false });
    try {
      assert.deepEqual(bare.description.northd, []);
      assert.equal(bare.description.pids.length, 2, 'the two servers only');
    } finally {
      await bare.stop();
    }
    assert.deepEqual(bare.description.pids.filter(alive), []);
    const ic = await ovndb([
      'lab',
      'up',
      '--ic',
      '--no-northd',
      '--state',
      join(tmpdir(), 'ovndb-lab-never.json'),
    ]);
    assert.equal(ic.code, 2);
    assert.match(ic.stderr, /--no-northd/);
  });

  test('lab up --ic: ic status prints what ovn-ic-sbctl show prints', async () => {
    await withLab(['--ic', '--raft', '3'], async (lab) => {
      const icSb = lab.remotes.OVN_IC_SB_DB!;
      for (const az of ['az1', 'az2']) {
        const nb = lab.remotes[`OVN_${az.toUpperCase()}_NB_DB`]!;
        await run('ovn-nbctl', [`--db=${nb}`, 'set', 'NB_Global', '.', `name=${az}`]);
      }
      const show = async () => (await run('ovn-ic-sbctl', [`--db=${icSb}`, 'show'])).stdout;
      const deadline = Date.now() + 20_000;
      while (!/availability-zone az2/.test(await show())) {
        assert.ok(Date.now() < deadline, 'ovn-ic registers both zones');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(
        lab.northd.map((n) => [n.name, n.running, lab.pids.includes(n.pid)]),
        [
          ['OVN_AZ1_NORTHD_PID', true, true],
          ['OVN_AZ2_NORTHD_PID', true, true],
        ],
      );
      const status = await ovndb(['ic', 'status', '--db', icSb]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.stdout, await show());
      assert.match(status.stdout, /availability-zone az1/);
      const json = await ovndb(['ic', 'status', '-f', 'json'], { env: { OVN_IC_SB_DB: icSb } });
      assert.deepEqual(
        (JSON.parse(json.stdout) as { zones: { name: string }[] }).zones.map((z) => z.name),
        ['az1', 'az2'],
      );
    });
  });
});
