/**
 * End to end with ovn-northd and ovn-trace: what planSubnetSecurity and planSecurityGroup
 * write decides what northd 23.03's logical flows do with a packet. One router and four
 * subnets; each case has its negative twin (the same packet without the deciding row, or a
 * packet the row does not allow).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LogicalSwitchPortTable } from '../../src/generated/nb/index.js';
import type { Operation } from '../../src/index.js';
import { updateRows, whereColumn } from '../../src/model/index.js';
import { addSubnet, addSwitchPort, createRouter, findDhcpOptions } from '../../src/ovn/index.js';
import { deleteSecurityGroup, parseSecurityGroup, planSecurityGroup } from '../../src/ovn/security-groups.js';
import {
  planSubnetSecurity,
  type SubnetSecuritySpec,
  subnetDhcpIdentity,
} from '../../src/ovn/subnet-security.js';
import { type OvnTraceResult, ovnTrace } from '../../src/testing/index.js';
import { nbSandbox } from '../helpers/nb-sandbox.js';

const R = 'vpc-t';

function verdictOf(trace: OvnTraceResult): string {
  const v = trace.verdict;
  return v.kind === 'output' ? v.port : v.kind === 'drop' ? `drop@${v.stage ?? '?'}` : 'unknown';
}

interface Pod {
  readonly name: string;
  readonly subnet: string;
  readonly mac: string;
  readonly ip: string;
}

describe('subnet security and security groups, traced through ovn-northd', { timeout: 60_000 }, () => {
  const env = nbSandbox();
  const apply = (ops: Operation[]) => env.apply(ops);
  const pods = {
    a: { name: 'pa', subnet: 'net-a', mac: '0a:00:00:10:01:02', ip: '10.10.1.2' },
    b: { name: 'pb', subnet: 'net-b', mac: '0a:00:00:10:02:02', ip: '10.10.2.2' },
    c: { name: 'pc', subnet: 'net-c', mac: '0a:00:00:10:03:02', ip: '10.10.3.2' },
    d: { name: 'pd', subnet: 'net-d', mac: '0a:00:00:10:04:02', ip: '10.10.4.2' },
    s: { name: 'ps', subnet: 'net-b', mac: '0a:00:00:10:02:05', ip: '10.10.2.5' },
  } satisfies Record<string, Pod>;
  const subnetA: SubnetSecuritySpec = { name: 'net-a', vpc: R, cidrBlock: '10.10.1.0/24' };

  /** A TCP packet from `from` to `to` through the router; its verdict and the trace. */
  const trace = async (from: Pod, to: Pod, dport = 80) => {
    const gateway = env.nb.findOne('Logical_Router_Port', 'name', `${R}-${from.subnet}`)?.mac;
    assert.ok(gateway);
    const ethDst = from.subnet === to.subnet ? to.mac : gateway;
    const result = await ovnTrace(
      env.sandbox,
      from.subnet,
      `inport == "${from.name}" && eth.src == ${from.mac} && eth.dst == ${ethDst} && ` +
        `ip4.src == ${from.ip} && ip4.dst == ${to.ip} && ip.ttl == 64 && tcp.src == 40000 && tcp.dst == ${dport}`,
      { ct: ['new', 'new', 'new', 'new'] },
    );
    return { verdict: verdictOf(result), outputs: result.outputs, text: result.text };
  };

  before(async () => {
    await apply(createRouter(env.nb, { name: R }));
    for (const [name, cidr] of [
      ['net-a', '10.10.1.0/24'],
      ['net-b', '10.10.2.0/24'],
      ['net-c', '10.10.3.0/24'],
      ['net-d', '10.10.4.0/24'],
    ] as const)
      await apply(addSubnet(env.nb, { name, vpc: R, cidrBlock: cidr }));
    for (const pod of Object.values(pods))
      await apply(addSwitchPort(env.nb, { switch: pod.subnet, name: pod.name, mac: pod.mac, ips: pod.ip }));
  });

  test('an acls entry drops the packet; without it the packet is delivered', async () => {
    assert.equal((await trace(pods.c, pods.a)).verdict, 'pa');
    await apply(
      planSubnetSecurity(env.nb, {
        ...subnetA,
        acls: [{ direction: 'to-lport', priority: 1010, match: `ip4.src == ${pods.c.ip}`, action: 'drop' }],
      }),
    );
    const dropped = await trace(pods.c, pods.a);
    assert.match(dropped.verdict, /^drop@ls_out_acl/, dropped.text);
    assert.equal((await trace(pods.b, pods.a)).verdict, 'pa', 'another source is not matched');
    await apply(planSubnetSecurity(env.nb, subnetA));
    assert.equal((await trace(pods.c, pods.a)).verdict, 'pa');
  });

  test('private with allowSubnets: the allowed subnet is delivered, another dropped', async () => {
    await apply(planSubnetSecurity(env.nb, { ...subnetA, private: true, allowSubnets: ['10.10.2.0/24'] }));
    assert.equal((await trace(pods.b, pods.a)).verdict, 'pa');
    // The default drop is logged: northd's action is `log(..., verdict=drop, ...); /* drop */`,
    // which ovn-trace prints as the log line and nothing after it (no drop event to read).
    const dropped = await trace(pods.c, pods.a);
    assert.deepEqual(dropped.outputs, [], dropped.text);
    assert.match(dropped.text, /ls_out_acl .*\n\s+log\(name="net-a", verdict=drop, severity=warning\);/);
    // Twin: private off, the other subnet is delivered again.
    await apply(planSubnetSecurity(env.nb, subnetA));
    assert.equal((await trace(pods.c, pods.a)).verdict, 'pa');
  });

  test('a security group: its allowed source delivered, another source dropped', async () => {
    const sg = parseSecurityGroup({
      metadata: { name: 'web' },
      spec: {
        ingressRules: [
          {
            ipVersion: 'ipv4',
            protocol: 'tcp',
            priority: 10,
            remoteType: 'address',
            remoteAddress: pods.a.ip,
            portRangeMin: 80,
            portRangeMax: 80,
            policy: 'allow',
          },
        ],
      },
    });
    assert.equal((await trace(pods.c, pods.s)).verdict, 'ps', 'no group yet: delivered');
    await apply(planSecurityGroup(env.nb, sg, { members: [pods.s.name] }));
    assert.equal((await trace(pods.a, pods.s)).verdict, 'ps');
    const other = await trace(pods.c, pods.s);
    assert.match(other.verdict, /^drop@ls_out_acl/, other.text);
    const otherPort = await trace(pods.a, pods.s, 81);
    assert.match(otherPort.verdict, /^drop@ls_out_acl/, 'another port of the allowed source');
    await apply(deleteSecurityGroup(env.nb, 'web'));
    assert.equal((await trace(pods.c, pods.s)).verdict, 'ps');
  });

  test('enableDHCP: a discover is answered with the configured options', async () => {
    const spec: SubnetSecuritySpec = { name: 'net-d', vpc: R, cidrBlock: '10.10.4.0/24' };
    const discover = async () => {
      const result = await ovnTrace(
        env.sandbox,
        'net-d',
        `inport == "pd" && eth.src == ${pods.d.mac} && eth.dst == ff:ff:ff:ff:ff:ff && ` +
          'ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && ip.ttl == 1 && udp.src == 68 && udp.dst == 67',
      );
      return result.text;
    };
    await apply(
      planSubnetSecurity(env.nb, {
        ...spec,
        enableDHCP: true,
        dhcpV4Options: 'lease_time=600,dns_server={8.8.8.8;1.1.1.1}',
      }),
    );
    const row = findDhcpOptions(env.nb, subnetDhcpIdentity('net-d', 4));
    assert.ok(row);
    // Kube-OVN's pod controller points each pod's port at the subnet's row.
    await apply([
      updateRows(LogicalSwitchPortTable, [whereColumn('name', '==', 'pd')], { dhcpv4_options: row._uuid }),
    ]);
    const answered = await discover();
    assert.match(answered, /put_dhcp_opts\(offerip = 10\.10\.4\.2/, answered);
    assert.match(answered, /lease_time = 600/);
    assert.match(answered, /router = 10\.10\.4\.1/);
    assert.match(answered, /dns_server = \{8\.8\.8\.8, 1\.1\.1\.1\}/);
    // Twin: enableDHCP off deletes the row, the port's reference goes with it, no answer.
    await apply(planSubnetSecurity(env.nb, spec));
    assert.doesNotMatch(await discover(), /put_dhcp_opts/);
  });
});
