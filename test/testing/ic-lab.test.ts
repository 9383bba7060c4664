/**
 * The two-AZ OVN-IC lab with real processes: IC-NB and IC-SB as 3-member raft clusters reached
 * through a Kube-OVN `ic-db-host` list, two OVN sandboxes with their ovn-northd and ovn-ic. The
 * lab script's minimal configuration is written with the ctl tools; each AZ must learn the
 * other's routes, also after the IC-SB leader is killed; stop() must leave no process behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type IcLab,
  IcLabStartError,
  IcLabTimeoutError,
  normalizePrefix,
  startIcLab,
} from '../../src/testing/index.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The lab script's per-AZ router: a pod network, a TS port and one static route. */
async function wireAz(lab: IcLab, i: number): Promise<void> {
  const az = lab.azs[i]!;
  const n = i + 1;
  await az.nbctl('lr-add', 'ovn-cluster');
  await az.nbctl('lrp-add', 'ovn-cluster', `ovn-cluster-net${n}`, `00:00:00:00:0${n}:01`, `10.1${n}.0.1/24`);
  await az.nbctl('lrp-add', 'ovn-cluster', `az${n}-ts`, `00:00:00:00:1${n}:01`, `169.254.100.${n}/24`);
  await az.nbctl(
    ...['lsp-add', 'ts', `ts-az${n}`, '--', 'lsp-set-type', `ts-az${n}`, 'router'],
    ...['--', 'lsp-set-addresses', `ts-az${n}`, 'router'],
    ...['--', 'lsp-set-options', `ts-az${n}`, `router-port=az${n}-ts`],
  );
  await az.nbctl('--policy=dst-ip', 'lr-route-add', 'ovn-cluster', `192.168.${n}.0/24`, `10.1${n}.0.254`);
}

describe('startIcLab: a two-AZ OVN-IC lab', { timeout: 120_000 }, () => {
  let lab: IcLab;
  const timings: string[] = [];
  const seenPids = new Set<number>();

  before(async () => {
    const started = Date.now();
    lab = await startIcLab({ electionTimerMs: 500 });
    timings.push(`start: ${Date.now() - started} ms`);
    for (const pid of lab.pids()) seenPids.add(pid);
  });

  after(async () => {
    await lab?.stop();
    console.log(`IC lab timings:\n  ${timings.join('\n  ')}`);
  });

  test('the IC databases are addressed as Kube-OVN addresses them', async () => {
    assert.equal(lab.icDbHost, '127.0.0.1,127.0.0.2,127.0.0.3');
    assert.notEqual(lab.icNbPort, lab.icSbPort);
    const hosts = lab.icDbHost.split(',');
    assert.equal(lab.icNbRemote, hosts.map((h) => `tcp:[${h}]:${lab.icNbPort}`).join(','));
    assert.equal(lab.icSbRemote, hosts.map((h) => `tcp:[${h}]:${lab.icSbPort}`).join(','));
    // Each member listens on its own host with the one shared port.
    assert.deepEqual(
      lab.icSb.members.map((m) => m.tcp),
      hosts.map((h) => `tcp:${h}:${lab.icSbPort}`),
    );
    // Every member answers on its own address (not only the leader's).
    for (const host of hosts) {
      const db = `--db=tcp:[${host}]:${lab.icNbPort}`;
      const rows = execFileSync('ovn-ic-nbctl', [
        db,
        '--no-leader-only',
        '--bare',
        '--columns=_uuid',
        'list',
        'IC_NB_Global',
      ]);
      assert.match(rows.toString(), /^[0-9a-f-]{36}\n$/, `IC_NB_Global (from init) read on ${host}`);
    }
    assert.equal(lab.azs.length, 2);
    for (const az of lab.azs) {
      assert.ok(az.icPid !== undefined && isAlive(az.icPid), `${az.name} ovn-ic runs`);
      assert.ok(az.sandbox.northdPid !== undefined && isAlive(az.sandbox.northdPid));
      assert.match(az.icLogPath, new RegExp(`^${lab.dir}/`));
    }
    // 3 + 3 raft members, 2 x (NB, SB, northd, ovn-ic).
    assert.equal(new Set(lab.pids()).size, 14);
    assert.deepEqual(await lab.azs[0]!.learnedRoutes(), []);
  });

  test('with the lab script configuration each AZ learns the other AZ routes', async () => {
    await lab.icnbctl(
      ...['--may-exist', 'ts-add', 'ts', '--', 'set', 'Transit_Switch', 'ts'],
      ...['external_ids:subnet=169.254.100.0/24', 'external_ids:vendor=kube-ovn'],
    );
    for (const az of lab.azs) {
      await az.nbctl(
        'set',
        'NB_Global',
        '.',
        `name=${az.name}`,
        'options:ic-route-adv=true',
        'options:ic-route-learn=true',
      );
    }
    for (const az of lab.azs) {
      // ovn-ic creates the NB switch of the transit switch; wait-until watches for it.
      const ms = await az.waitUntilNb('Logical_Switch', 'ts', ['other_config:interconn-ts=ts']);
      timings.push(`${az.name} NB switch ts created by ovn-ic: ${ms} ms`);
    }
    const wired = Date.now();
    await wireAz(lab, 0);
    await wireAz(lab, 1);
    const [az1, az2] = [lab.azs[0]!, lab.azs[1]!];
    const [t2, t1] = await Promise.all([
      az2.waitForLearnedRoutes(['10.11.0.0/24', '192.168.1.0/24'], { timeoutMs: 15_000 }),
      az1.waitForLearnedRoutes(['10.12.0.0/24', '192.168.2.0/24'], { timeoutMs: 15_000 }),
    ]);
    timings.push(`az2 learned az1 routes ${t2} ms, az1 learned az2 routes ${t1} ms after wiring`);
    assert.ok(Date.now() - wired < 15_000);

    const learned = (await az2.learnedRoutes()).sort((a, b) => a.prefix.localeCompare(b.prefix));
    assert.deepEqual(
      learned.map(({ prefix, nexthop, origin, routeTable }) => ({ prefix, nexthop, origin, routeTable })),
      [
        { prefix: '10.11.0.0/24', nexthop: '169.254.100.1', origin: 'connected', routeTable: '' },
        { prefix: '192.168.1.0/24', nexthop: '169.254.100.1', origin: 'static', routeTable: '' },
      ],
    );
    // Each learned route points at an IC-SB Route row advertised by az1.
    const zones = await lab.icsbctl('--bare', '--columns=_uuid', 'find', 'Route', 'transit_switch=ts');
    for (const route of learned) assert.ok(zones.includes(route.icRoute), route.icRoute);
    // The AZ's own routes are never learned back.
    assert.ok((await az1.learnedRoutes()).every((r) => !r.prefix.startsWith('10.11.')));
  });

  test('waits give up with IcLabTimeoutError naming the wait', async () => {
    const az = lab.azs[0]!;
    await assert.rejects(
      az.waitForLearnedRoutes(['203.0.113.0/24'], { timeoutMs: 300 }),
      (error: unknown) => {
        assert.ok(error instanceof IcLabTimeoutError);
        assert.equal(error.code, 'OVNDB_IC_LAB_TIMEOUT');
        assert.match(error.lastObserved, /10\.12\.0\.0\/24/);
        return true;
      },
    );
    await assert.rejects(
      az.waitUntilNb('Logical_Switch', 'no-such-ts', [], { timeoutMs: 1000 }),
      IcLabTimeoutError,
    );
  });

  test('after kill -9 of the IC-SB leader the list still answers and routes still propagate', async () => {
    const leader = await lab.icSb.leaderIndex();
    const killedPid = lab.icSb.member(leader).pid;
    seenPids.add(killedPid);
    const killed = Date.now();
    await lab.icSb.kill(leader, 'SIGKILL');
    assert.equal(lab.icSb.isRunning(leader), false);
    // The ctl tools try each remote once and give up while no member is leader, so wait for
    // the election (cluster/status of the survivors) before asking through the list.
    const newLeader = await lab.icSb.leaderIndex({ timeoutMs: 15_000 });
    assert.notEqual(newLeader, leader);
    timings.push(`IC-SB member ${newLeader} leads ${Date.now() - killed} ms after the leader was killed`);
    const zones = await lab.icsbctl('--timeout=20', '--bare', '--columns=name', 'list', 'Availability_Zone');
    assert.deepEqual(zones.split('\n').filter(Boolean).sort(), ['az1', 'az2']);

    await lab.azs[0]!.nbctl(
      '--policy=dst-ip',
      'lr-route-add',
      'ovn-cluster',
      '192.168.11.0/24',
      '10.11.0.254',
    );
    // ovn-ic 23.03 has no reconnect knob: its IC-SB session walks the list with backoff
    // (1, 2, 4, 8 s), skipping followers, so learning resumes 6 to 15 s after the kill.
    const ms = await lab.azs[1]!.waitForLearnedRoutes(['192.168.11.0/24'], { timeoutMs: 30_000 });
    timings.push(`az2 learned a new route ${ms} ms after it was added (IC-SB leader down)`);

    await lab.icSb.restart(leader, { waitForLeader: true });
    for (const pid of lab.pids()) seenPids.add(pid);
  });

  test('stop() ends every process of the lab and removes its directory', async () => {
    for (const pid of lab.pids()) seenPids.add(pid);
    assert.ok(seenPids.size >= 15);
    const stopped = Date.now();
    await lab.stop();
    await lab.stop(); // idempotent
    timings.push(`stop: ${Date.now() - stopped} ms`);
    for (const pid of seenPids) assert.throws(() => process.kill(pid, 0), `pid ${pid} is gone`);
    assert.deepEqual(lab.pids().filter(isAlive), []);
    assert.equal(existsSync(lab.dir), false);
  });
});

describe('startIcLab: a failed start', { timeout: 60_000 }, () => {
  test('an ovn-ic that exits fails the start with IcLabStartError and leaves nothing running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ovndb-ic-lab-fail-'));
    try {
      await assert.rejects(
        startIcLab({ dir, azs: 1, icMembers: 1, binaries: { 'ovn-ic': '/bin/false' } }),
        (error: unknown) => {
          assert.ok(error instanceof IcLabStartError);
          assert.equal(error.code, 'OVNDB_IC_LAB_START_FAILED');
          assert.equal(error.stage, 'az1 ovn-ic');
          return true;
        },
      );
      // Every sandbox process had the lab directory on its command line.
      const ps = execFileSync('ps', ['-eo', 'args']).toString();
      assert.equal(ps.includes(dir), false, 'no process of the failed lab remains');
      assert.equal(existsSync(dir), true, 'a directory the caller gave is kept');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

test('normalizePrefix clears host bits as ovn-ic leaves them', () => {
  assert.equal(normalizePrefix('10.11.0.1/24'), '10.11.0.0/24');
  assert.equal(normalizePrefix('192.168.1.0/24'), '192.168.1.0/24');
  assert.equal(normalizePrefix('10.1.2.3'), '10.1.2.3/32');
  assert.equal(normalizePrefix('0.0.0.0/0'), '0.0.0.0/0');
  assert.equal(normalizePrefix('255.255.255.255/1'), '128.0.0.0/1');
  assert.equal(normalizePrefix('fd00::5/64'), 'fd00::/64');
});
