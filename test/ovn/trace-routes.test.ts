/**
 * End to end with ovn-northd and ovn-trace: what the route helpers write decides where
 * northd 23.03's logical flows send a packet (ovn-mapping.md C). One router, a client
 * subnet, a subnet bound to route table `rt1`, and two next-hop subnets whose hop ports
 * (`hop-x`, `hop-y`) receive whatever is routed to them. Each case has a negative twin: the
 * same state without the deciding row sends the packet elsewhere.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Operation } from '../../src/index.js';
import {
  addPolicyRoute,
  addStaticRoute,
  addSubnet,
  addSwitchPort,
  createRouter,
  deletePolicyRoute,
  deleteStaticRoute,
  InvalidSpecError,
  peerVpc,
} from '../../src/ovn/index.js';
import { type OvnTraceResult, ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const _NB = 'OVN_Northbound';
const R = 'vpc-r';

/** Where the trace ended: the port it was delivered to, or `drop@<stage>`. */
function verdictOf(trace: OvnTraceResult): string {
  const v = trace.verdict;
  return v.kind === 'output' ? v.port : v.kind === 'drop' ? `drop@${v.stage ?? '?'}` : 'unknown';
}

describe('route helpers, traced through ovn-northd', { timeout: 90_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  /** Traces a packet from `pod` (on `subnet` of router `router`) to `dst`. */
  const trace = async (
    router: string,
    subnet: string,
    pod: { name: string; mac: string; ip: string },
    dst: string,
  ) => {
    const gateway = env.nb.findOne('Logical_Router_Port', 'name', `${router}-${subnet}`)?.mac;
    assert.ok(gateway, `router port ${router}-${subnet}`);
    const result = await ovnTrace(
      env.sandbox,
      subnet,
      `inport == "${pod.name}" && eth.src == ${pod.mac} && eth.dst == ${gateway} && ` +
        `ip4.src == ${pod.ip} && ip4.dst == ${dst} && ip.ttl == 64`,
    );
    return { verdict: verdictOf(result), text: result.text };
  };
  const podA = { name: 'pod-a', mac: '0a:00:00:00:01:02', ip: '10.1.0.2' };
  const podB = { name: 'pod-b', mac: '0a:00:00:00:04:02', ip: '10.4.0.2' };
  const hopX = '10.2.0.10';
  const hopY = '10.3.0.10';

  before(async () => {
    await apply(createRouter(env.nb, { name: R }));
    await apply(addSubnet(env.nb, { name: 'net-a', vpc: R, cidrBlock: '10.1.0.0/24' }));
    await apply(addSubnet(env.nb, { name: 'net-x', vpc: R, cidrBlock: '10.2.0.0/24' }));
    await apply(addSubnet(env.nb, { name: 'net-y', vpc: R, cidrBlock: '10.3.0.0/24' }));
    await apply(addSubnet(env.nb, { name: 'net-b', vpc: R, cidrBlock: '10.4.0.0/24', routeTable: 'rt1' }));
    await apply(addSwitchPort(env.nb, { switch: 'net-a', name: podA.name, mac: podA.mac, ips: podA.ip }));
    await apply(addSwitchPort(env.nb, { switch: 'net-b', name: podB.name, mac: podB.mac, ips: podB.ip }));
    // Next hops with fixed addresses: northd resolves their MACs statically, no ARP needed.
    await apply(
      addSwitchPort(env.nb, { switch: 'net-x', name: 'hop-x', mac: '0a:00:00:00:02:0a', ips: hopX }),
    );
    await apply(
      addSwitchPort(env.nb, { switch: 'net-y', name: 'hop-y', mac: '0a:00:00:00:03:0a', ips: hopY }),
    );
    await apply(addStaticRoute(env.nb, { router: R, cidr: '172.16.0.0/16', nextHops: hopX }));
  });

  test('longer prefix wins: a /24 via hop-y beats the /16 via hop-x', async () => {
    await apply(addStaticRoute(env.nb, { router: R, cidr: '172.16.1.0/24', nextHops: hopY }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.1.5')).verdict, 'hop-y');
    // Twin: without the /24, the /16 takes it.
    await apply(deleteStaticRoute(env.nb, { router: R, cidr: '172.16.1.0/24' }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.1.5')).verdict, 'hop-x');
  });

  test('equal length: the dst-ip route beats the src-ip one', async () => {
    await apply(addStaticRoute(env.nb, { router: R, cidr: '172.16.2.0/24', nextHops: hopX }));
    await apply(
      addStaticRoute(env.nb, { router: R, cidr: '10.1.0.0/24', nextHops: hopY, policy: 'policySrc' }),
    );
    assert.equal((await trace(R, 'net-a', podA, '172.16.2.5')).verdict, 'hop-x');
    // Twin: without the dst-ip /24 the src-ip /24 wins over the dst-ip /16 (longer prefix again).
    await apply(deleteStaticRoute(env.nb, { router: R, cidr: '172.16.2.0/24' }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.2.5')).verdict, 'hop-y');
    await apply(deleteStaticRoute(env.nb, { router: R, cidr: '10.1.0.0/24', policy: 'policySrc' }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.2.5')).verdict, 'hop-x');
  });

  test('a route table bound to a subnet applies to packets from that subnet only', async () => {
    await apply(
      addStaticRoute(env.nb, { router: R, cidr: '172.16.3.0/24', nextHops: hopY, routeTable: 'rt1' }),
    );
    assert.equal((await trace(R, 'net-b', podB, '172.16.3.5')).verdict, 'hop-y', 'net-b is bound to rt1');
    assert.equal((await trace(R, 'net-a', podA, '172.16.3.5')).verdict, 'hop-x', 'net-a uses the main table');
    // Twin, and the 23.03 caveat (ovn-mapping.md C): without its rt1 route, a packet from
    // net-b does NOT fall back to the main table's /16: main-table dst routes match reg7 == 0
    // only, so it is dropped at lr_in_ip_routing.
    await apply(deleteStaticRoute(env.nb, { router: R, cidr: '172.16.3.0/24', routeTable: 'rt1' }));
    assert.equal((await trace(R, 'net-b', podB, '172.16.3.5')).verdict, 'drop@lr_in_ip_routing');
    // Connected routes stay global: net-b still reaches the next-hop subnets directly.
    assert.equal((await trace(R, 'net-b', podB, hopX)).verdict, 'hop-x');
  });

  test('a discard route drops at lr_in_ip_routing', async () => {
    await apply(addStaticRoute(env.nb, { router: R, cidr: '172.16.4.0/24', nextHops: 'discard' }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.4.5')).verdict, 'drop@lr_in_ip_routing');
    await apply(deleteStaticRoute(env.nb, { router: R, cidr: '172.16.4.0/24' }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.4.5')).verdict, 'hop-x');
  });

  test('a reroute policy overrides the routing table', async () => {
    const policy = { router: R, priority: 200, match: 'ip4.dst == 172.16.5.5' };
    await apply(addPolicyRoute(env.nb, { ...policy, action: 'reroute', nextHops: hopY }));
    assert.equal((await trace(R, 'net-a', podA, '172.16.5.5')).verdict, 'hop-y');
    await apply(deletePolicyRoute(env.nb, policy));
    assert.equal((await trace(R, 'net-a', podA, '172.16.5.5')).verdict, 'hop-x');
  });

  test('ECMP: one call with two next hops sends the packet to one of them', async () => {
    await apply(addStaticRoute(env.nb, { router: R, cidr: '172.16.6.0/24', nextHops: [hopX, hopY] }));
    const { verdict, text } = await trace(R, 'net-a', podA, '172.16.6.5');
    assert.ok(verdict === 'hop-x' || verdict === 'hop-y', text);
    assert.match(text, /select\(/, 'the route is an ECMP group');
  });
});

describe('two VPCs with the same CIDR, traced', { timeout: 90_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  const pods = {
    a1: { vpc: 'vpc-s1', subnet: 'same-1', name: 'a1', mac: '0a:00:00:09:01:02', ip: '10.9.0.2' },
    b1: { vpc: 'vpc-s1', subnet: 'same-1', name: 'b1', mac: '0a:00:00:09:01:03', ip: '10.9.0.3' },
    b2: { vpc: 'vpc-s2', subnet: 'same-2', name: 'b2', mac: '0a:00:00:09:02:03', ip: '10.9.0.3' },
  };
  const trace = async (from: (typeof pods)[keyof typeof pods], ethDst: string, dst: string) => {
    const result = await ovnTrace(
      env.sandbox,
      from.subnet,
      `inport == "${from.name}" && eth.src == ${from.mac} && eth.dst == ${ethDst} && ` +
        `ip4.src == ${from.ip} && ip4.dst == ${dst} && ip.ttl == 64`,
    );
    return { verdict: verdictOf(result), outputs: result.outputs, text: result.text };
  };

  before(async () => {
    for (const [vpc, subnet] of [
      ['vpc-s1', 'same-1'],
      ['vpc-s2', 'same-2'],
    ] as const) {
      await apply(createRouter(env.nb, { name: vpc }));
      await apply(addSubnet(env.nb, { name: subnet, vpc, cidrBlock: '10.9.0.0/24' }));
    }
    await apply(addSubnet(env.nb, { name: 'other-2', vpc: 'vpc-s2', cidrBlock: '10.8.0.0/24' }));
    await apply(
      addSwitchPort(env.nb, { switch: 'other-2', name: 'c2', mac: '0a:00:00:08:02:02', ips: '10.8.0.2' }),
    );
    for (const pod of Object.values(pods)) {
      await apply(addSwitchPort(env.nb, { switch: pod.subnet, name: pod.name, mac: pod.mac, ips: pod.ip }));
    }
  });

  test("the duplicate address answers in the sender's own VPC only", async () => {
    const own = await trace(pods.a1, pods.b1.mac, pods.b1.ip);
    assert.equal(own.verdict, 'b1');
    // The other VPC's pod holds the same IP: its MAC is unknown on same-1, nothing reaches it.
    const other = await trace(pods.a1, pods.b2.mac, pods.b2.ip);
    assert.equal(other.verdict, 'drop@ls_in_l2_unknown', other.text);
    assert.deepEqual(other.outputs, []);
  });

  test('a subnet of the other VPC is unreachable; peering the two is refused', async () => {
    const gateway = env.nb.findOne('Logical_Router_Port', 'name', 'vpc-s1-same-1')?.mac as string;
    const routed = await trace(pods.a1, gateway, '10.8.0.2');
    assert.equal(routed.verdict, 'drop@lr_in_ip_routing', routed.text);
    // Twin within one VPC: vpc-s2's own pod reaches that subnet.
    const gateway2 = env.nb.findOne('Logical_Router_Port', 'name', 'vpc-s2-same-2')?.mac as string;
    assert.equal((await trace(pods.b2, gateway2, '10.8.0.2')).verdict, 'c2');
    // And the helpers will not join them: their subnets overlap.
    assert.throws(
      () =>
        peerVpc(
          env.nb,
          { vpc: 'vpc-s1', remoteVpc: 'vpc-s2', localConnectIP: '169.254.9.1/30' },
          {
            bothSides: { remoteConnectIP: '169.254.9.2/30' },
          },
        ),
      (error: unknown) =>
        error instanceof InvalidSpecError && error.field.endsWith('remoteVpc') && error.value === 'vpc-s2',
    );
  });
});
