import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  NorthdTimeoutError,
  type OvnSandbox,
  OvnTraceError,
  ovnTrace,
  startOvnSandbox,
} from '../../src/testing/index.js';

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A packet from vm1 (sw1) to the router's sw1 port, addressed to `dst`. */
function fromVm1(dst: string, ttl = 64): string {
  return (
    'inport == "vm1" && eth.src == 00:00:00:00:00:01 && eth.dst == 00:00:00:00:01:01 && ' +
    `ip4.src == 10.0.0.2 && ip4.dst == ${dst} && ip.ttl == ${ttl}`
  );
}

/** sw1 (vm1 10.0.0.2) -- lr1 -- sw2 (vm2 10.0.1.2, vm3 10.0.1.3), and a route via vm2. */
async function buildTopology(s: OvnSandbox): Promise<void> {
  await s.nbctl('ls-add', 'sw1');
  await s.nbctl('ls-add', 'sw2');
  await s.nbctl('lsp-add', 'sw1', 'vm1', '--', 'lsp-set-addresses', 'vm1', '00:00:00:00:00:01 10.0.0.2');
  await s.nbctl('lsp-add', 'sw2', 'vm2', '--', 'lsp-set-addresses', 'vm2', '00:00:00:00:00:02 10.0.1.2');
  await s.nbctl('lsp-add', 'sw2', 'vm3', '--', 'lsp-set-addresses', 'vm3', '00:00:00:00:00:03 10.0.1.3');
  await s.nbctl('lr-add', 'lr1');
  await s.nbctl('lrp-add', 'lr1', 'lr1-sw1', '00:00:00:00:01:01', '10.0.0.1/24');
  await s.nbctl('lrp-add', 'lr1', 'lr1-sw2', '00:00:00:00:01:02', '10.0.1.1/24');
  for (const [sw, port, peer] of [
    ['sw1', 'sw1-lr1', 'lr1-sw1'],
    ['sw2', 'sw2-lr1', 'lr1-sw2'],
  ] as const) {
    await s.nbctl(
      'lsp-add',
      sw,
      port,
      '--',
      'lsp-set-type',
      port,
      'router',
      '--',
      'lsp-set-addresses',
      port,
      'router',
      '--',
      'lsp-set-options',
      port,
      `router-port=${peer}`,
    );
  }
  await s.nbctl('lr-route-add', 'lr1', '192.168.0.0/16', '10.0.1.2');
}

describe('OVN sandbox lifecycle', { timeout: 30_000 }, () => {
  test('starts NB, SB and northd, and stop() ends every process by PID and removes the directory', async () => {
    const s = await startOvnSandbox();
    let stopped = false;
    try {
      const pids = [s.nb.pid, s.sb.pid, s.northdPid];
      assert.ok(pids.every(isAlive), `all running: ${pids.join(', ')}`);
      assert.ok(s.nbRemote.startsWith('unix:') && s.sbRemote.startsWith('unix:'));
      // Both global rows exist, and northd has answered the initial sync.
      const nbCfg = Number((await s.nbctl('get', 'NB_Global', '.', 'nb_cfg')).trim());
      assert.ok(nbCfg >= 1);
      assert.equal(Number((await s.nbctl('get', 'NB_Global', '.', 'sb_cfg')).trim()), nbCfg);
      assert.equal(Number((await s.sbctl('get', 'SB_Global', '.', 'nb_cfg')).trim()), nbCfg);
      assert.ok(s.northdLogPath !== undefined && (await exists(s.northdLogPath)));

      // Readiness by signal: the sync bumps nb_cfg and returns only once northd copied it.
      await s.nbctl('ls-add', 'sw1');
      await s.waitForNorthd();
      const after = Number((await s.nbctl('get', 'NB_Global', '.', 'nb_cfg')).trim());
      assert.equal(after, nbCfg + 1);
      assert.equal(Number((await s.nbctl('get', 'NB_Global', '.', 'sb_cfg')).trim()), after);
      assert.match(await s.sbctl('--columns=external_ids', 'list', 'Datapath_Binding'), /name=sw1/);

      await s.stop();
      stopped = true;
      assert.deepEqual(pids.filter(isAlive), []);
      assert.equal(s.northdPid, undefined);
      assert.equal(await exists(s.dir), false);
      await s.stop(); // idempotent
    } finally {
      if (!stopped) await s.stop();
    }
  });

  test('without northd: both global rows exist, waitForNorthd refuses, and nothing is left running', async () => {
    const s = await startOvnSandbox({ northd: false });
    try {
      assert.equal(s.northdPid, undefined);
      assert.match(await s.nbctl('list', 'NB_Global'), /nb_cfg/);
      assert.match(await s.sbctl('list', 'SB_Global'), /nb_cfg/);
      await assert.rejects(s.waitForNorthd(1000), NorthdTimeoutError);
    } finally {
      await s.stop();
    }
    assert.equal(isAlive(s.nb.pid) || isAlive(s.sb.pid), false);
  });

  test('waitForNorthd fails fast with NorthdTimeoutError once northd has died', async () => {
    const s = await startOvnSandbox();
    try {
      const pid = s.northdPid as number;
      process.kill(pid, 'SIGKILL');
      await s.nbctl('ls-add', 'sw1');
      const started = Date.now();
      await assert.rejects(s.waitForNorthd(8000), (error: unknown) => {
        assert.ok(error instanceof NorthdTimeoutError);
        assert.equal(error.code, 'OVNDB_NORTHD_TIMEOUT');
        return true;
      });
      assert.ok(Date.now() - started < 6000, 'did not wait for the deadline');
    } finally {
      await s.stop();
    }
  });
});

describe('ovnTrace on a northd-computed pipeline', { timeout: 30_000 }, () => {
  let s: OvnSandbox;
  before(async () => {
    s = await startOvnSandbox();
    await buildTopology(s);
  });
  after(async () => {
    await s?.stop();
  });

  test('a packet to a port on the other switch leaves through it, after both patch hops', async () => {
    const trace = await ovnTrace(s, 'sw1', fromVm1('10.0.1.2'));
    assert.deepEqual(trace.verdict, { kind: 'output', port: 'vm2', datapath: 'sw2' });
    assert.deepEqual(trace.outputs, ['vm2']);
    // The patch ports were passed through, not reported as the destination.
    const hops = trace.events
      .filter((e) => e.kind === 'output' && e.passedThrough)
      .map((e) => e.kind === 'output' && e.port);
    assert.deepEqual(hops, ['sw1-lr1', 'lr1-sw2']);
    assert.match(trace.text, /lr_in_ip_routing/);

    const other = await ovnTrace(s, 'sw1', fromVm1('10.0.1.3'));
    assert.deepEqual(other.verdict, { kind: 'output', port: 'vm3', datapath: 'sw2' });
  });

  test('a static route delivers to its next hop; without it the router drops at lr_in_ip_routing', async () => {
    const routed = await ovnTrace(s, 'sw1', fromVm1('192.168.7.7'));
    assert.deepEqual(routed.verdict, { kind: 'output', port: 'vm2', datapath: 'sw2' });

    await s.nbctl('lr-route-del', 'lr1', '192.168.0.0/16');
    try {
      const unrouted = await ovnTrace(s, 'sw1', fromVm1('192.168.7.7'));
      assert.deepEqual(unrouted.verdict, {
        kind: 'drop',
        stage: 'lr_in_ip_routing',
        table: 13,
        datapath: 'lr1',
      });
      assert.deepEqual(unrouted.outputs, []);
    } finally {
      await s.nbctl('lr-route-add', 'lr1', '192.168.0.0/16', '10.0.1.2');
    }
  });

  test('a drop policy is reported as a drop at lr_in_policy', async () => {
    await s.nbctl('lr-policy-add', 'lr1', '100', 'ip4.dst == 10.0.1.2', 'drop');
    try {
      const trace = await ovnTrace(s, 'sw1', fromVm1('10.0.1.2'));
      assert.equal(trace.verdict.kind, 'drop');
      assert.equal(trace.verdict.kind === 'drop' && trace.verdict.stage, 'lr_in_policy');
      assert.equal(trace.verdict.kind === 'drop' && trace.verdict.datapath, 'lr1');
      // The policy matches one address: its neighbour still gets through.
      assert.equal((await ovnTrace(s, 'sw1', fromVm1('10.0.1.3'))).verdict.kind, 'output');
    } finally {
      await s.nbctl('lr-policy-del', 'lr1', '100', 'ip4.dst == 10.0.1.2');
    }
    assert.equal((await ovnTrace(s, 'sw1', fromVm1('10.0.1.2'))).verdict.kind, 'output');
  });

  test('packets the pipeline replaces (ARP for an unresolved next hop, ICMP time exceeded) are not outputs', async () => {
    await s.nbctl('lr-route-add', 'lr1', '172.20.0.0/16', '10.0.1.99');
    try {
      const arp = await ovnTrace(s, 'sw1', fromVm1('172.20.0.5'));
      // ovn-trace follows the ARP request it floods to vm2 and vm3; the packet itself waits.
      assert.match(arp.text, /output to "vm3"/);
      assert.deepEqual(arp.verdict, { kind: 'drop', stage: 'lr_in_arp_request', table: 21, datapath: 'lr1' });
      assert.ok(arp.events.some((e) => e.kind === 'drop' && e.replacedBy === 'arp'));
    } finally {
      await s.nbctl('lr-route-del', 'lr1', '172.20.0.0/16');
    }
    const ttl = await ovnTrace(s, 'sw1', fromVm1('10.0.1.2', 1));
    assert.match(ttl.text, /output to "vm1"/);
    assert.equal(ttl.verdict.kind, 'drop');
    assert.equal(ttl.verdict.kind === 'drop' && ttl.verdict.stage, 'lr_in_ip_input');
  });

  test('a broadcast floods every other port of the switch', async () => {
    const trace = await ovnTrace(
      s,
      'sw2',
      'inport == "vm2" && eth.src == 00:00:00:00:00:02 && eth.dst == ff:ff:ff:ff:ff:ff && ip4.src == 10.0.1.2 && ip4.dst == 10.0.1.255',
    );
    assert.deepEqual(trace.outputs, ['vm3']);
    assert.deepEqual(trace.verdict, { kind: 'output', port: 'vm3', datapath: 'sw2' });
  });

  test('the negative twin: without the router port to sw2 nothing reaches sw2', async () => {
    await s.nbctl('lrp-del', 'lr1-sw2');
    const trace = await ovnTrace(s, 'sw1', fromVm1('10.0.1.2'));
    assert.notEqual(trace.verdict.kind, 'output');
    assert.deepEqual(trace.outputs, []);
    assert.deepEqual(trace.verdict, { kind: 'drop', stage: 'lr_in_ip_routing', table: 13, datapath: 'lr1' });
  });

  test('refusals are OvnTraceError: unknown datapath, unknown inport, unparsable microflow', async () => {
    for (const [datapath, microflow] of [
      ['no-such-switch', fromVm1('10.0.1.2')],
      ['sw1', 'inport == "no-such-port"'],
      ['sw1', 'inport =='],
    ] as const) {
      await assert.rejects(ovnTrace(s, datapath, microflow), (error: unknown) => {
        assert.ok(error instanceof OvnTraceError);
        assert.equal(error.code, 'OVNDB_OVN_TRACE_FAILED');
        assert.equal(error.datapath, datapath);
        return true;
      });
    }
  });
});
