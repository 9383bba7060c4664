/**
 * End to end with ovn-northd and ovn-trace: the seed's two peered VPCs, built with applyVpc
 * and the subnet helpers, carry a packet from a VPC-1 port to a VPC-2 port; without the
 * static route (the negative twin) the router drops it at lr_in_ip_routing.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { model as nbModel } from '../../src/generated/nb/index.js';
import { database } from '../../src/index.js';
import {
  addPolicyRoute,
  addSubnet,
  addSwitchPort,
  applyResources,
  applyVpc,
  deletePolicyRoute,
  type NbHandle,
} from '../../src/ovn/index.js';
import { ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const vpc = (name: string, remote: string, connectIP: string, route?: { cidr: string; via: string }) => ({
  kind: 'Vpc',
  metadata: { name },
  spec: {
    vpcPeerings: [{ remoteVpc: remote, localConnectIP: connectIP }],
    staticRoutes:
      route === undefined ? [] : [{ cidr: route.cidr, nextHopIP: route.via, policy: 'policyDst' }],
  },
});

describe('the seed peering, traced through ovn-northd', { timeout: 60_000 }, () => {
  const env = nbSandbox();
  let writer: NbHandle;
  let microflow: string;

  before(async () => {
    writer = database(env.client, nbModel);
    await applyVpc(
      writer,
      vpc('vpc-1', 'vpc-2', '169.254.0.1/30', { cidr: '172.31.0.0/16', via: '169.254.0.2' }),
    );
    await applyVpc(
      writer,
      vpc('vpc-2', 'vpc-1', '169.254.0.2/30', { cidr: '10.0.0.0/16', via: '169.254.0.1' }),
    );
    await writer.transact(addSubnet(env.nb, { name: 'net1', vpc: 'vpc-1', cidrBlock: '10.0.0.0/16' }));
    await writer.transact(addSubnet(env.nb, { name: 'net2', vpc: 'vpc-2', cidrBlock: '172.31.0.0/16' }));
    await writer.transact(
      addSwitchPort(env.nb, { switch: 'net1', name: 'pod1', mac: '0a:00:00:00:01:02', ips: '10.0.0.2' }),
    );
    await writer.transact(
      addSwitchPort(env.nb, { switch: 'net2', name: 'pod2', mac: '0a:00:00:00:02:02', ips: '172.31.0.2' }),
    );
    const gatewayMac = env.nb.findOne('Logical_Router_Port', 'name', 'vpc-1-net1')?.mac;
    assert.ok(gatewayMac, 'the subnet helper made the router port vpc-1-net1');
    microflow =
      `inport == "pod1" && eth.src == 0a:00:00:00:01:02 && eth.dst == ${gatewayMac} && ` +
      'ip4.src == 10.0.0.2 && ip4.dst == 172.31.0.2 && ip.ttl == 64';
  });

  test('a packet from a VPC-1 pod reaches the VPC-2 pod', async () => {
    const trace = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.deepEqual(
      trace.verdict.kind === 'output' ? trace.verdict.port : trace.verdict,
      'pod2',
      trace.text,
    );
  });

  test('negative twin: without VPC-1 static route the router drops it', async () => {
    await applyVpc(writer, vpc('vpc-1', 'vpc-2', '169.254.0.1/30'));
    const trace = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(trace.verdict.kind, 'drop', trace.text);
    assert.equal(trace.verdict.kind === 'drop' ? trace.verdict.stage : undefined, 'lr_in_ip_routing');
    // And back: the route restored, the packet goes through again.
    await applyVpc(
      writer,
      vpc('vpc-1', 'vpc-2', '169.254.0.1/30', { cidr: '172.31.0.0/16', via: '169.254.0.2' }),
    );
    const again = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(again.verdict.kind === 'output' ? again.verdict.port : undefined, 'pod2', again.text);
  });

  test('a drop policy stops the packet at lr_in_policy; removing it lets it through', async () => {
    await writer.transact(
      addPolicyRoute(env.nb, {
        router: 'vpc-1',
        priority: 100,
        match: 'ip4.dst == 172.31.0.2',
        action: 'drop',
      }),
    );
    const dropped = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(
      dropped.verdict.kind === 'drop' ? dropped.verdict.stage : dropped.verdict.kind,
      'lr_in_policy',
      dropped.text,
    );
    await writer.transact(
      deletePolicyRoute(env.nb, { router: 'vpc-1', priority: 100, match: 'ip4.dst == 172.31.0.2' }),
    );
    const through = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(through.verdict.kind === 'output' ? through.verdict.port : undefined, 'pod2', through.text);
  });
  test('renumbered on both sides in one input: through on the new link; a stale next hop drops it', async () => {
    const renumbered = (via: string) => [
      vpc('vpc-1', 'vpc-2', '169.254.0.5/30', { cidr: '172.31.0.0/16', via }),
      vpc('vpc-2', 'vpc-1', '169.254.0.6/30', { cidr: '10.0.0.0/16', via: '169.254.0.5' }),
    ];
    const applied = await applyResources(writer, renumbered('169.254.0.6'));
    assert.ok(applied.vpcs.every((plan) => plan.applied));
    const moved = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(moved.verdict.kind === 'output' ? moved.verdict.port : undefined, 'pod2', moved.text);
    assert.match(moved.text, /169\.254\.0\.6/, 'routed via the new link');
    // Negative twin: vpc-1 still routes via the old link's address, which no port reaches now.
    await applyResources(writer, renumbered('169.254.0.2'));
    const stale = await ovnTrace(env.sandbox, 'net1', microflow);
    assert.equal(
      stale.verdict.kind === 'drop' ? stale.verdict.stage : stale.verdict.kind,
      'lr_in_ip_routing',
      stale.text,
    );
  });
});
