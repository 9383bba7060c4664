/**
 * End to end with ovn-northd 23.03 and ovn-trace: what setSwitchPort and setDhcpOptions write
 * decides whether a DHCP request is answered and whether a spoofed packet leaves its port; and
 * waitForPortUp resolves when a chassis claims the port in the Southbound database. Each case
 * has a negative twin.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { database, type Operation, WaitAbortedError } from '../../src/index.js';
import {
  DHCPV4_OPTION_TYPES,
  DHCPV6_OPTION_TYPES,
  PortUpTimeoutError,
  setDhcpOptions,
  setSwitchPort,
  waitForPortUp,
} from '../../src/ovn/index.js';
import { type OvnTraceResult, ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const SW = 'dnet';
const V4 = { subnet: SW, protocol: 'IPv4' };
const vm1 = { name: 'vm1', mac: '0a:00:00:32:00:05', ip: '10.50.0.5' };
const ps1 = { name: 'ps1', mac: '0a:00:00:32:00:06', ip: '10.50.0.6' };
const ps2 = { name: 'ps2', mac: '0a:00:00:32:00:07', ip: '10.50.0.7' };

function verdictOf(trace: OvnTraceResult): string {
  const v = trace.verdict;
  return v.kind === 'output' ? v.port : v.kind === 'drop' ? `drop@${v.stage ?? '?'}` : 'unknown';
}

describe('switch ports and DHCP, traced through ovn-northd', { timeout: 60_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  const discover = (port: { name: string; mac: string }) =>
    ovnTrace(
      env.sandbox,
      SW,
      `inport == "${port.name}" && eth.src == ${port.mac} && eth.dst == ff:ff:ff:ff:ff:ff && ` +
        'ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67 && ip.ttl == 64',
    );
  const send = async (from: { name: string; mac: string; ip: string }, to: { mac: string; ip: string }) =>
    verdictOf(
      await ovnTrace(
        env.sandbox,
        SW,
        `inport == "${from.name}" && eth.src == ${from.mac} && eth.dst == ${to.mac} && ` +
          `ip4.src == ${from.ip} && ip4.dst == ${to.ip} && ip.ttl == 64`,
      ),
    );

  before(async () => {
    await env.sandbox.nbctl(
      'ls-add',
      SW,
      '--',
      'set',
      'Logical_Switch',
      SW,
      'other_config:subnet="10.50.0.0/24"',
    );
    await apply(
      setDhcpOptions(
        env.nb,
        {
          cidr: '10.50.0.0/24',
          options: {
            lease_time: '3600',
            router: '10.50.0.1',
            server_id: '169.254.0.254',
            server_mac: '0a:00:00:2e:2f:b8',
            dns_server: '10.96.0.10',
            mtu: '1400',
          },
        },
        { identity: V4 },
      ),
    );
    for (const port of [vm1, ps1, ps2]) {
      await apply(
        setSwitchPort(env.nb, { switch: SW, name: port.name, addresses: [`${port.mac} ${port.ip}`] }),
      );
    }
  });

  test('a DHCP discover from a port with dhcpv4_options is answered with the options', async () => {
    await apply(setSwitchPort(env.nb, { switch: SW, name: vm1.name, dhcpv4Options: V4 }));
    const answered = await discover(vm1);
    const put = /put_dhcp_opts\(([^)]*)\)/.exec(answered.text);
    assert.ok(put, answered.text);
    for (const option of [
      `offerip = ${vm1.ip}`,
      'router = 10.50.0.1',
      'server_id = 169.254.0.254',
      'lease_time = 3600',
      'dns_server = 10.96.0.10',
      'mtu = 1400',
      'netmask = 255.255.255.0',
    ])
      assert.ok(put[1]?.includes(option), `${option} in ${put[0]}`);
    // The reply goes back out of the port it came from.
    assert.equal(verdictOf(answered), vm1.name, answered.text);
    // Twin: without the reference, no DHCP reply is built.
    await apply(setSwitchPort(env.nb, { switch: SW, name: vm1.name, dhcpv4Options: {} }));
    const ignored = await discover(vm1);
    assert.doesNotMatch(ignored.text, /put_dhcp_opts/);
    await apply(setSwitchPort(env.nb, { switch: SW, name: vm1.name, dhcpv4Options: V4 }));
  });

  test('port security drops a spoofed source at the port-security stage', async () => {
    await apply(
      setSwitchPort(env.nb, { switch: SW, name: ps1.name, portSecurity: [`${ps1.mac} ${ps1.ip}`] }),
    );
    assert.equal(await send(ps1, ps2), ps2.name);
    const spoofedMac = { ...ps1, mac: '0a:00:00:32:00:99' };
    const spoofedIp = { ...ps1, ip: '10.50.0.99' };
    assert.match(await send(spoofedMac, ps2), /^drop@ls_in_.*port_sec/);
    assert.match(await send(spoofedIp, ps2), /^drop@ls_in_.*port_sec/);
    // Twin: without port security the same packets pass.
    await apply(setSwitchPort(env.nb, { switch: SW, name: ps1.name, portSecurity: [] }));
    assert.equal(await send(spoofedMac, ps2), ps2.name);
    assert.equal(await send(spoofedIp, ps2), ps2.name);
  });

  test("the option tables are northd's own (its Southbound DHCP_Options and DHCPv6_Options)", async () => {
    const published = async (table: string) =>
      Object.fromEntries(
        (await env.sandbox.sbctl('--bare', '--columns=name,type', 'list', table))
          .split('\n\n')
          .map((row) => row.trim().split('\n') as [string, string]),
      );
    const v4 = { ...DHCPV4_OPTION_TYPES } as Record<string, string>;
    delete v4.server_mac; // read by northd itself
    assert.deepEqual(await published('DHCP_Options'), v4);
    const v6 = { ...DHCPV6_OPTION_TYPES } as Record<string, string>;
    delete v6.dhcpv6_stateless;
    assert.deepEqual(await published('DHCPv6_Options'), v6);
  });

  test('waitForPortUp resolves when a chassis claims the port; times out, typed, when none does', async () => {
    const nb = database(env.client, nbModel);
    try {
      // Twin first: nothing claims ps2, nor a port that does not exist.
      await assert.rejects(waitForPortUp(nb, ps2.name, { timeoutMs: 400 }), (error: unknown) => {
        assert.ok(error instanceof PortUpTimeoutError);
        assert.equal(error.port, ps2.name);
        assert.equal(error.exists, true);
        return true;
      });
      await assert.rejects(
        waitForPortUp(nb, 'no-such-port', { timeoutMs: 200 }),
        (error: unknown) => error instanceof PortUpTimeoutError && !error.exists,
      );
      // Aborted while waiting: the caller's signal, named as such.
      const abort = new AbortController();
      const aborted = waitForPortUp(nb, ps2.name, { timeoutMs: 15_000, signal: abort.signal });
      setTimeout(() => abort.abort(), 50);
      await assert.rejects(aborted, (error: unknown) => error instanceof WaitAbortedError);
      const waiting = waitForPortUp(nb, vm1.name, { timeoutMs: 15_000 });
      // What ovn-controller does when the pod's interface appears on its node.
      await env.sandbox.sbctl('chassis-add', 'node1', 'geneve', '127.0.0.1');
      await env.sandbox.sbctl('lsp-bind', vm1.name, 'node1');
      await waiting;
      assert.equal((await nb.replica()).findOne('Logical_Switch_Port', 'name', vm1.name)?.up, true);
      // Already up: resolves at once.
      await waitForPortUp(nb, vm1.name, { timeoutMs: 1000 });
    } finally {
      await nb.close();
    }
  });
});
